"""Orders in admin: who sees which order, the frozen quote, the money trail with its balance
mark, the superusers' cancel action, and nobody editing an order (the policy matrix in
tests/test_operator_scope.py covers the rest of the operator's permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ehubs.models import Hub
from ehubs.services import hub_operator_group_ensure
from marketplace.models import Order
from marketplace.orders import order_pay, order_transition
from payments.ledger import ESCROW, EntrySpec, transfer
from payments.ledger_services import ledger_post
from payments.models import Entry
from tests.factories import UserFactory
from tests.trade import GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db
ORDERS = reverse("admin:marketplace_order_changelist")
S = Order.Status


@dataclass
class Desk:
    hgh: Client  # operator of the hub the order leaves from
    kgl: Client  # operator of a hub the order never passes
    root: Client
    order: Order  # paid, routed HGH → LGG


def _operator(username: str, hub_code: str) -> Client:
    user = UserFactory.create(username=username, is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    Hub.objects.get(code=hub_code).operators.add(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(trade: Trade) -> Desk:
    (order,) = place(trade, [(trade.shirt, 2)])
    assert order_pay(order=order, card_number=GOOD_CARD).paid
    root = Client()
    root.force_login(User.objects.create_superuser("root", password="x"))
    return Desk(
        hgh=_operator("hgh-operator", "HGH"), kgl=_operator("kgl-operator", "KGL"), root=root,
        order=order,
    )  # fmt: skip


def _change(order: Order) -> str:
    return reverse("admin:marketplace_order_change", args=[order.pk])


def _listed(client: Client, query: dict[str, str] | None = None) -> list[int]:
    response = client.get(ORDERS, query or {})
    assert response.status_code == 200
    return [order.pk for order in response.context["cl"].result_list]


def _cancel(client: Client, *orders: Order) -> list[str]:
    response = client.post(
        ORDERS,
        {"action": "cancel_orders", "_selected_action": [o.pk for o in orders], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_the_operator_of_a_hub_on_the_route_sees_the_order(desk: Desk) -> None:
    assert set(desk.order.hubs.values_list("code", flat=True)) == {"HGH", "LGG"}

    assert _listed(desk.hgh) == [desk.order.pk]
    page = desk.hgh.get(_change(desk.order)).content.decode()

    assert "Hangzhou Shirts Co" in page
    assert "HGH → LGG" in page
    assert f"EUR {desk.order.total:,.2f}" in page  # the total, as pages print money
    assert "Rue de la Loi 16" in page and "Silk shirt" in page
    assert "Payment captured; the money is held in escrow until delivery." in page
    assert 'name="_save"' not in page  # read-only: no save button


def test_the_operator_of_another_hub_finds_no_such_order(desk: Desk) -> None:
    assert _listed(desk.kgl) == []
    assert _listed(desk.kgl, {"q": str(desk.order.pk)}) == []

    page = desk.kgl.get(_change(desk.order))
    posted = desk.kgl.post(_change(desk.order), {"status": "delivered"})
    history = desk.kgl.get(reverse("admin:marketplace_order_history", args=[desk.order.pk]))

    # Django's admin answers "not found" with a redirect to its index and a message.
    for response in (page, posted, history):
        assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    followed = desk.kgl.get(_change(desk.order), follow=True).content.decode()
    assert "doesn’t exist" in followed


def test_the_frozen_quote_shows_its_tariff_rules(desk: Desk) -> None:
    page = desk.root.get(_change(desk.order)).content.decode()

    assert "6 days in transit" in page
    assert "610910" in page  # the line's HS code
    # The rule rows that priced duty (the EU low-value regime) and tax.
    assert "customs profile: low value duty — EU low-value consignments" in page
    assert "tax all goods: 21%" in page and "Belgian VAT" in page
    assert "FX rates used" in page


def test_the_money_trail_shows_the_capture_and_balances(desk: Desk) -> None:
    page = desk.hgh.get(_change(desk.order)).content.decode()

    assert "Money trail" in page
    assert ">capture<" in page and ">escrow<" in page and ">provider:sandbox<" in page
    total = f"EUR {desk.order.total:,.2f}"
    assert f"Buyer paid {total}</strong> =" in page
    assert f"still in escrow {total}" in page
    assert "✔ Balanced" in page and "NOT balanced" not in page


@pytest.mark.ledger_broken
def test_a_trail_that_does_not_add_up_is_marked_not_balanced(desk: Desk) -> None:
    odd = transfer(debit=ESCROW, credit="fx", amount=Decimal("1.00"), currency="EUR")
    ledger_post(spec=EntrySpec(kind="release", reference=desk.order.reference, lines=odd))

    page = desk.root.get(_change(desk.order)).content.decode()

    assert "✘ NOT balanced" in page
    assert "money went to fx with nothing exchanged" in page


def test_an_unpaid_order_has_an_empty_trail(trade: Trade, desk: Desk) -> None:
    (unpaid,) = place(trade, [(trade.mug, 1)])

    page = desk.root.get(_change(unpaid)).content.decode()

    assert "nothing has been paid for this order" in page
    assert "✔ Balanced" in page


def test_the_cancel_action_refunds_a_paid_order(desk: Desk) -> None:
    messages = _cancel(desk.root, desk.order)

    desk.order.refresh_from_db()
    assert desk.order.status == S.REFUNDED
    assert messages == [f"Order {desk.order.pk} cancelled; the buyer was refunded."]
    refund = Entry.objects.get(reference=desk.order.reference, kind="refund")
    assert refund.postings.get(account__code=ESCROW).amount == desk.order.total
    page = desk.root.get(_change(desk.order)).content.decode()
    assert ">refund<" in page and "✔ Balanced" in page
    assert "Cancelled in admin." in page  # the reason, on the timeline


def test_the_cancel_action_says_what_became_of_each_order(trade: Trade, desk: Desk) -> None:
    (unpaid,) = place(trade, [(trade.mug, 1)])
    (shipped,) = place(trade, [(trade.book, 1)])
    assert order_pay(order=shipped, card_number=GOOD_CARD).paid
    assert order_transition(order=shipped, from_=[S.PAID], to=S.SHIPPED, note="Shipped.")
    _cancel(desk.root, desk.order)

    messages = _cancel(desk.root, desk.order, unpaid, shipped)

    assert messages == [
        f"Order {desk.order.pk} was already refunded.",
        f"Order {unpaid.pk} cancelled (it was not paid).",
        f"Order {shipped.pk}: This order is shipped: it can no longer be cancelled.",
    ]
    unpaid.refresh_from_db()
    shipped.refresh_from_db()
    assert (unpaid.status, shipped.status) == (S.CANCELLED, S.SHIPPED)
    assert Entry.objects.filter(reference=desk.order.reference, kind="refund").count() == 1


def test_operators_are_not_offered_the_cancel_action(desk: Desk) -> None:
    page = desk.hgh.get(ORDERS).content.decode()
    assert "cancel_orders" not in page

    _cancel(desk.hgh, desk.order)

    desk.order.refresh_from_db()
    assert desk.order.status == S.PAID


def test_nobody_adds_changes_or_deletes_an_order(desk: Desk) -> None:
    for client in (desk.root, desk.hgh):
        assert client.get(reverse("admin:marketplace_order_add")).status_code == 403
        posted = client.post(_change(desk.order), {"status": "delivered", "ship_city": "Ghent"})
        assert posted.status_code == 403
        delete = reverse("admin:marketplace_order_delete", args=[desk.order.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    desk.order.refresh_from_db()
    assert (desk.order.status, desk.order.ship_city) == (S.PAID, "Brussels")


@pytest.mark.parametrize(
    "query",
    [
        {"q": "{pk}"},
        {"q": "#{pk}"},
        {"q": "order:{pk}"},
        {"q": "Hangzhou Shirts"},
        {"status__exact": "paid"},
        {"created__gte": "2000-01-01 00:00:00+00:00"},
    ],
)
def test_searches_and_filters_find_the_order(desk: Desk, query: dict[str, str]) -> None:
    query = {key: value.format(pk=desk.order.pk) for key, value in query.items()}
    assert _listed(desk.hgh, query) == [desk.order.pk]


def test_search_by_buyer_username_and_by_hub(trade: Trade, desk: Desk) -> None:
    username = trade.buyer.user.username
    hgh = Hub.objects.get(code="HGH")

    assert _listed(desk.root, {"q": username}) == [desk.order.pk]
    assert _listed(desk.root, {"hubs__id__exact": str(hgh.pk)}) == [desk.order.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"q": "9" * 40},
        {"q": "order:"},
        {"q": "١٢"},  # Arabic-Indic digits are not an id
        {"q": "'; drop table"},
        {"status__exact": "nonsense"},
        {"hubs__id__exact": "abc"},
        {"created__gte": "not a date"},
        {"o": "99"},
    ],
)
def test_odd_queries_never_fail(desk: Desk, query: dict[str, str]) -> None:
    for client in (desk.root, desk.hgh, desk.kgl):
        assert client.get(ORDERS, query).status_code in {200, 302, 400}


def test_odd_order_ids_never_fail(desk: Desk) -> None:
    for object_id in ("abc", "9" * 40, "-1", "0"):
        url = reverse("admin:marketplace_order_change", args=[object_id])
        assert desk.root.get(url).status_code in {302, 400}
        assert desk.root.post(url, {}).status_code in {302, 400}

"""Payouts and settlements in admin: read-only for everyone, superusers included; hub operators
have no access. A hub's change page shows its customs and logistics accounts to superusers and
its own operators, and only superusers edit its fee rates."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from ehubs.models import Hub
from ehubs.services import hub_operator_group_ensure
from marketplace.models import Order
from payments.models import Payout, Settlement
from payments.money import money_format
from payments.selectors import account_balances
from tests.factories import UserFactory
from tests.payouts import settled, trade_verified
from tests.trade import Trade

pytestmark = pytest.mark.django_db


@pytest.fixture
def trade() -> Trade:
    return trade_verified()


@pytest.fixture
def order(trade: Trade) -> Order:
    return settled(trade, [(trade.shirt, 1)])


def _operator_of(*codes: str) -> Client:
    user = UserFactory.create(is_staff=True)
    user.groups.add(hub_operator_group_ensure())
    for hub in Hub.objects.filter(code__in=codes):
        hub.operators.add(user)
    client = Client()
    client.force_login(user)
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_payout_list_names_the_seller_and_shows_the_amounts(
    admin_client: Client, trade: Trade, order: Order
) -> None:
    payout = Payout.objects.get()
    page = admin_client.get(reverse("admin:payments_payout_changelist"))
    assert page.status_code == 200
    text = _text(page.content.decode())
    assert f"Hangzhou Shirts Co (id {trade.seller.pk})" in text
    assert money_format(payout.amount, "CNY") in text
    assert money_format(payout.fee, "CNY") in text


def test_the_payout_list_filters_by_currency_and_date(admin_client: Client, order: Order) -> None:
    url = reverse("admin:payments_payout_changelist")
    payout = Payout.objects.get()
    cny = admin_client.get(url, {"currency": "CNY"})
    eur = admin_client.get(url, {"currency": "EUR"})
    assert [p.pk for p in cny.context["cl"].result_list] == [payout.pk]
    assert list(eur.context["cl"].result_list) == []
    year = admin_client.get(url, {"created__year": str(payout.created.year)})
    assert [p.pk for p in year.context["cl"].result_list] == [payout.pk]


def test_a_payout_shows_its_settlements_read_only_even_to_a_superuser(
    admin_client: Client, order: Order
) -> None:
    payout = Payout.objects.get()
    s = Settlement.objects.get()
    url = reverse("admin:payments_payout_change", args=[payout.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    text = _text(html)
    assert reverse("admin:marketplace_order_change", args=[order.pk]) in html
    for figure in (
        money_format(s.paid, "EUR"),
        money_format(s.net, "EUR"),
        money_format(s.payout_amount, "CNY"),
        money_format(payout.gross, "CNY"),
    ):
        assert figure in text, figure
    assert 'name="_save"' not in html
    assert admin_client.post(url, {"provider": "other"}).status_code == 403
    assert admin_client.get(reverse("admin:payments_payout_add")).status_code == 403
    deleted = admin_client.post(
        reverse("admin:payments_payout_delete", args=[payout.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert Payout.objects.get().provider == "sandbox"


def test_settlements_are_found_by_their_order_reference(admin_client: Client, order: Order) -> None:
    page = admin_client.get(reverse("admin:payments_settlement_changelist"), {"q": order.reference})
    assert [s.reference for s in page.context["cl"].result_list] == [order.reference]
    other = admin_client.get(reverse("admin:payments_settlement_changelist"), {"q": "order:0"})
    assert list(other.context["cl"].result_list) == []


def test_hub_operators_have_no_access_to_payouts_or_settlements(order: Order) -> None:
    operator = _operator_of("HGH", "LGG")
    payout, settlement = Payout.objects.get(), Settlement.objects.get()
    for url in (
        reverse("admin:payments_payout_changelist"),
        reverse("admin:payments_payout_change", args=[payout.pk]),
        reverse("admin:payments_settlement_changelist"),
        reverse("admin:payments_settlement_change", args=[settlement.pk]),
    ):
        assert operator.get(url).status_code == 403, url


def _owed(code: str) -> list[str]:
    return [
        money_format(-amount, currency)
        for (_, currency), amount in sorted(account_balances(code=code).items())
    ]


def test_a_hubs_page_shows_what_its_accounts_owe_and_their_latest_entries(
    admin_client: Client, order: Order
) -> None:
    lgg = Hub.objects.get(code="LGG")
    page = admin_client.get(reverse("admin:ehubs_hub_change", args=[lgg.pk]))
    text = _text(page.content.decode())
    assert "Customs and logistics accounts" in text
    duty, tax = _owed("hub:LGG:duty"), _owed("hub:LGG:tax")
    assert duty and tax  # the import at LGG carried duty and tax
    for amount in (*duty, *tax):
        assert amount in text and not amount.split(" ")[1].startswith("-")
    assert f"{order.reference}" in text  # the settlement's entry, among the latest
    hgh = admin_client.get(reverse("admin:ehubs_hub_change", args=[Hub.objects.get(code="HGH").pk]))
    for amount in _owed("hub:HGH:logistics"):
        assert amount in _text(hgh.content.decode())


def test_a_hub_with_no_entries_says_so(admin_client: Client, trade: Trade) -> None:
    lax = Hub.objects.get(code="LAX")
    text = _text(
        admin_client.get(reverse("admin:ehubs_hub_change", args=[lax.pk])).content.decode()
    )
    assert "No entries yet" in text
    assert "Hub LAX customs duty" in text


def test_an_operator_sees_their_hubs_accounts_but_not_another_hubs(order: Order) -> None:
    operator = _operator_of("LGG")
    own = operator.get(reverse("admin:ehubs_hub_change", args=[Hub.objects.get(code="LGG").pk]))
    other = operator.get(reverse("admin:ehubs_hub_change", args=[Hub.objects.get(code="HGH").pk]))
    assert own.status_code == other.status_code == 200
    assert "Customs and logistics accounts" in own.content.decode()
    for amount in _owed("hub:LGG:duty"):
        assert amount in _text(own.content.decode())
    assert "Customs and logistics accounts" not in other.content.decode()


def test_only_superusers_edit_a_hubs_fee_rates(admin_client: Client, trade: Trade) -> None:
    lgg = Hub.objects.get(code="LGG")
    url = reverse("admin:ehubs_hub_change", args=[lgg.pk])
    assert 'name="fee_percent"' in admin_client.get(url).content.decode()
    operator = _operator_of("LGG")
    html = operator.get(url).content.decode()
    assert 'name="fee_percent"' not in html and 'name="sme_fee_percent"' not in html
    assert "platform fee (%)" in html.lower()
    assert operator.post(url, {"fee_percent": "0"}).status_code == 403
    lgg.refresh_from_db()
    assert lgg.fee_percent == Decimal("5.00")


def test_a_staff_user_who_may_change_hubs_still_sees_the_fee_rates_read_only(
    trade: Trade,
) -> None:
    user: User = UserFactory.create(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_hub", "change_hub"]))
    client = Client()
    client.force_login(user)
    html = client.get(
        reverse("admin:ehubs_hub_change", args=[Hub.objects.get(code="LGG").pk])
    ).content.decode()
    assert 'name="name"' in html  # may change the hub
    assert 'name="fee_percent"' not in html
    assert "Customs and logistics accounts" not in html  # operates no hub

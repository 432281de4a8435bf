"""The order pages as buyers and sellers see them: lists, an order's timeline, money and
address, paying (one order, or a whole checkout with one card entry), cancelling, and a 404
for anyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from marketplace.models import Listing, Order
from marketplace.templatetags.money import format_money
from payments.providers.base import ProviderError
from payments.providers.sandbox import SandboxProvider
from tests.factories import BuyerFactory, SellerFactory
from tests.trade import DECLINED_CARD, ERROR_CARD, GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def money(order: Order, field: str = "total") -> str:
    return format_money(getattr(order, field), order.currency)


def detail(client: Client, order: Order) -> Any:
    return client.get(reverse("order_detail", args=[order.pk]))


def pay(client: Client, order: Order, card: str = GOOD_CARD) -> Any:
    return client.post(reverse("order_pay", args=[order.pk]), {"card_number": card}, follow=True)


def status_of(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def stock_of(listing: Listing) -> int:
    listing.refresh_from_db()
    return listing.stock


@pytest.fixture
def shopper(client: Client, trade: Trade) -> Client:
    client.force_login(trade.buyer.user)
    return client


@pytest.fixture
def order(trade: Trade) -> Order:
    (placed,) = place(trade, [(trade.shirt, 2)])
    return placed


# --- My orders -------------------------------------------------------------------------------


def test_my_orders_lists_the_buyers_orders_newest_first_with_status_and_total(
    shopper: Client, trade: Trade
) -> None:
    first, second = place(trade, [(trade.shirt, 1), (trade.book, 1)])
    someone_elses = place(trade, [(trade.mug, 1)], buyer=BuyerFactory.create())[0]

    page = text(shopper.get(reverse("order_list")))

    assert "2 orders." in page
    assert page.index(f"Order {second.pk}<") < page.index(f"Order {first.pk}<")
    assert "Awaiting payment" in page
    assert money(first) in page and money(second) in page
    assert "West Lake Books" in page
    assert f"Order {someone_elses.pk}<" not in page


def test_my_orders_is_paginated(shopper: Client, trade: Trade) -> None:
    for _ in range(21):
        place(trade, [(trade.shirt, 1)])
        Listing.objects.filter(pk=trade.shirt.pk).update(stock=10)

    first = text(shopper.get(reverse("order_list")))
    second = text(shopper.get(reverse("order_list"), {"page": "2"}))
    bad = shopper.get(reverse("order_list"), {"page": "x\x00"})

    assert "21 orders." in first
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert bad.status_code == 200


def test_my_orders_without_orders_says_so(shopper: Client) -> None:
    assert "You have no orders yet" in text(shopper.get(reverse("order_list")))


def test_my_orders_sends_a_visitor_to_log_in_and_a_seller_to_incoming_orders(
    client: Client, trade: Trade
) -> None:
    visitor = client.get(reverse("order_list"))
    client.force_login(trade.seller.user)
    seller = client.get(reverse("order_list"))

    assert visitor["Location"] == f"{reverse('login')}?next=/orders/"
    assert seller["Location"] == reverse("seller_orders")


# --- An order's page -------------------------------------------------------------------------


def test_an_order_shows_its_timeline_money_rules_and_address(shopper: Client, order: Order) -> None:
    page = text(detail(shopper, order))

    assert f"Order {order.pk}" in page
    assert "Awaiting payment" in page
    assert "Order placed; the goods are reserved for 30 minutes awaiting payment." in page
    for field in ("goods", "shipping", "duty", "tax", "total"):
        assert money(order, field) in page, field
    assert "HGH → LGG" in page
    assert "EU low-value consignments: flat EUR 3 per tariff subheading" in page
    assert "Belgian VAT" in page  # the tax rule row of the frozen quote
    assert "2 × Silk shirt" in page
    assert escape(order.ship_name) in page and "Rue de la Loi 16" in page
    assert "1000 Brussels" in page


def test_an_unpaid_order_offers_the_card_form_with_its_deadline_and_the_test_cards(
    shopper: Client, order: Order
) -> None:
    page = text(detail(shopper, order))

    assert f"Pay {money(order)}" in page
    assert 'name="card_number"' in page
    assert order.expires_at.strftime("%H:%M") in page
    for card in (GOOD_CARD, DECLINED_CARD, ERROR_CARD):
        assert f"<code>{card}</code>" in page
    assert reverse("order_cancel", args=[order.pk]) in page


def test_a_stranger_gets_a_404_for_the_page_and_every_action(client: Client, order: Order) -> None:
    client.force_login(BuyerFactory.create().user)

    assert detail(client, order).status_code == 404
    assert (
        client.post(reverse("order_pay", args=[order.pk]), {"card_number": GOOD_CARD}).status_code
        == 404
    )
    assert client.get(reverse("order_cancel", args=[order.pk])).status_code == 404
    assert client.post(reverse("order_cancel", args=[order.pk])).status_code == 404
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_another_seller_gets_a_404(client: Client, order: Order) -> None:
    client.force_login(SellerFactory.create().user)

    assert detail(client, order).status_code == 404


def test_a_visitor_is_sent_to_log_in_and_back_to_the_order(client: Client, order: Order) -> None:
    url = reverse("order_detail", args=[order.pk])

    assert detail(client, order)["Location"] == f"{reverse('login')}?next={url}"
    assert client.post(reverse("order_pay", args=[order.pk]))["Location"].endswith(f"?next={url}")


@pytest.mark.parametrize("pk", ["0", "99999999999999999999"])
def test_an_unknown_order_is_a_404(shopper: Client, pk: str) -> None:
    assert shopper.get(f"/orders/{pk}/").status_code == 404


def test_the_seller_reads_the_order_but_cannot_pay_or_cancel_it(
    client: Client, trade: Trade, order: Order
) -> None:
    client.force_login(trade.seller.user)

    page = text(detail(client, order))
    paid = client.post(reverse("order_pay", args=[order.pk]), {"card_number": GOOD_CARD})
    cancelled = client.post(reverse("order_cancel", args=[order.pk]))

    assert f"For <strong>{trade.buyer.user.username}</strong>" in page
    assert money(order) in page
    assert "Rue de la Loi 16" in page
    assert 'name="card_number"' not in page
    assert reverse("order_cancel", args=[order.pk]) not in page
    assert (paid.status_code, cancelled.status_code) == (404, 404)
    assert status_of(order) == Order.Status.PENDING_PAYMENT


# --- Paying ----------------------------------------------------------------------------------


def test_paying_with_the_good_test_card_marks_the_order_paid(shopper: Client, order: Order) -> None:
    response = pay(shopper, order)

    page = text(response)
    assert response.redirect_chain == [(reverse("order_detail", args=[order.pk]), 302)]
    assert f"Order {order.pk} from Hangzhou Shirts Co is paid: {money(order)}." in page
    assert status_of(order) == Order.Status.PAID
    assert "Payment captured; the money is held in escrow until delivery." in page
    assert 'name="card_number"' not in page


def test_a_declined_card_is_shown_cancels_the_order_and_releases_the_goods(
    shopper: Client, trade: Trade, order: Order
) -> None:
    page = text(pay(shopper, order, DECLINED_CARD))

    assert f"Order {order.pk} from Hangzhou Shirts Co: the card was declined" in page
    assert "nothing was charged" in page
    assert status_of(order) == Order.Status.CANCELLED
    assert stock_of(trade.shirt) == 10


def test_a_provider_error_leaves_the_order_payable(shopper: Client, order: Order) -> None:
    page = text(pay(shopper, order, ERROR_CARD))

    assert "the payment did not go through" in page
    assert "you can pay again" in page
    assert status_of(order) == Order.Status.PENDING_PAYMENT
    assert 'name="card_number"' in page


@pytest.mark.parametrize("card", ["", "4242", "4242x4242x4242x4242", "4" * 30, "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢"])
def test_a_malformed_card_number_is_explained_and_nothing_is_taken(
    shopper: Client, order: Order, card: str
) -> None:
    response = shopper.post(reverse("order_pay", args=[order.pk]), {"card_number": card})

    assert response.status_code == 200
    assert "Enter the card number as 12 to 19 digits" in text(response)
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_a_card_number_with_spaces_is_accepted(shopper: Client, order: Order) -> None:
    pay(shopper, order, "4242 4242 4242 4242")

    assert status_of(order) == Order.Status.PAID


def test_paying_twice_says_the_order_is_already_paid(shopper: Client, order: Order) -> None:
    pay(shopper, order)

    page = text(pay(shopper, order))

    assert f"Order {order.pk}: This order is paid: it cannot be paid." in page


def test_an_expired_order_offers_no_card_form_and_cannot_be_paid(
    shopper: Client, order: Order
) -> None:
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    page = text(detail(shopper, order))
    paid = text(pay(shopper, order))

    assert "The time to pay this order ran out" in page
    assert 'name="card_number"' not in page
    assert "The time to pay this order has run out" in paid
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_pay_accepts_only_post(shopper: Client, order: Order) -> None:
    assert shopper.get(reverse("order_pay", args=[order.pk])).status_code == 405


# --- One card entry for a whole checkout -----------------------------------------------------


def test_the_checkout_page_pays_every_order_with_one_card_entry(
    shopper: Client, trade: Trade
) -> None:
    first, second = place(trade, [(trade.shirt, 1), (trade.book, 1)])
    url = reverse("checkout_orders", args=[first.checkout])

    page = text(shopper.get(url))
    response = shopper.post(
        reverse("checkout_pay", args=[first.checkout]), {"card_number": GOOD_CARD}, follow=True
    )

    assert "Pay 2 orders" in page
    assert format_money(first.total + second.total, "EUR") in page
    after = text(response)
    assert response.redirect_chain == [(url, 302)]
    assert f"Order {first.pk} from Hangzhou Shirts Co is paid" in after
    assert f"Order {second.pk} from West Lake Books is paid" in after
    assert "Nothing left to pay" in after
    assert (status_of(first), status_of(second)) == (Order.Status.PAID, Order.Status.PAID)


def test_a_declined_card_is_reported_for_each_order_of_the_checkout(
    shopper: Client, trade: Trade
) -> None:
    first, second = place(trade, [(trade.shirt, 1), (trade.book, 1)])

    response = shopper.post(
        reverse("checkout_pay", args=[first.checkout]), {"card_number": DECLINED_CARD}, follow=True
    )

    page = text(response)
    assert f"Order {first.pk} from Hangzhou Shirts Co: the card was declined" in page
    assert f"Order {second.pk} from West Lake Books: the card was declined" in page
    assert (status_of(first), status_of(second)) == (
        Order.Status.CANCELLED,
        Order.Status.CANCELLED,
    )


def test_the_checkout_pays_only_what_is_still_unpaid(shopper: Client, trade: Trade) -> None:
    first, second = place(trade, [(trade.shirt, 1), (trade.book, 1)])
    pay(shopper, first)

    page = text(shopper.get(reverse("checkout_orders", args=[first.checkout])))
    response = shopper.post(
        reverse("checkout_pay", args=[first.checkout]), {"card_number": GOOD_CARD}, follow=True
    )

    assert "Pay 1 order" in page
    assert format_money(second.total, "EUR") in page
    after = text(response)
    assert f"Order {second.pk} from West Lake Books is paid" in after
    assert f"Order {first.pk}: " not in after


def test_a_malformed_card_on_the_checkout_page_is_explained(shopper: Client, trade: Trade) -> None:
    first, _ = place(trade, [(trade.shirt, 1), (trade.book, 1)])

    response = shopper.post(reverse("checkout_pay", args=[first.checkout]), {"card_number": "12"})

    assert response.status_code == 200
    assert "Enter the card number as 12 to 19 digits" in text(response)
    assert status_of(first) == Order.Status.PENDING_PAYMENT


def test_someone_elses_or_an_unknown_checkout_is_a_404(client: Client, trade: Trade) -> None:
    first, _ = place(trade, [(trade.shirt, 1), (trade.book, 1)])
    client.force_login(BuyerFactory.create().user)
    paid = client.post(reverse("checkout_pay", args=[first.checkout]), {"card_number": GOOD_CARD})

    assert client.get(reverse("checkout_orders", args=[first.checkout])).status_code == 404
    assert paid.status_code == 404
    assert client.get("/orders/checkout/not-a-uuid/").status_code == 404
    assert status_of(first) == Order.Status.PENDING_PAYMENT


def test_an_order_of_a_checkout_links_to_paying_them_all(shopper: Client, trade: Trade) -> None:
    first, _ = place(trade, [(trade.shirt, 1), (trade.book, 1)])

    page = text(detail(shopper, first))

    assert reverse("checkout_orders", args=[first.checkout]) in page
    assert "Pay all 2 orders of this checkout at once" in page


# --- Cancelling ------------------------------------------------------------------------------


def test_cancelling_asks_first_then_cancels_an_unpaid_order(
    shopper: Client, trade: Trade, order: Order
) -> None:
    url = reverse("order_cancel", args=[order.pk])

    confirm = text(shopper.get(url))
    response = shopper.post(url, follow=True)

    assert f"Cancel order {order.pk}?" in confirm
    assert "It is not paid yet, so nothing is charged." in confirm
    assert status_of(order) == Order.Status.CANCELLED
    assert f"Order {order.pk} is cancelled. Nothing was charged" in text(response)
    assert "Cancelled before payment; the goods were released." in text(response)
    assert stock_of(trade.shirt) == 10


def test_cancelling_a_paid_order_refunds_it(shopper: Client, order: Order) -> None:
    pay(shopper, order)
    url = reverse("order_cancel", args=[order.pk])

    confirm = text(shopper.get(url))
    response = shopper.post(url, follow=True)

    assert f"It is paid: the full <strong>{money(order)}</strong> is refunded" in confirm
    assert status_of(order) == Order.Status.REFUNDED
    assert f"Order {order.pk} is cancelled and {money(order)} was refunded to your card." in text(
        response
    )


def test_a_refund_the_provider_fails_is_explained_and_changes_nothing(
    shopper: Client, order: Order, trade: Trade, monkeypatch: pytest.MonkeyPatch
) -> None:
    pay(shopper, order)

    def refund_fails(self: SandboxProvider, **kwargs: Any) -> str:
        raise ProviderError("The sandbox is down for maintenance.")

    monkeypatch.setattr(SandboxProvider, "refund", refund_fails)
    response = shopper.post(reverse("order_cancel", args=[order.pk]), follow=True)

    page = text(response)
    assert f"Order {order.pk} could not be cancelled: the refund did not go through." in page
    assert "The sandbox is down for maintenance." in page
    assert status_of(order) == Order.Status.PAID
    assert stock_of(trade.shirt) == 8


def test_cancelling_twice_says_it_was_already_cancelled(shopper: Client, order: Order) -> None:
    url = reverse("order_cancel", args=[order.pk])
    shopper.post(url)

    response = shopper.post(url, follow=True)

    assert f"Order {order.pk} was already cancelled." in text(response)
    assert "Cancel order…" not in text(response)


def test_a_shipped_order_cannot_be_cancelled(shopper: Client, order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)

    confirm = text(shopper.get(reverse("order_cancel", args=[order.pk])))
    response = shopper.post(reverse("order_cancel", args=[order.pk]), follow=True)

    assert "it can no longer be cancelled" in confirm
    assert "it can no longer be cancelled" in text(response)
    assert status_of(order) == Order.Status.SHIPPED


# --- The seller's incoming orders ------------------------------------------------------------


@pytest.fixture
def seller_client(client: Client, trade: Trade) -> Client:
    client.force_login(trade.seller.user)
    return client


def test_incoming_orders_list_the_sellers_orders_only(seller_client: Client, trade: Trade) -> None:
    mine, theirs = place(trade, [(trade.shirt, 1), (trade.book, 1)])

    page = text(seller_client.get(reverse("seller_orders")))

    assert "1 order." in page
    assert f"Order {mine.pk}<" in page
    assert f"Order {theirs.pk}<" not in page
    assert trade.buyer.user.username in page
    assert "Belgium" in page


def test_incoming_orders_filter_by_status(seller_client: Client, trade: Trade) -> None:
    (paid,) = place(trade, [(trade.shirt, 1)])
    (unpaid,) = place(trade, [(trade.mug, 1)])
    Order.objects.filter(pk=paid.pk).update(status=Order.Status.PAID)

    page = text(seller_client.get(reverse("seller_orders"), {"status": "paid"}))
    bad = seller_client.get(reverse("seller_orders"), {"status": "nonsense\x00"})

    assert "1 order with the status “Paid”." in page
    assert f"Order {paid.pk}<" in page
    assert f"Order {unpaid.pk}<" not in page
    assert bad.status_code == 200
    assert "That status is not one of the list: showing every order." in text(bad)
    assert "2 orders." in text(bad)


def test_incoming_orders_are_paginated(seller_client: Client, trade: Trade) -> None:
    for _ in range(21):
        place(trade, [(trade.shirt, 1)])
        Listing.objects.filter(pk=trade.shirt.pk).update(stock=10)

    page = text(seller_client.get(reverse("seller_orders")))

    assert "21 orders." in page
    assert "Page 1 of 2" in page


def test_incoming_orders_are_for_sellers(client: Client, trade: Trade) -> None:
    visitor = client.get(reverse("seller_orders"))
    client.force_login(trade.buyer.user)
    buyer = client.get(reverse("seller_orders"))

    assert visitor["Location"] == f"{reverse('login')}?next=/seller/orders/"
    assert buyer.status_code == 403
    assert "This page is for sellers" in text(buyer)

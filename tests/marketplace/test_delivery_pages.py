"""Delivery on the order page: the seller's "Mark shipped" form on a cleared order, the buyer's
Delivery section with the carrier's events in plain words and the "Confirm receipt" button."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import Order, Shipment
from marketplace.shipping import ReportedEvent, shipment_event_record
from tests.shipping import cleared_order, parsed, partner, shipped_order
from tests.trade import Trade, place

pytestmark = pytest.mark.django_db

S = Order.Status


def text(response: Any) -> str:
    return response.content.decode()


def delivery_section(page: str) -> str:
    start = page.index('aria-labelledby="delivery-title"')
    return page[start : page.index("</section>", start)]


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(client: Client, order: Order) -> str:
    return delivery_section(text(client.get(reverse("order_detail", args=[order.pk]))))


# --- the seller ----------------------------------------------------------------------------------


def test_the_seller_sees_a_mark_shipped_form_with_the_active_carriers(trade: Trade) -> None:
    order = cleared_order(trade)
    partner()
    partner("dhl", "DHL eCommerce")
    partner("ups", "UPS", active=False)

    section = page_of(as_user(trade.seller.user), order)

    assert "Mark shipped" in section
    assert f'action="/orders/{order.pk}/ship/"' in section
    assert "Cainiao Network" in section and "DHL eCommerce" in section
    assert "UPS" not in section
    assert "csrfmiddlewaretoken" in section


def test_marking_shipped_ships_the_order_and_says_so(trade: Trade) -> None:
    order = cleared_order(trade)
    partner()
    seller = as_user(trade.seller.user)

    response = seller.post(
        reverse("order_ship", args=[order.pk]),
        {"carrier": "cainiao", "tracking_number": "cn123456789"},
        follow=True,
    )

    page = text(response)
    assert f"Order {order.pk} is marked shipped with Cainiao Network, tracking CN123456789" in page
    section = delivery_section(page)
    assert "Mark shipped" not in section
    assert "CN123456789" in section
    order.refresh_from_db()
    assert order.status == S.SHIPPED


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"carrier": "", "tracking_number": "CN123456789"}, "This field is required."),
        ({"carrier": "ups", "tracking_number": "CN123456789"}, "Choose one of the listed"),
        ({"carrier": "cainiao", "tracking_number": "CN 12"}, "Enter the tracking number"),
    ],
)
def test_a_bad_mark_shipped_form_shows_its_errors_and_ships_nothing(
    trade: Trade, form: dict[str, str], error: str
) -> None:
    order = cleared_order(trade)
    partner()

    response = as_user(trade.seller.user).post(reverse("order_ship", args=[order.pk]), form)

    assert response.status_code == 400
    section = delivery_section(text(response))
    assert error in section
    assert "Mark shipped" in section
    assert not Shipment.objects.exists()


def test_a_tracking_number_already_used_is_shown_on_the_form(trade: Trade) -> None:
    shipped_order(trade)
    other = cleared_order(trade)

    response = as_user(trade.seller.user).post(
        reverse("order_ship", args=[other.pk]),
        {"carrier": "cainiao", "tracking_number": "CN123456789"},
    )

    assert response.status_code == 400
    assert "already used by another order" in delivery_section(text(response))


def test_an_order_not_yet_cleared_has_no_form_and_cannot_be_shipped(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    partner()
    seller = as_user(trade.seller.user)

    section = page_of(seller, order)
    response = seller.post(
        reverse("order_ship", args=[order.pk]),
        {"carrier": "cainiao", "tracking_number": "CN123456789"},
        follow=True,
    )

    assert "Mark shipped" not in section
    assert "once customs has cleared the goods" in section
    assert "only an order cleared by customs can be shipped" in text(response)
    assert not Shipment.objects.exists()


def test_only_the_orders_seller_may_ship_it(trade: Trade) -> None:
    order = cleared_order(trade)
    partner()
    form = {"carrier": "cainiao", "tracking_number": "CN123456789"}

    other_seller = as_user(trade.other_seller.user).post(
        reverse("order_ship", args=[order.pk]), form
    )
    buyer = as_user(trade.buyer.user).post(reverse("order_ship", args=[order.pk]), form)

    assert (other_seller.status_code, buyer.status_code) == (404, 404)
    assert not Shipment.objects.exists()
    assert "Mark shipped" not in page_of(as_user(trade.buyer.user), order)


# --- the buyer -----------------------------------------------------------------------------------


def test_before_shipment_the_buyer_reads_that_it_is_not_shipped_yet(trade: Trade) -> None:
    order = cleared_order(trade)

    section = page_of(as_user(trade.buyer.user), order)

    assert "Not shipped yet." in section
    assert "Confirm receipt" not in section


def test_the_buyer_follows_the_parcel_in_plain_words_in_the_order_it_moved(trade: Trade) -> None:
    order = shipped_order(trade)
    cainiao = partner()
    for event_id, kind, at, extra in [
        ("e3", "arrived_at_hub", "2026-11-29T08:00:00+01:00", {"hub": "LGG"}),
        ("e1", "picked_up", "2026-11-24T09:30:00+08:00", {"location": "Hangzhou"}),
        ("e2", "departed_hub", "2026-11-25T22:00:00+08:00", {"hub": "HGH"}),
        ("e4", "out_for_delivery", "2026-11-30T08:00:00+01:00", {"note": "Driver: Anouk"}),
    ]:
        shipment_event_record(
            partner=cainiao,
            event=ReportedEvent(
                event_id=event_id,
                tracking_number="CN123456789",
                kind=kind,
                occurred_at=parsed(at),
                **extra,
            ),
        )

    section = page_of(as_user(trade.buyer.user), order)

    assert "Cainiao Network" in section and "CN123456789" in section
    lines = [
        "Cainiao Network picked up the parcel in Hangzhou.",
        "Left Hangzhou eHub (HGH).",
        "Arrived at Liège eHub (LGG).",
        "Out for delivery.",
    ]
    positions = [section.index(line) for line in lines]
    assert positions == sorted(positions)
    assert "“Driver: Anouk”" in section
    assert "Confirm receipt" in section
    assert "receipt is confirmed automatically on" in section


def test_confirming_receipt_delivers_the_order_and_thanks_the_buyer(trade: Trade) -> None:
    order = shipped_order(trade)
    buyer = as_user(trade.buyer.user)

    response = buyer.post(reverse("order_confirm_receipt", args=[order.pk]), follow=True)

    page = text(response)
    assert f"Thank you: receipt of order {order.pk} is confirmed" in page
    assert "Confirm receipt" not in delivery_section(page)
    assert "Receipt confirmed by the buyer." in page  # the order's timeline
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    again = buyer.post(reverse("order_confirm_receipt", args=[order.pk]), follow=True)
    assert "receipt was confirmed" in text(again)


def test_confirming_receipt_needs_a_post_with_the_csrf_token(trade: Trade) -> None:
    order = shipped_order(trade)
    buyer = Client(enforce_csrf_checks=True)
    buyer.force_login(trade.buyer.user)

    get = buyer.get(reverse("order_confirm_receipt", args=[order.pk]))
    forged = buyer.post(reverse("order_confirm_receipt", args=[order.pk]))

    assert (get.status_code, forged.status_code) == (405, 403)
    order.refresh_from_db()
    assert order.status == S.SHIPPED


def test_the_seller_cannot_confirm_receipt(trade: Trade) -> None:
    order = shipped_order(trade)

    response = as_user(trade.seller.user).post(reverse("order_confirm_receipt", args=[order.pk]))

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == S.SHIPPED

"""POST /api/v1/orders/{id}/ship/ (the seller, once cleared) and /confirm-receipt/ (the buyer,
once shipped), and the shipment in the order's body."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from marketplace.models import Order, OrderEvent, Shipment
from tests.api.conftest import _token_client
from tests.api.orders_api import ORDERS
from tests.factories import BuyerFactory
from tests.shipping import TRACKING, cleared_order, partner, shipped_order
from tests.trade import Trade, place

pytestmark = pytest.mark.django_db

S = Order.Status
SHIP = {"carrier": "cainiao", "tracking_number": "cn123456789"}


def ship_url(order: Order) -> str:
    return f"{ORDERS}{order.pk}/ship/"


def receipt_url(order: Order) -> str:
    return f"{ORDERS}{order.pk}/confirm-receipt/"


@pytest.fixture
def seller(trade: Trade) -> APIClient:
    return _token_client(trade.seller.user)


@pytest.fixture
def buyer(trade: Trade) -> APIClient:
    return _token_client(trade.buyer.user)


@pytest.fixture
def cleared(trade: Trade) -> Order:
    partner()
    return cleared_order(trade)


# --- ship --------------------------------------------------------------------------------------


def test_the_seller_ships_a_cleared_order(seller: APIClient, cleared: Order) -> None:
    response = seller.post(ship_url(cleared), SHIP, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "shipped"
    assert body["timeline"][-1]["note"] == "Shipped with Cainiao Network, tracking CN123456789."
    shipment = body["shipment"]
    assert {k: shipment[k] for k in ("carrier", "carrier_name", "tracking_number")} == {
        "carrier": "cainiao",
        "carrier_name": "Cainiao Network",
        "tracking_number": "CN123456789",
    }
    assert shipment["shipped_at"] and shipment["delivered_at"] is None
    assert shipment["events"] == []


def test_an_order_before_shipment_shows_no_shipment(buyer: APIClient, cleared: Order) -> None:
    assert buyer.get(f"{ORDERS}{cleared.pk}/").json()["shipment"] is None


def test_shipping_before_clearance_is_409(seller: APIClient, trade: Trade) -> None:
    partner()
    (order,) = place(trade, [(trade.shirt, 1)])

    response = seller.post(ship_url(order), SHIP, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "not_shippable"
    assert not Shipment.objects.exists()


def test_shipping_again_with_the_same_values_returns_the_order(
    seller: APIClient, cleared: Order
) -> None:
    seller.post(ship_url(cleared), SHIP, format="json")

    again = seller.post(ship_url(cleared), SHIP, format="json")

    assert (again.status_code, again.json()["status"]) == (200, "shipped")
    assert OrderEvent.objects.filter(order=cleared, status=S.SHIPPED).count() == 1


def test_an_idempotency_key_replays_the_first_answer(seller: APIClient, cleared: Order) -> None:
    headers = {"Idempotency-Key": "ship-1"}
    first = seller.post(ship_url(cleared), SHIP, format="json", headers=headers)

    again = seller.post(ship_url(cleared), SHIP, format="json", headers=headers)
    other = seller.post(
        ship_url(cleared), {**SHIP, "tracking_number": "OTHER1"}, format="json", headers=headers
    )

    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"carrier": "ups", "tracking_number": TRACKING}, "carrier"),
        ({"carrier": "", "tracking_number": TRACKING}, "carrier"),
        ({"carrier": "cainiao", "tracking_number": "CN 1"}, "tracking_number"),
        ({"carrier": "cainiao", "tracking_number": 123456}, "tracking_number"),
        ({"carrier": "cainiao"}, "tracking_number"),
    ],
)
def test_a_bad_carrier_or_tracking_number_is_a_400(
    seller: APIClient, cleared: Order, body: dict[str, Any], field: str
) -> None:
    response = seller.post(ship_url(cleared), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Shipment.objects.exists()


def test_a_tracking_number_in_use_with_the_carrier_is_a_400(
    seller: APIClient, trade: Trade
) -> None:
    shipped_order(trade)
    other = cleared_order(trade)

    response = seller.post(ship_url(other), SHIP, format="json")

    assert response.status_code == 400
    assert "already used by another order" in response.json()["tracking_number"][0]


def test_only_the_orders_seller_ships_it(buyer: APIClient, cleared: Order, trade: Trade) -> None:
    other_seller = _token_client(trade.other_seller.user)

    as_buyer = buyer.post(ship_url(cleared), SHIP, format="json")
    as_other_seller = other_seller.post(ship_url(cleared), SHIP, format="json")
    anonymous = APIClient().post(ship_url(cleared), SHIP, format="json")

    assert as_buyer.status_code == 403
    assert as_other_seller.status_code == 404
    assert anonymous.status_code == 401
    assert not Shipment.objects.exists()


# --- confirm receipt ---------------------------------------------------------------------------


def test_the_buyer_confirms_receipt(buyer: APIClient, trade: Trade) -> None:
    order = shipped_order(trade)

    response = buyer.post(receipt_url(order), format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "delivered"
    assert body["shipment"]["delivered_at"] is not None
    assert body["timeline"][-1]["note"] == "Receipt confirmed by the buyer."
    again = buyer.post(receipt_url(order), format="json")
    assert (again.status_code, again.json()["status"]) == (200, "delivered")


def test_confirming_receipt_before_shipment_is_409(buyer: APIClient, cleared: Order) -> None:
    response = buyer.post(receipt_url(cleared), format="json")

    assert (response.status_code, response.json()["code"]) == (409, "not_shipped")


def test_only_the_orders_buyer_confirms_receipt(seller: APIClient, trade: Trade) -> None:
    order = shipped_order(trade)
    stranger = _token_client(BuyerFactory.create().user)

    assert seller.post(receipt_url(order), format="json").status_code == 404
    assert stranger.post(receipt_url(order), format="json").status_code == 404
    order.refresh_from_db()
    assert order.status == S.SHIPPED


def test_a_shipped_order_cannot_be_cancelled(buyer: APIClient, trade: Trade) -> None:
    order = shipped_order(trade)

    response = buyer.post(f"{ORDERS}{order.pk}/cancel/", format="json")

    assert (response.status_code, response.json()["code"]) == (409, "not_cancellable")

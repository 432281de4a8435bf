from __future__ import annotations

import pytest

from tests.api.conftest import _token_client
from tests.trade import GOOD_CARD, Trade

pytestmark = pytest.mark.django_db

BODY = {
    "currency": "EUR",
    "shipping_address": {
        "name": "A",
        "line1": "Rue 1",
        "city": "Brussels",
        "postal_code": "1000",
        "country": "BE",
    },
}


def test_checkout_pay_cancel_through_the_api(trade: Trade) -> None:
    client = _token_client(trade.buyer.user)
    body = {
        **BODY,
        "lines": [
            {"listing": trade.shirt.pk, "quantity": 2},
            {"listing": trade.book.pk, "quantity": 1},
        ],
    }
    created = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201, created.json()
    orders = created.json()["orders"]
    assert len(orders) == 2
    again = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json() == created.json()
    paid = client.post(
        f"/api/v1/orders/{orders[0]['id']}/pay/", {"card_number": GOOD_CARD}, format="json"
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == "paid"
    cancelled = client.post(f"/api/v1/orders/{orders[0]['id']}/cancel/")
    assert cancelled.json()["status"] == "refunded"
    listed = client.get("/api/v1/orders/")
    assert listed.json()["count"] == 2
    gone = client.post(
        "/api/v1/orders/",
        {**BODY, "lines": [{"listing": trade.shirt.pk, "quantity": 11}]},
        format="json",
    )
    assert gone.status_code == 409 and gone.json()["code"] == "out_of_stock", gone.json()
    declined = client.post(
        f"/api/v1/orders/{orders[1]['id']}/pay/", {"card_number": "4000000000000002"}, format="json"
    )
    assert declined.status_code == 402 and declined.json()["code"] == "card_declined"

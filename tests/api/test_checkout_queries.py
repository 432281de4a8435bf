"""The checkout and pay requests' query counts (bench/checkout.py measures their speed), and
what the leaner pay path still answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import _token_client
from tests.api.test_orders_smoke import BODY
from tests.factories import BuyerFactory
from tests.trade import GOOD_CARD, Trade

pytestmark = pytest.mark.django_db


def _order(client: Any, trade: Trade) -> dict[str, Any]:
    body = {
        **BODY,
        "lines": [
            {"listing": trade.shirt.pk, "quantity": 1},
            {"listing": trade.mug.pk, "quantity": 1},
        ],
    }
    created = client.post("/api/v1/orders/", body, format="json")
    assert created.status_code == 201, created.json()
    orders: list[dict[str, Any]] = created.json()["orders"]
    assert len(orders) == 1
    return orders[0]


def _pay(client: Any, order_id: int) -> Any:
    return client.post(f"/api/v1/orders/{order_id}/pay/", {"card_number": GOOD_CARD}, format="json")


def test_checkout_and_payment_query_counts(
    trade: Trade, django_assert_max_num_queries: Any
) -> None:
    client = _token_client(trade.buyer.user)
    _pay(client, _order(client, trade)["id"])  # the ledger's accounts now exist
    # Auth, buyer, listings, 2 stock updates, hubs, order, lines, order hubs, event, and the
    # answer's order, lines and timeline; 2 savepoint statements (the test's transaction).
    with django_assert_max_num_queries(15):
        order = _order(client, trade)
    # Auth, the order's owner, the lock, earlier attempts, the payment and its status, the
    # sandbox provider (6, and 2 savepoints), the ledger (entry check, accounts, entry,
    # postings, 2 savepoints), order status and timeline, the answer's lines and timeline;
    # 2 savepoint statements (the test's transaction): 24. It was 38 before bench/checkout.py.
    # Customs adds 11: the order's lines with their listings, the waybill (insert in a
    # savepoint: 3), declarations already filed, the route's hubs, their clearance modes, one
    # insert each for the declarations, their lines and their events, the timeline's "filed".
    # The answer's shipment (none yet, but the body has a place for it) adds 1.
    with django_assert_max_num_queries(36):
        paid = _pay(client, order["id"])
    assert paid.status_code == 200, paid.json()


def test_paid_answer_is_the_stored_order(trade: Trade) -> None:
    client = _token_client(trade.buyer.user)
    order = _order(client, trade)
    paid = _pay(client, order["id"])
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == "paid"
    assert [e["status"] for e in paid.json()["timeline"]] == ["pending_payment", "paid", "paid"]
    assert paid.json() == client.get(f"/api/v1/orders/{order['id']}/").json()


@pytest.mark.parametrize("action", ["pay", "cancel"])
def test_only_the_buyer_may_pay_or_cancel(trade: Trade, action: str) -> None:
    order = _order(_token_client(trade.buyer.user), trade)
    body = {"card_number": GOOD_CARD} if action == "pay" else {}
    for user in (trade.seller.user, BuyerFactory.create().user):
        answer = _token_client(user).post(
            f"/api/v1/orders/{order['id']}/{action}/", body, format="json"
        )
        assert answer.status_code == 404
        assert answer.json()["detail"] == "No such order of yours."
    missing = _token_client(trade.buyer.user).post(
        f"/api/v1/orders/{order['id'] + 999}/{action}/", body, format="json"
    )
    assert missing.status_code == 404

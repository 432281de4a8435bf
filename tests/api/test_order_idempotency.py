"""`Idempotency-Key` on the real order endpoints: a replay answers as the first request did and
does nothing again; the key is the caller's own, on one path."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from marketplace.models import Order
from payments.models import Payment
from payments.selectors import money_trail, trial_balance
from tests.api.conftest import _token_client
from tests.api.orders_api import ORDERS, balanced, checkout_body, pay_url, stock
from tests.factories import BuyerFactory
from tests.trade import DECLINED_CARD, GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(trade: Trade) -> APIClient:
    return _token_client(trade.buyer.user)


def test_a_repeated_checkout_replays_the_first_answer_and_reserves_once(
    client: APIClient, trade: Trade
) -> None:
    body = checkout_body((trade.shirt, 2), (trade.book, 1))

    first = client.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")
    again = client.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 2
    assert stock(trade.shirt, trade.book) == [8, 9]


def test_the_same_key_with_another_body_is_409_and_does_nothing(
    client: APIClient, trade: Trade
) -> None:
    client.post(ORDERS, checkout_body((trade.shirt, 2)), "json", HTTP_IDEMPOTENCY_KEY="k")

    other = client.post(ORDERS, checkout_body((trade.shirt, 3)), "json", HTTP_IDEMPOTENCY_KEY="k")

    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert stock(trade.shirt) == [8]


def test_an_out_of_stock_answer_is_replayed_even_once_stock_is_back(
    client: APIClient, trade: Trade
) -> None:
    body = checkout_body((trade.shirt, 11))
    first = client.post(ORDERS, body, "json", HTTP_IDEMPOTENCY_KEY="big")
    trade.shirt.stock = 20
    trade.shirt.save(update_fields=["stock"])

    again = client.post(ORDERS, body, "json", HTTP_IDEMPOTENCY_KEY="big")

    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    assert not Order.objects.exists()


def test_a_400_is_not_remembered_so_the_fixed_request_may_reuse_the_key(
    client: APIClient, trade: Trade
) -> None:
    bad = {**checkout_body((trade.shirt, 1)), "currency": "ZZZ"}
    assert client.post(ORDERS, bad, "json", HTTP_IDEMPOTENCY_KEY="fix").status_code == 400

    fixed = client.post(ORDERS, checkout_body((trade.shirt, 1)), "json", HTTP_IDEMPOTENCY_KEY="fix")

    assert fixed.status_code == 201


def test_a_refused_checkout_is_not_remembered(client: APIClient, trade: Trade) -> None:
    refused = checkout_body((trade.shirt, 1), country="US")
    assert client.post(ORDERS, refused, "json", HTTP_IDEMPOTENCY_KEY="r").status_code == 422

    # A 422 raised is an exception: nothing stored, the key is free for the same body later.
    assert client.post(ORDERS, refused, "json", HTTP_IDEMPOTENCY_KEY="r").status_code == 422


def test_keys_are_per_user(client: APIClient, trade: Trade) -> None:
    other = _token_client(BuyerFactory.create().user)
    body = checkout_body((trade.shirt, 1))

    mine = client.post(ORDERS, body, "json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = other.post(ORDERS, body, "json", HTTP_IDEMPOTENCY_KEY="shared")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["orders"][0]["buyer"] != theirs.json()["orders"][0]["buyer"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert Order.objects.count() == 2
    assert stock(trade.shirt) == [8]


def test_keys_are_per_path(client: APIClient, trade: Trade) -> None:
    first, second = place(trade, [(trade.shirt, 1)]), place(trade, [(trade.mug, 1)])
    card = {"card_number": GOOD_CARD}

    one = client.post(pay_url(first[0].pk), card, "json", HTTP_IDEMPOTENCY_KEY="pay")
    two = client.post(pay_url(second[0].pk), card, "json", HTTP_IDEMPOTENCY_KEY="pay")
    placed = client.post(ORDERS, checkout_body((trade.book, 1)), "json", HTTP_IDEMPOTENCY_KEY="pay")

    assert (one.status_code, two.status_code, placed.status_code) == (200, 200, 201)
    assert one.json()["id"] != two.json()["id"]
    assert Payment.objects.filter(status=Payment.Status.CAPTURED).count() == 2


def test_a_repeated_payment_replays_200_and_charges_once(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    card = {"card_number": GOOD_CARD}

    first = client.post(pay_url(order.pk), card, "json", HTTP_IDEMPOTENCY_KEY="p1")
    again = client.post(pay_url(order.pk), card, "json", HTTP_IDEMPOTENCY_KEY="p1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(reference=order.reference).count() == 1
    assert money_trail(reference=order.reference).paid == order.total
    assert balanced(trial_balance())
    # Without the key, paying again is the order's own answer: already paid.
    assert client.post(pay_url(order.pk), card, "json").status_code == 409


def test_a_repeated_declined_payment_replays_402_and_releases_once(
    client: APIClient, trade: Trade
) -> None:
    (order,) = place(trade, [(trade.shirt, 3)])
    card = {"card_number": DECLINED_CARD}

    first = client.post(pay_url(order.pk), card, "json", HTTP_IDEMPOTENCY_KEY="d")
    again = client.post(pay_url(order.pk), card, "json", HTTP_IDEMPOTENCY_KEY="d")

    assert first.status_code == again.status_code == 402
    assert again.json() == first.json()
    assert stock(trade.shirt) == [10]
    assert Payment.objects.filter(reference=order.reference).count() == 1


def test_another_card_with_the_same_payment_key_is_409(client: APIClient, trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    client.post(pay_url(order.pk), {"card_number": GOOD_CARD}, "json", HTTP_IDEMPOTENCY_KEY="x")

    other = client.post(
        pay_url(order.pk), {"card_number": DECLINED_CARD}, "json", HTTP_IDEMPOTENCY_KEY="x"
    )

    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.parametrize("key", ["", "   ", "k" * 256, "clé"])
def test_a_malformed_key_is_a_400(client: APIClient, trade: Trade, key: str) -> None:
    response = client.post(
        ORDERS, checkout_body((trade.shirt, 1)), "json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Order.objects.exists()

"""Orders under real concurrency on PostgreSQL: checkouts racing for the last units, carts sharing
listings in opposite orders, one Idempotency-Key sent many times at once, and a payment racing a
cancellation or the expiry of its order.

Each request runs through the HTTP API in a thread of its own, with its own database connection;
a barrier starts them together. Every test ends with the ledger's trial balance at zero.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from ewtp.api.models import IdempotencyKey
from marketplace.models import Listing, Order, OrderEvent, OrderLine
from marketplace.orders import order_expire
from payments.models import Entry, Payment
from payments.selectors import money_trail, trial_balance
from tests.api.orders_api import ORDERS, balanced, cancel_url, checkout_body, pay_url, stock
from tests.factories import BuyerFactory
from tests.trade import GOOD_CARD, Trade, place

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Order.Status


def together(works: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run each of `works` in its own thread and connection, all released at once by a barrier;
    their results in order (an exception in any is raised here)."""
    barrier = threading.Barrier(len(works), timeout=20)
    results: list[Any] = [None] * len(works)
    errors: list[BaseException] = []

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, work), daemon=True) for i, work in enumerate(works)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a request never finished"
    if errors:
        raise errors[0]
    return results


def warm_caches(trade: Trade) -> None:
    """Quote once, so the threads find the reference data (network, tariff, rates) cached
    instead of all building it at the same moment."""
    body = {
        "destination_country": "BE",
        "currency": "EUR",
        "lines": [{"listing": trade.shirt.pk, "quantity": 1}],
    }
    assert APIClient().post("/api/v1/quotes/", body, format="json").status_code == 200


def as_user(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def post(user: User, url: str, body: Any = None, key: str | None = None) -> Callable[[], Response]:
    client = as_user(user)
    headers = {"Idempotency-Key": key} if key is not None else {}
    return lambda: client.post(url, body, format="json", headers=headers)


# --- (a) fifty buyers, ten units --------------------------------------------------------------


def test_fifty_concurrent_checkouts_of_ten_units_make_exactly_ten_orders(trade: Trade) -> None:
    buyers = [BuyerFactory.create() for _ in range(50)]
    body = checkout_body((trade.shirt, 1))
    warm_caches(trade)

    responses = together([post(buyer.user, ORDERS, body) for buyer in buyers])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 10 + [409] * 40
    refusals = [r.json() for r in responses if r.status_code == 409]
    assert {refusal["code"] for refusal in refusals} == {"out_of_stock"}
    assert stock(trade.shirt) == [0]
    winners = {r.json()["orders"][0]["buyer"] for r in responses if r.status_code == 201}
    assert len(winners) == 10
    assert set(Order.objects.values_list("buyer_id", flat=True)) == winners
    assert (Order.objects.count(), OrderLine.objects.count(), OrderEvent.objects.count()) == (
        10,
        10,
        10,
    )
    assert not Payment.objects.exists()
    assert balanced(trial_balance())


# --- (b) carts sharing listings in opposite orders --------------------------------------------


def test_carts_sharing_listings_in_opposite_orders_never_deadlock(trade: Trade) -> None:
    Listing.objects.filter(pk__in=[trade.shirt.pk, trade.mug.pk]).update(stock=100)
    first, second = trade.buyer, BuyerFactory.create()
    forwards = checkout_body((trade.shirt, 1), (trade.mug, 2))
    backwards = checkout_body((trade.mug, 2), (trade.shirt, 1))
    rounds = 10

    placed: list[int] = []
    for _ in range(rounds):
        responses = together(
            [post(first.user, ORDERS, forwards), post(second.user, ORDERS, backwards)]
        )
        assert [r.status_code for r in responses] == [201, 201]
        placed += [r.json()["orders"][0]["id"] for r in responses]
    assert stock(trade.shirt, trade.mug) == [100 - 2 * rounds, 100 - 4 * rounds]

    # Giving the stock back in opposite orders too: each buyer cancels theirs, two at a time.
    owners = dict(Order.objects.filter(pk__in=placed).values_list("pk", "buyer__user"))
    users = {user.pk: user for user in User.objects.filter(pk__in=owners.values())}
    for pair in zip(placed[::2], placed[1::2], strict=True):
        responses = together([post(users[owners[pk]], cancel_url(pk)) for pk in pair])
        assert [r.json()["status"] for r in responses] == ["cancelled", "cancelled"]
    assert stock(trade.shirt, trade.mug) == [100, 100]
    assert balanced(trial_balance())


# --- (c) one Idempotency-Key, eight requests at once ------------------------------------------


def test_eight_checkouts_with_one_key_make_one_set_of_orders(trade: Trade) -> None:
    body = checkout_body((trade.shirt, 2), (trade.book, 1))

    responses = together([post(trade.buyer.user, ORDERS, body, key="once") for _ in range(8)])

    assert [r.status_code for r in responses] == [201] * 8
    assert all(r.json() == responses[0].json() for r in responses)
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert Order.objects.count() == 2
    assert stock(trade.shirt, trade.book) == [8, 9]
    assert IdempotencyKey.objects.count() == 1
    assert balanced(trial_balance())


def test_eight_payments_with_one_key_capture_once(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    card = {"card_number": GOOD_CARD}

    responses = together(
        [post(trade.buyer.user, pay_url(order.pk), card, key="pay") for _ in range(8)]
    )

    assert [r.status_code for r in responses] == [200] * 8
    assert all(r.json() == responses[0].json() for r in responses)
    assert responses[0].json()["status"] == "paid"
    assert Payment.objects.filter(reference=order.reference).count() == 1
    assert Entry.objects.filter(reference=order.reference, kind=Entry.Kind.CAPTURE).count() == 1
    assert money_trail(reference=order.reference).paid == order.total
    assert balanced(trial_balance())


def test_eight_payments_without_a_key_capture_once_and_refuse_the_rest(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    card = {"card_number": GOOD_CARD}

    responses = together([post(trade.buyer.user, pay_url(order.pk), card) for _ in range(8)])

    assert sorted(r.status_code for r in responses) == [200] + [409] * 7
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"not_payable"}
    assert Payment.objects.filter(reference=order.reference).count() == 1
    assert balanced(trial_balance())


# --- (d) a payment racing a cancellation or the expiry ----------------------------------------


def test_a_payment_racing_a_cancellation_has_one_outcome(trade: Trade) -> None:
    user, card = trade.buyer.user, {"card_number": GOOD_CARD}
    outcomes = set()
    for _ in range(6):
        (order,) = place(trade, [(trade.shirt, 1)])

        paid, cancelled = together(
            [post(user, pay_url(order.pk), card), post(user, cancel_url(order.pk))]
        )

        order.refresh_from_db()
        trail = money_trail(reference=order.reference)
        assert cancelled.status_code == 200
        if paid.status_code == 200:  # paid first, then refunded in full
            assert order.status == cancelled.json()["status"] == S.REFUNDED
            assert (trail.paid, trail.in_escrow) == (order.total, 0)
        else:  # cancelled first: nothing charged
            assert (paid.status_code, paid.json()["code"]) == (409, "not_payable")
            assert order.status == cancelled.json()["status"] == S.CANCELLED
            assert not Payment.objects.filter(reference=order.reference).exists()
        outcomes.add(order.status)
        assert stock(trade.shirt) == [10]
        assert balanced(trial_balance())
    assert outcomes  # which one wins is the scheduler's; each round is consistent


def expire(order_id: int, *, now: datetime) -> Callable[[], bool]:
    return lambda: order_expire(order_id=order_id, now=now)


def test_a_payment_racing_the_expiry_has_one_outcome(trade: Trade) -> None:
    user, card = trade.buyer.user, {"card_number": GOOD_CARD}
    for _ in range(6):
        before = stock(trade.shirt)[0]
        (order,) = place(trade, [(trade.shirt, 1)])
        # The expiry runs as if the time to pay had run out; the payment as of now.
        later = timezone.now() + timedelta(days=1)

        paid, expired = together([post(user, pay_url(order.pk), card), expire(order.pk, now=later)])

        order.refresh_from_db()
        if paid.status_code == 200:
            assert expired is False
            # Paid, and its clearance jobs (run in-process after the commit) sent the unverified
            # seller's declarations to review.
            assert order.status == S.REVIEW
            assert money_trail(reference=order.reference).paid == order.total
            assert stock(trade.shirt) == [before - 1]
        else:
            assert expired is True
            assert (paid.status_code, paid.json()["code"]) == (409, "not_payable")
            assert order.status == S.CANCELLED
            assert not Payment.objects.filter(reference=order.reference).exists()
            assert stock(trade.shirt) == [before]
        assert balanced(trial_balance())

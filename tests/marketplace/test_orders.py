"""Paying, cancelling and expiring orders: status, stock, timeline and the money in the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.models import Listing, Order, OrderEvent
from marketplace.orders import OrderConflict, order_cancel, order_pay, orders_expire
from payments.selectors import money_trail, trial_balance
from tests.trade import DECLINED_CARD, ERROR_CARD, GOOD_CARD, Trade, place

pytestmark = pytest.mark.django_db
S = Order.Status


def _stock(listing: Listing) -> int:
    listing.refresh_from_db()
    return listing.stock


def _last(order: Order) -> OrderEvent:
    event = order.events.last()
    assert event is not None
    return event


def _timeline(order: Order) -> list[str]:
    return [event.status for event in order.events.all()]


def test_good_card_pays_the_order_into_escrow(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 2)])

    outcome = order_pay(order=order, card_number=GOOD_CARD, by=trade.buyer.user)

    order.refresh_from_db()
    assert outcome.paid and order.status == S.PAID
    assert _timeline(order) == [S.PENDING_PAYMENT, S.PAID, S.PAID]
    _, captured, filed = order.events.all()
    assert captured.actor == trade.buyer.user
    # The platform, not the buyer, files the customs declarations.
    assert filed.actor is None
    assert filed.note.startswith("Customs declarations filed (export at HGH, import at LGG)")
    trail = money_trail(reference=order.reference)
    assert trail.paid == order.total
    assert trail.in_escrow == order.total
    assert trail.balanced
    assert all(amount == 0 for amount in trial_balance().values())
    assert _stock(trade.shirt) == 8


def test_declined_card_cancels_and_releases_the_stock(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 3)])

    outcome = order_pay(order=order, card_number=DECLINED_CARD)

    order.refresh_from_db()
    assert (outcome.paid, outcome.code) == (False, "card_declined")
    assert outcome.message
    assert order.status == S.CANCELLED
    assert "Card declined" in _last(order).note
    assert _stock(trade.shirt) == 10
    assert money_trail(reference=order.reference).paid == 0


def test_provider_error_leaves_the_order_payable(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])

    failed = order_pay(order=order, card_number=ERROR_CARD)
    order.refresh_from_db()
    assert (failed.paid, failed.code, order.status) == (False, "provider_error", S.PENDING_PAYMENT)
    assert _stock(trade.shirt) == 9

    assert order_pay(order=order, card_number=GOOD_CARD).paid
    order.refresh_from_db()
    assert order.status == S.PAID
    assert money_trail(reference=order.reference).paid == order.total


def test_paying_twice_charges_once(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    order_pay(order=order, card_number=GOOD_CARD)

    with pytest.raises(OrderConflict) as conflict:
        order_pay(order=order, card_number=GOOD_CARD)

    assert conflict.value.code == "not_payable"
    assert money_trail(reference=order.reference).paid == order.total


def test_cancel_before_payment_releases_stock(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 4)])

    order_cancel(order=order, by=trade.buyer.user, reason="Ordered by mistake.")

    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert _last(order).note.endswith("Ordered by mistake.")
    assert _stock(trade.shirt) == 10


def test_cancel_after_payment_refunds_through_the_ledger(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 2)])
    order_pay(order=order, card_number=GOOD_CARD)

    order_cancel(order=order, by=trade.buyer.user)
    order_cancel(order=order, by=trade.buyer.user)  # twice: refunded once

    order.refresh_from_db()
    assert order.status == S.REFUNDED
    assert _timeline(order) == [S.PENDING_PAYMENT, S.PAID, S.PAID, S.REFUNDED]
    trail = money_trail(reference=order.reference)
    assert (trail.paid, trail.refunds, trail.in_escrow) == (order.total, order.total, Decimal(0))
    assert trail.balanced
    assert _stock(trade.shirt) == 10
    assert all(amount == 0 for amount in trial_balance().values())


def test_shipped_order_cannot_be_cancelled(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    Order.objects.filter(pk=order.pk).update(status=S.SHIPPED)

    with pytest.raises(OrderConflict) as conflict:
        order_cancel(order=order)
    assert conflict.value.code == "not_cancellable"
    assert _stock(trade.shirt) == 9


def test_unpaid_orders_expire_and_give_stock_back(trade: Trade) -> None:
    (unpaid,) = place(trade, [(trade.shirt, 2)])
    (paid,) = place(trade, [(trade.mug, 1)])
    order_pay(order=paid, card_number=GOOD_CARD)
    later = timezone.now() + timedelta(minutes=31)

    assert orders_expire(now=timezone.now()) == 0
    assert orders_expire(now=later) == 1
    assert orders_expire(now=later) == 0

    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, paid.status) == (S.CANCELLED, S.PAID)
    assert "expired" in _last(unpaid).note
    assert (_stock(trade.shirt), _stock(trade.mug)) == (10, 9)


def test_expired_order_cannot_be_paid(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(OrderConflict) as conflict:
        order_pay(order=order, card_number=GOOD_CARD)

    assert conflict.value.code == "order_expired"
    assert money_trail(reference=order.reference).paid == 0

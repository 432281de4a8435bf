"""Delivery under real concurrency on PostgreSQL: a partner's event sent twice at once, a buyer's
confirmation racing the partner's delivered event, and the automatic confirmation run twice at
once. Each ends with one delivered transition and one timeline line.

Requests go through the HTTP API, each in a thread with its own connection, released together.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.models import Order, OrderEvent, Shipment, ShipmentEvent
from marketplace.shipping import orders_auto_confirm
from tests.marketplace.test_order_races import as_user, together
from tests.shipping import event_body, events_url, shipped_order, signed
from tests.trade import Trade

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Order.Status


def delivered_lines(order: Order) -> int:
    return OrderEvent.objects.filter(order=order, status=S.DELIVERED).count()


def test_the_same_event_sent_twice_at_once_is_stored_once(trade: Trade) -> None:
    order = shipped_order(trade)
    raw, headers = signed(event_body("evt-9", "delivered"))

    def send() -> int:
        client = APIClient()
        return client.post(
            events_url(), raw, content_type="application/json", headers=headers
        ).status_code

    statuses = together([send, send, send, send])

    assert sorted(statuses) == [200, 200, 200, 201]
    assert ShipmentEvent.objects.count() == 1
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert delivered_lines(order) == 1


def test_the_buyers_confirmation_racing_the_delivered_event_delivers_once(trade: Trade) -> None:
    order = shipped_order(trade)
    raw, headers = signed(event_body("evt-9", "delivered"))
    buyer = as_user(trade.buyer.user)

    def confirm() -> int:
        return buyer.post(f"/api/v1/orders/{order.pk}/confirm-receipt/").status_code

    def report() -> int:
        client = APIClient()
        return client.post(
            events_url(), raw, content_type="application/json", headers=headers
        ).status_code

    statuses = together([confirm, report])

    assert statuses == [200, 201]
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert delivered_lines(order) == 1
    assert ShipmentEvent.objects.count() == 1
    assert Shipment.objects.get(order=order).delivered_at is not None


def test_auto_confirmation_run_twice_at_once_moves_each_order_once(trade: Trade) -> None:
    orders = [shipped_order(trade, f"CN00{n}") for n in range(3)]
    Shipment.objects.update(shipped_at=timezone.now() - timedelta(days=60))

    counts = together([orders_auto_confirm, orders_auto_confirm])

    assert sum(counts) == 3
    assert [delivered_lines(order) for order in orders] == [1, 1, 1]

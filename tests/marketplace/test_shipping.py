"""Delivery services (marketplace.shipping): shipping a cleared order, partner events stored once
and never moving an order back, the buyer's confirmation, and the automatic confirmation N days
after shipment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from ewtp.embedded_beat import EmbeddedBeat
from marketplace.models import Order, OrderEvent, Shipment, ShipmentEvent
from marketplace.orders import OrderConflict, order_cancel
from marketplace.settlement import orders_settle
from marketplace.shipping import (
    DUPLICATE,
    RECORDED,
    ReportedEvent,
    UnknownShipment,
    order_receipt_confirm,
    order_ship,
    orders_auto_confirm,
    shipment_event_record,
)
from tests.shipping import TRACKING, cleared_order, parsed, partner, shipped_order
from tests.trade import Trade, place

pytestmark = pytest.mark.django_db

S = Order.Status


def reported(
    event_id: str = "evt-1",
    kind: str = "picked_up",
    at: str = "2026-11-24T09:30:00+08:00",
    tracking: str = TRACKING,
    **extra: str,
) -> ReportedEvent:
    return ReportedEvent(
        event_id=event_id, tracking_number=tracking, kind=kind, occurred_at=parsed(at), **extra
    )


def notes(order: Order, status: str) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order, status=status).values_list("note", flat=True)
    )


# --- ship --------------------------------------------------------------------------------------


def test_shipping_a_cleared_order_records_the_shipment_and_says_so_on_the_timeline(
    trade: Trade,
) -> None:
    order = cleared_order(trade)
    partner()

    shipped = order_ship(
        order=order, carrier="cainiao", tracking_number=" cn123456789 ", by=trade.seller.user
    )

    assert shipped.status == S.SHIPPED
    shipment = Shipment.objects.get(order=order)
    assert (shipment.partner.code, shipment.tracking_number) == ("cainiao", "CN123456789")
    assert shipment.shipped_at is not None and shipment.delivered_at is None
    assert notes(order, S.SHIPPED) == ["Shipped with Cainiao Network, tracking CN123456789."]
    assert OrderEvent.objects.get(order=order, status=S.SHIPPED).actor == trade.seller.user


def test_shipping_twice_with_the_same_values_changes_nothing(trade: Trade) -> None:
    order = shipped_order(trade)

    again = order_ship(order=order, carrier="cainiao", tracking_number=TRACKING)

    assert again.status == S.SHIPPED
    assert Shipment.objects.count() == 1
    assert len(notes(order, S.SHIPPED)) == 1


def test_shipping_again_with_other_values_is_a_conflict(trade: Trade) -> None:
    order = shipped_order(trade)
    partner("dhl", "DHL eCommerce")

    with pytest.raises(OrderConflict) as refused:
        order_ship(order=order, carrier="dhl", tracking_number="JD0001")

    assert refused.value.code == "not_shippable"
    assert "already shipped with Cainiao Network, tracking CN123456789" in refused.value.detail


def test_an_order_not_yet_cleared_cannot_ship(trade: Trade) -> None:
    (order,) = place(trade, [(trade.shirt, 1)])
    partner()

    with pytest.raises(OrderConflict) as refused:
        order_ship(order=order, carrier="cainiao", tracking_number=TRACKING)

    assert refused.value.code == "not_shippable"
    assert "awaiting payment" in refused.value.detail
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert not Shipment.objects.exists()


@pytest.mark.parametrize("carrier", ["ups", "", "dhl"])
def test_an_unknown_or_inactive_carrier_is_a_field_error(trade: Trade, carrier: str) -> None:
    order = cleared_order(trade)
    partner()
    partner("dhl", "DHL eCommerce", active=False)

    with pytest.raises(ValidationError) as refused:
        order_ship(order=order, carrier=carrier, tracking_number=TRACKING)

    assert list(refused.value.message_dict) == ["carrier"]
    order.refresh_from_db()
    assert order.status == S.CLEARED


@pytest.mark.parametrize("tracking", ["", "ab", "CN 123", "x" * 65, "CN123\x00"])
def test_a_malformed_tracking_number_is_a_field_error(trade: Trade, tracking: str) -> None:
    order = cleared_order(trade)
    partner()

    with pytest.raises(ValidationError) as refused:
        order_ship(order=order, carrier="cainiao", tracking_number=tracking)

    assert list(refused.value.message_dict) == ["tracking_number"]
    assert not Shipment.objects.exists()


def test_a_tracking_number_already_used_with_that_carrier_is_refused(trade: Trade) -> None:
    shipped_order(trade)
    other = cleared_order(trade)

    with pytest.raises(ValidationError) as refused:
        order_ship(order=other, carrier="cainiao", tracking_number=TRACKING.lower())

    assert refused.value.message_dict["tracking_number"] == [
        "Cainiao Network tracking number CN123456789 is already used by another order: "
        "check the label."
    ]
    other.refresh_from_db()
    assert other.status == S.CLEARED


def test_the_same_tracking_number_with_another_carrier_is_fine(trade: Trade) -> None:
    shipped_order(trade)
    other = cleared_order(trade)
    partner("dhl", "DHL eCommerce")

    assert order_ship(order=other, carrier="dhl", tracking_number=TRACKING).status == S.SHIPPED


def test_a_shipped_order_can_no_longer_be_cancelled(trade: Trade) -> None:
    order = shipped_order(trade)

    with pytest.raises(OrderConflict) as refused:
        order_cancel(order=order, by=trade.buyer.user)

    assert refused.value.code == "not_cancellable"


# --- partner events ----------------------------------------------------------------------------


def test_an_event_is_stored_once_and_a_repeat_is_a_harmless_duplicate(trade: Trade) -> None:
    order = shipped_order(trade)
    cainiao = partner()

    first = shipment_event_record(partner=cainiao, event=reported(location="Hangzhou"))
    again = shipment_event_record(partner=cainiao, event=reported(location="Somewhere else"))

    assert (first, again) == (RECORDED, DUPLICATE)
    (event,) = ShipmentEvent.objects.all()
    assert (event.kind, event.location, event.shipment.order_id) == (
        "picked_up",
        "Hangzhou",
        order.pk,
    )
    order.refresh_from_db()
    assert order.status == S.SHIPPED


def test_an_event_for_a_tracking_number_the_partner_does_not_carry_stores_nothing(
    trade: Trade,
) -> None:
    shipped_order(trade)
    dhl = partner("dhl", "DHL eCommerce")

    with pytest.raises(UnknownShipment) as refused:
        shipment_event_record(partner=dhl, event=reported())
    with pytest.raises(UnknownShipment):
        shipment_event_record(partner=partner(), event=reported(tracking="NOPE123"))

    assert "DHL eCommerce has no shipment with the tracking number CN123456789" in str(
        refused.value
    )
    assert not ShipmentEvent.objects.exists()


def test_a_delivered_event_delivers_the_order(trade: Trade) -> None:
    order = shipped_order(trade)

    outcome = shipment_event_record(
        partner=partner(), event=reported("evt-9", "delivered", location="Brussels")
    )

    assert outcome == RECORDED
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert notes(order, S.DELIVERED) == ["Delivered (Brussels), as Cainiao Network reported."]
    assert Shipment.objects.get(order=order).delivered_at is not None


def test_events_arriving_out_of_order_are_stored_and_never_move_the_order_back(
    trade: Trade,
) -> None:
    order = shipped_order(trade)
    cainiao = partner()
    shipment_event_record(
        partner=cainiao, event=reported("evt-3", "delivered", "2026-11-30T10:00:00+01:00")
    )
    delivered_at = Shipment.objects.get(order=order).delivered_at

    late = [
        reported("evt-1", "picked_up", "2026-11-24T09:30:00+08:00"),
        reported("evt-2", "out_for_delivery", "2026-11-30T08:00:00+01:00", hub="LGG"),
        reported("evt-4", "delivered", "2026-11-30T11:00:00+01:00"),
    ]
    outcomes = [shipment_event_record(partner=cainiao, event=event) for event in late]

    assert outcomes == [RECORDED] * 3
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert len(notes(order, S.DELIVERED)) == 1
    assert Shipment.objects.get(order=order).delivered_at == delivered_at
    shown = ShipmentEvent.objects.filter(shipment__order=order).values_list("event_id", flat=True)
    assert list(shown) == ["evt-1", "evt-2", "evt-3", "evt-4"]  # by occurred_at


def test_a_delivered_event_after_the_buyer_confirmed_changes_nothing(trade: Trade) -> None:
    order = shipped_order(trade)
    order_receipt_confirm(order=order, by=trade.buyer.user)

    shipment_event_record(partner=partner(), event=reported("evt-9", "delivered"))

    assert notes(order, S.DELIVERED) == ["Receipt confirmed by the buyer."]
    assert ShipmentEvent.objects.count() == 1


# --- receipt -----------------------------------------------------------------------------------


def test_the_buyer_confirms_receipt_of_a_shipped_order(trade: Trade) -> None:
    order = shipped_order(trade)

    delivered = order_receipt_confirm(order=order, by=trade.buyer.user)

    assert delivered.status == S.DELIVERED
    assert Shipment.objects.get(order=order).delivered_at is not None
    event = OrderEvent.objects.get(order=order, status=S.DELIVERED)
    assert (event.note, event.actor) == ("Receipt confirmed by the buyer.", trade.buyer.user)


def test_confirming_twice_returns_the_order_unchanged(trade: Trade) -> None:
    order = shipped_order(trade)
    order_receipt_confirm(order=order)

    again = order_receipt_confirm(order=order)

    assert again.status == S.DELIVERED
    assert len(notes(order, S.DELIVERED)) == 1


def test_receipt_of_an_order_not_shipped_cannot_be_confirmed(trade: Trade) -> None:
    order = cleared_order(trade)

    with pytest.raises(OrderConflict) as refused:
        order_receipt_confirm(order=order)

    assert refused.value.code == "not_shipped"
    order.refresh_from_db()
    assert order.status == S.CLEARED


# --- automatic confirmation --------------------------------------------------------------------


def _shipped_days_ago(trade: Trade, tracking: str, age: timedelta) -> Order:
    order = shipped_order(trade, tracking)
    Shipment.objects.filter(order=order).update(shipped_at=timezone.now() - age)
    return order


@override_settings(DELIVERY_AUTO_CONFIRM_DAYS=14)
def test_orders_shipped_exactly_n_days_ago_are_confirmed_automatically(trade: Trade) -> None:
    now = timezone.now()
    due = _shipped_days_ago(trade, "CN0001", timedelta(days=14))
    not_yet = _shipped_days_ago(trade, "CN0002", timedelta(days=14) - timedelta(seconds=1))
    Shipment.objects.filter(order=due).update(shipped_at=now - timedelta(days=14))

    assert orders_auto_confirm(now=now) == 1
    assert orders_auto_confirm(now=now) == 0

    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.status, not_yet.status) == (S.DELIVERED, S.SHIPPED)
    assert notes(due, S.DELIVERED) == [
        "Receipt confirmed automatically: 14 days after shipment, with no confirmation from "
        "the buyer or the carrier."
    ]
    assert Shipment.objects.get(order=due).delivered_at is not None


@override_settings(DELIVERY_AUTO_CONFIRM_DAYS=3)
def test_the_number_of_days_comes_from_the_setting(trade: Trade) -> None:
    order = _shipped_days_ago(trade, "CN0003", timedelta(days=3, minutes=1))

    assert orders_auto_confirm() == 1

    assert notes(order, S.DELIVERED)[0].startswith("Receipt confirmed automatically: 3 days")


def test_auto_confirmation_leaves_delivered_orders_alone(trade: Trade) -> None:
    order = _shipped_days_ago(trade, "CN0004", timedelta(days=30))
    order_receipt_confirm(order=order)

    assert orders_auto_confirm() == 0
    assert len(notes(order, S.DELIVERED)) == 1


def test_the_beat_schedule_runs_the_auto_confirmation_hourly(trade: Trade) -> None:
    order = _shipped_days_ago(trade, "CN0005", timedelta(days=60))

    beat = EmbeddedBeat(settings.CELERY_BEAT_SCHEDULE)  # the real tasks, through Celery
    beat.tick()

    order.refresh_from_db()
    # Delivered, then perhaps settled by the same tick (settlement runs after it).
    assert order.status in (S.DELIVERED, S.SETTLED)
    assert notes(order, S.DELIVERED)[0].startswith("Receipt confirmed automatically")
    assert "orders-auto-confirm every 1 h" in beat.describe()


def test_an_order_delivered_through_shipping_is_settled_by_settlement(trade: Trade) -> None:
    order = shipped_order(trade)
    order_receipt_confirm(order=order, by=trade.buyer.user)

    summary = orders_settle()

    order.refresh_from_db()
    assert (summary.settled, order.status) == (1, S.SETTLED)

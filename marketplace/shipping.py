"""Delivery: the seller ships a cleared order, partners report its journey, the buyer confirms
receipt (or the platform does, N days after shipment). See docs/delivery.md.

Orders move only through `marketplace.orders.order_transition`, with the order row locked and
its status re-checked, so a buyer's confirmation, a partner's delivered event and the automatic
confirmation racing on one order make exactly one `delivered` transition. Partner events are
unique by (partner, event id): a repeat is a harmless duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from marketplace.models import LogisticsPartner, Order, Shipment, ShipmentEvent
from marketplace.models.shipping import TRACKING_PATTERN, partner_secret_new
from marketplace.orders import OrderConflict, _locked, order_transition

S = Order.Status
RECORDED = "recorded"
DUPLICATE = "duplicate"
_TRACKING = re.compile(TRACKING_PATTERN)
TRACKING_HELP = "3 to 64 letters, digits and hyphens, as the carrier's label shows it."


class UnknownShipment(Exception):
    """A partner's event names a tracking number that is none of its shipments."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class ReportedEvent:
    """A shipment event as a partner reports it (docs/delivery.md, the webhook's body)."""

    event_id: str
    tracking_number: str
    kind: str
    occurred_at: datetime
    hub: str = ""
    location: str = ""
    note: str = ""


def tracking_normalize(tracking_number: str) -> str:
    """A tracking number as stored: trimmed, in capitals (labels are read either way)."""
    return tracking_number.strip().upper()


def partner_secret_rotate(*, partner: LogisticsPartner) -> LogisticsPartner:
    """Give the partner a new webhook secret; requests signed with the old one are refused."""
    partner.secret = partner_secret_new()
    partner.save(update_fields=["secret"])
    return partner


def order_ship(*, order: Order, carrier: str, tracking_number: str, by: Any = None) -> Order:
    """The seller hands a cleared order to `carrier` (an active partner's code): its shipment is
    recorded and the order is `shipped`. Shipping it again with the same carrier and tracking
    number returns it unchanged. Raises ValidationError (carrier, tracking_number) for a bad
    choice, OrderConflict(not_shippable) when the order is not cleared or shipped otherwise."""
    tracking = tracking_normalize(tracking_number)
    if not _TRACKING.fullmatch(tracking):
        raise ValidationError({"tracking_number": [f"Enter the tracking number: {TRACKING_HELP}"]})
    with transaction.atomic():
        locked = _locked(order)
        existing = Shipment.objects.select_related("partner").filter(order=locked).first()
        if existing is not None:
            if (existing.partner.code, existing.tracking_number) == (carrier, tracking):
                return locked
            raise OrderConflict(
                "not_shippable",
                f"This order was already shipped with {existing.partner.name}, tracking "
                f"{existing.tracking_number}.",
            )
        partner = LogisticsPartner.objects.filter(code=carrier, active=True).first()
        if partner is None:
            raise ValidationError({"carrier": ["Choose one of the platform's logistics partners."]})
        if locked.status != S.CLEARED:
            raise OrderConflict(
                "not_shippable",
                f"This order is {locked.get_status_display().lower()}: only an order cleared by "
                "customs can be shipped.",
            )
        taken = ValidationError(
            {
                "tracking_number": [
                    f"{partner.name} tracking number {tracking} is already used by another "
                    "order: check the label."
                ]
            }
        )
        if not _inserted(
            Shipment,
            order=locked,
            partner=partner,
            tracking_number=tracking,
            shipped_at=timezone.now(),
        ):
            raise taken
        order_transition(
            order=locked,
            from_=[S.CLEARED],
            to=S.SHIPPED,
            note=f"Shipped with {partner.name}, tracking {tracking}.",
            by=by,
        )
    return locked


def _inserted(model: type[Model], **fields: Any) -> bool:
    """Insert a row in a savepoint; False (nothing written) if a unique constraint says it is
    there already: a concurrent twin waits on the index, then lands here."""
    try:
        with transaction.atomic():
            model._default_manager.create(**fields)
    except IntegrityError:
        return False
    return True


def _deliver(order: Order, *, note: str, by: Any = None) -> bool:
    """Move a locked, shipped order to `delivered` and stamp its shipment; False if it is no
    longer shipped (another change won)."""
    if not order_transition(order=order, from_=[S.SHIPPED], to=S.DELIVERED, note=note, by=by):
        return False
    Shipment.objects.filter(order=order, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )
    return True


def order_receipt_confirm(*, order: Order, by: Any = None) -> Order:
    """The buyer has the goods: a shipped order becomes `delivered`. An order already delivered
    (or settled) is returned unchanged; any other raises OrderConflict(not_shipped)."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status in (S.DELIVERED, S.SETTLED):
            return locked
        if locked.status != S.SHIPPED:
            raise OrderConflict(
                "not_shipped",
                f"This order is {locked.get_status_display().lower()}: receipt can be confirmed "
                "once it has shipped.",
            )
        _deliver(locked, note="Receipt confirmed by the buyer.", by=by)
    return locked


def shipment_event_record(*, partner: LogisticsPartner, event: ReportedEvent) -> str:
    """Store a partner's event once: RECORDED, or DUPLICATE when the partner already sent this
    event id (nothing changes then). A `delivered` event moves a shipped order to `delivered`;
    events never move an order back, so late or out-of-order ones are stored and harmless.
    Raises UnknownShipment (nothing stored) if the tracking number is none of the partner's."""
    tracking = tracking_normalize(event.tracking_number)
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_related("order")
            .filter(partner=partner, tracking_number=tracking)
            .first()
        )
        if shipment is None:
            raise UnknownShipment(
                f"{partner.name} has no shipment with the tracking number {tracking} on the "
                "platform."
            )
        stored = _inserted(
            ShipmentEvent,
            shipment=shipment,
            partner=partner,
            event_id=event.event_id,
            kind=event.kind,
            occurred_at=event.occurred_at,
            hub=event.hub,
            location=event.location,
            note=event.note,
        )
        if not stored:
            return DUPLICATE
        if event.kind == ShipmentEvent.Kind.DELIVERED:
            locked = _locked(shipment.order)
            if locked.status == S.SHIPPED:
                where = f" ({event.location})" if event.location else ""
                _deliver(locked, note=f"Delivered{where}, as {partner.name} reported.")
    return RECORDED


def orders_auto_confirm(*, now: datetime | None = None) -> int:
    """Confirm receipt of every order shipped DELIVERY_AUTO_CONFIRM_DAYS ago or more; returns how
    many became delivered. Safe to run twice at once: each order moves at most once."""
    now = now or timezone.now()
    days = settings.DELIVERY_AUTO_CONFIRM_DAYS
    due = Order.objects.filter(
        status=S.SHIPPED, shipment__shipped_at__lte=now - timedelta(days=days)
    ).values_list("pk", flat=True)
    return sum(_auto_confirm(order_id=pk, days=days) for pk in list(due))


def _auto_confirm(*, order_id: int, days: int) -> bool:
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk=order_id, status=S.SHIPPED)
            .first()
        )
        if order is None:  # confirmed meanwhile, or being changed by someone else right now
            return False
        return _deliver(
            order,
            note=f"Receipt confirmed automatically: {days} days after shipment, with no "
            "confirmation from the buyer or the carrier.",
        )

"""The Delivery section of an order's page: the shipment, the carrier's events in plain words
(in the order they happened), the seller's "Mark shipped" form and the buyer's "Confirm
receipt" button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from ehubs.models import Hub
from marketplace.forms.shipping import ShipForm
from marketplace.models import Order, Shipment, ShipmentEvent

K = ShipmentEvent.Kind


def _hub_named(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else f"hub {code}"


def event_text(event: ShipmentEvent, carrier: str, hubs: dict[str, str]) -> str:
    """What a carrier's event means, in a sentence for the buyer."""
    hub = _hub_named(event.hub, hubs) if event.hub else ""
    where = f" in {event.location}" if event.location else ""
    if event.kind == K.PICKED_UP:
        return f"{carrier} picked up the parcel{where}."
    if event.kind == K.ARRIVED_AT_HUB:
        return f"Arrived at {hub or 'a hub'}{where}."
    if event.kind == K.DEPARTED_HUB:
        return f"Left {hub or 'a hub'}{where}."
    if event.kind == K.OUT_FOR_DELIVERY:
        return f"Out for delivery{where}."
    return f"Delivered{where}."


def delivery_context(order: Order, *, for_buyer: bool, ship_form: ShipForm | None = None) -> dict:
    shipment = (
        Shipment.objects.select_related("partner").filter(order=order).first()
        if order.status not in (Order.Status.PENDING_PAYMENT, Order.Status.CANCELLED)
        else None
    )
    context: dict[str, Any] = {"shipment": shipment, "delivery_events": [], "can_confirm": False}
    if shipment is None:
        if not for_buyer and order.status == Order.Status.CLEARED:
            context["ship_form"] = ship_form or ShipForm()
        return context
    events = list(shipment.events.all())  # by occurred_at
    codes = {event.hub for event in events if event.hub}
    hubs = dict(Hub.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    context["delivery_events"] = [
        {
            "at": event.occurred_at,
            "text": event_text(event, shipment.partner.name, hubs),
            "note": event.note,
        }
        for event in events
    ]
    if for_buyer and order.status == Order.Status.SHIPPED:
        context["can_confirm"] = True
        days = settings.DELIVERY_AUTO_CONFIRM_DAYS
        context["auto_confirm_on"] = shipment.shipped_at + timedelta(days=days)
    return context

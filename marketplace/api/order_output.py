"""An order as the API shows it (docs/API.md, "An order"): the output serializers, which the
schema publishes, and `order_body`, which builds the same shape in plain code."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ewtp.api.fields import MoneyField
from marketplace.api.quotes import ConsignmentQuoteOutput
from marketplace.models import Order, ShipmentEvent
from payments.money import quantize

# What `order_body` reads besides the order row: joined (the shipment and its carrier, in the
# order's own query) and prefetched.
ORDER_SELECT = ("shipment__partner",)
ORDER_PREFETCH = ("lines", "events", "shipment__events")

# One field renders every timestamp (as DRF would: ISO 8601 in the current time zone).
_DATETIME = serializers.DateTimeField()


class OrderLineOutput(serializers.Serializer):
    listing = serializers.IntegerField(source="listing_id")
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyField(help_text="The seller's price at checkout, in the listing's currency.")


class TimelineOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    note = serializers.CharField()


class AddressOutput(serializers.Serializer):
    name = serializers.CharField()
    line1 = serializers.CharField()
    city = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()


class ShipmentEventOutput(serializers.Serializer):
    type = serializers.ChoiceField(choices=ShipmentEvent.Kind.choices)
    occurred_at = serializers.DateTimeField(help_text="When it happened, by the carrier's clock.")
    hub = serializers.CharField(help_text="The eHub's code, or empty.")
    location = serializers.CharField()
    note = serializers.CharField()


class ShipmentOutput(serializers.Serializer):
    carrier = serializers.CharField(help_text="The logistics partner's code.")
    carrier_name = serializers.CharField()
    tracking_number = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(
        allow_null=True, help_text="When the order became delivered; null until then."
    )
    events = ShipmentEventOutput(many=True, help_text="The carrier's events, oldest first.")


class OrderOutput(serializers.Serializer):
    """Built by `order_body` (plain code: the schema's description of it)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    seller = serializers.IntegerField()
    buyer = serializers.IntegerField()
    currency = serializers.CharField()
    lines = OrderLineOutput(many=True)
    goods = MoneyField()
    shipping = MoneyField()
    duty = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    shipping_address = AddressOutput()
    checkout = serializers.UUIDField(help_text="Shared by the orders one checkout placed.")
    expires_at = serializers.DateTimeField(help_text="Unpaid, the order expires at this time.")
    created = serializers.DateTimeField()
    quote = ConsignmentQuoteOutput(help_text="The quote frozen at checkout.")
    timeline = TimelineOutput(many=True)
    shipment = ShipmentOutput(allow_null=True, help_text="Null until the seller ships the order.")


class OrdersOutput(serializers.Serializer):
    orders = OrderOutput(many=True)


def _money(amount: Any, currency: str) -> dict[str, str]:
    return {"amount": str(quantize(amount, currency)), "currency": currency}


def order_body(order: Order) -> dict[str, Any]:
    """An order as API.md gives it."""
    cur = order.currency
    return {
        "id": order.pk,
        "status": order.status,
        "seller": order.seller_id,
        "buyer": order.buyer_id,
        "currency": cur,
        "lines": [
            {
                "listing": line.listing_id,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price, line.unit_currency),
            }
            for line in order.lines.all()
        ],
        "goods": _money(order.goods, cur),
        "shipping": _money(order.shipping, cur),
        "duty": _money(order.duty, cur),
        "tax": _money(order.tax, cur),
        "total": _money(order.total, cur),
        "shipping_address": {
            "name": order.ship_name,
            "line1": order.ship_line1,
            "city": order.ship_city,
            "postal_code": order.ship_postal_code,
            "country": str(order.ship_country.code),
        },
        "checkout": str(order.checkout),
        "expires_at": _DATETIME.to_representation(order.expires_at),
        "created": _DATETIME.to_representation(order.created),
        "quote": order.quote,
        "timeline": [
            {
                "at": _DATETIME.to_representation(event.at),
                "status": event.status,
                "note": event.note,
            }
            for event in order.events.all()
        ],
        "shipment": shipment_body(order),
    }


def shipment_body(order: Order) -> dict[str, Any] | None:
    """The order's shipment as `ShipmentOutput` gives it, or None before shipment."""
    shipment = getattr(order, "shipment", None)
    if shipment is None:
        return None
    delivered = shipment.delivered_at
    return {
        "carrier": shipment.partner.code,
        "carrier_name": shipment.partner.name,
        "tracking_number": shipment.tracking_number,
        "shipped_at": _DATETIME.to_representation(shipment.shipped_at),
        "delivered_at": _DATETIME.to_representation(delivered) if delivered else None,
        "events": [
            {
                "type": event.kind,
                "occurred_at": _DATETIME.to_representation(event.occurred_at),
                "hub": event.hub,
                "location": event.location,
                "note": event.note,
            }
            for event in shipment.events.all()
        ],
    }

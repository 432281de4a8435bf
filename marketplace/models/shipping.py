"""Shipping: the logistics partners that carry orders, one shipment per shipped order, and the
events partners report about it (the delivery timeline).

A shipment's events are append-only and unique by (partner, event id): a partner that sends an
event twice (a retry, a replay) changes nothing the second time. Only `marketplace.shipping`
writes these rows.
"""

from __future__ import annotations

import secrets

from django.db import models

from marketplace.models.orders import Order

# Tracking numbers, as carriers print them: letters, digits and hyphens, stored in capitals.
TRACKING_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$"
TRACKING_MAX_LENGTH = 64


def partner_secret_new() -> str:
    """A new HMAC secret for a partner (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class LogisticsPartner(models.Model):
    """A carrier: sellers ship with it, and it signs the shipment events it reports."""

    code = models.SlugField(
        max_length=30, unique=True, help_text="Names the partner in URLs and the API: cainiao, dhl."
    )
    name = models.CharField(max_length=100)
    secret = models.CharField(
        max_length=100,
        default=partner_secret_new,
        help_text="Signs the partner's webhook requests (HMAC-SHA256). Give it to the partner "
        "over a safe channel; rotate it if it leaks.",
    )
    active = models.BooleanField(
        default=True,
        help_text="Inactive: sellers cannot choose it and its webhook requests are refused.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "logistics partner"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ShipmentEventKind(models.TextChoices):
    PICKED_UP = "picked_up", "Picked up"
    ARRIVED_AT_HUB = "arrived_at_hub", "Arrived at a hub"
    DEPARTED_HUB = "departed_hub", "Left a hub"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"


class Shipment(models.Model):
    """An order on its way: the carrier and its tracking number, when it left and arrived."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="shipment")
    partner = models.ForeignKey(
        LogisticsPartner, on_delete=models.PROTECT, related_name="shipments"
    )
    tracking_number = models.CharField(max_length=TRACKING_MAX_LENGTH)
    shipped_at = models.DateTimeField()
    # When the order became delivered on the platform (the buyer's confirmation, the partner's
    # delivered event or the automatic confirmation): server time, in the same transaction.
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "tracking_number"], name="shipment_tracking_unique"
            ),
        ]
        indexes = [models.Index(fields=["shipped_at"])]

    def __str__(self) -> str:
        return f"Shipment of order {self.order_id}: {self.tracking_number}"


class ShipmentEvent(models.Model):
    """One event a partner reported: stored once, whatever order it arrives in."""

    Kind = ShipmentEventKind

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="events")
    partner = models.ForeignKey(
        LogisticsPartner, on_delete=models.PROTECT, related_name="shipment_events"
    )
    event_id = models.CharField(max_length=100, help_text="The partner's id of the event.")
    kind = models.CharField(max_length=20, choices=ShipmentEventKind.choices)
    occurred_at = models.DateTimeField(help_text="When it happened, by the partner's clock.")
    hub = models.CharField(max_length=10, blank=True, help_text="The eHub's code, if at one.")
    location = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "event_id"], name="shipment_event_partner_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["shipment", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.event_id})"

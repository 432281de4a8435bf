"""Orders: one seller's consignment to one buyer, its frozen quote, its lines and its timeline.

An order's status changes only through `marketplace.orders` (status-guarded conditional updates);
its amounts and quote are written once, at checkout, and never change after.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from ehubs.models import Hub
from ewtp.codes import CURRENCY_CHOICES
from marketplace.models.catalogue import BuyerProfile, Listing, SellerProfile

# Any total the engine can produce: VND and IDR totals pass 10^12; four places cover every
# currency's minor unit.
AMOUNT: dict[str, Any] = {"max_digits": 30, "decimal_places": 4}


ORDER_PREFIX = "order:"


def order_id_of(reference: str) -> int | None:
    """The order id of an order's reference ("order:42" → 42); None for any other reference."""
    number = reference.removeprefix(ORDER_PREFIX)
    if number == reference or not (number.isascii() and number.isdigit()):
        return None
    return int(number)


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    IN_CUSTOMS = "in_customs", "In customs"
    REVIEW = "review", "In customs review"
    CLEARED = "cleared", "Cleared by customs"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    SETTLED = "settled", "Settled"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class Order(models.Model):
    Status = OrderStatus

    # The orders placed together by one checkout share this id (one order per seller).
    checkout = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    buyer = models.ForeignKey(BuyerProfile, on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey(SellerProfile, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    goods = models.DecimalField(**AMOUNT)
    shipping = models.DecimalField(**AMOUNT)
    duty = models.DecimalField(**AMOUNT)
    tax = models.DecimalField(**AMOUNT)
    # goods + shipping + duty + tax, each already rounded by the engine (no CHECK: SQLite
    # compares decimals as floats).
    total = models.DecimalField(**AMOUNT)
    # The engine's whole result for this consignment (ConsignmentQuote.as_dict()): amounts, rule
    # rows, route, FX rates and date. Later rule or rate changes never alter it.
    quote = models.JSONField()
    # The hubs of the frozen route: their operators may see the order.
    hubs = models.ManyToManyField(Hub, related_name="orders", blank=True)
    ship_name = models.CharField("recipient", max_length=200)
    ship_line1 = models.CharField("address", max_length=200)
    ship_city = models.CharField("city", max_length=100)
    ship_postal_code = models.CharField("postal code", max_length=20)
    ship_country = CountryField("country")
    # Unpaid orders give their stock back after this moment (orders_expire).
    expires_at = models.DateTimeField()
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(goods__gte=0, shipping__gte=0, duty__gte=0, tax__gte=0),
                name="order_amounts_gte_0",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created"]),
            models.Index(fields=["seller", "-created"]),
            models.Index(fields=["status", "expires_at"]),
            # Settlement claims delivered orders in id order: without it the claim walks the
            # primary key past every older (settled) order, for each chunk.
            models.Index(fields=["id"], condition=Q(status="delivered"), name="order_delivered"),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}"

    @property
    def reference(self) -> str:
        """How payments and customs name this order (they never import marketplace)."""
        return f"{ORDER_PREFIX}{self.pk}"

    @property
    def route(self) -> list[str]:
        return list(self.quote.get("route", []))

    @property
    def is_open(self) -> bool:
        """Not yet shipped and not ended: the buyer may still cancel."""
        return self.status in CANCELLABLE


CANCELLABLE = frozenset(
    {
        Order.Status.PENDING_PAYMENT,
        Order.Status.PAID,
        Order.Status.IN_CUSTOMS,
        Order.Status.REVIEW,
        Order.Status.CLEARED,
    }
)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="lines")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="order_lines")
    title = models.CharField(max_length=200)
    hs_code = models.CharField("HS code", max_length=10)
    quantity = models.PositiveIntegerField()
    # The seller's price at checkout, in the listing's currency.
    unit_price = models.DecimalField(**AMOUNT)
    unit_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_gte_1"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="order_line_price_gt_0"),
            models.UniqueConstraint(fields=["order", "listing"], name="order_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class OrderEvent(models.Model):
    """One line of an order's timeline: what it became, when, who did it and why."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Order.Status.choices)
    note = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_events",
        help_text="Who made the change; empty for the platform's own jobs.",
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self) -> str:
        return f"{self.order} → {self.status}"

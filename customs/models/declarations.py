"""Customs declarations: one per hub and direction of an order's route, their lines, the
clearance modes each hub files under, and the audit trail of every decision.

Declarations name their order by an opaque reference ("order:42"); customs never imports
marketplace. A declaration's status moves only through `customs.clearance` (status-guarded
updates); its amounts and lines are written once, when it is filed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from ehubs.models import Hub
from ewtp.codes import CURRENCY_CHOICES

AMOUNT: dict[str, Any] = {"max_digits": 30, "decimal_places": 4}
MODE_CODE_VALIDATOR = RegexValidator(r"^[A-Z0-9]{2,10}$", "Use 2–10 capital letters or digits.")


class Direction(models.TextChoices):
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    CLEARED = "cleared", "Cleared"
    REVIEW = "review", "In review"
    HELD = "held", "Held: question to the seller"
    REJECTED = "rejected", "Rejected"


# A declaration an operator may still decide on.
OPEN_STATUSES = frozenset(
    {DeclarationStatus.SUBMITTED, DeclarationStatus.REVIEW, DeclarationStatus.HELD}
)


class ClearanceMode(models.Model):
    """A customs procedure a hub files consignments under (for China: 9610 cross-border retail
    direct mail, 1210 bonded, 9710 B2B direct export, 9810 overseas warehouse). Declarations
    take the hub's default mode for their direction; values above its limit go to review."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="clearance_modes")
    code = models.CharField(max_length=10, validators=[MODE_CODE_VALIDATOR])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    auto_clear_limit = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Customs value above which a declaration goes to review; empty: no limit.",
    )
    limit_currency = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, blank=True, help_text="Currency of the limit."
    )
    default_for_export = models.BooleanField(default=False)
    default_for_import = models.BooleanField(default=False)

    class Meta:
        ordering = ["hub__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "code"], name="clearance_mode_unique_code"),
            models.UniqueConstraint(
                fields=["hub"],
                condition=Q(default_for_export=True),
                name="clearance_mode_one_export_default",
                violation_error_message="This hub already has a default export mode.",
            ),
            models.UniqueConstraint(
                fields=["hub"],
                condition=Q(default_for_import=True),
                name="clearance_mode_one_import_default",
                violation_error_message="This hub already has a default import mode.",
            ),
            models.CheckConstraint(
                condition=Q(auto_clear_limit__isnull=True) | ~Q(limit_currency=""),
                name="clearance_mode_limit_has_currency",
                violation_error_message="Give the currency of the auto-clear limit.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hub.code} {self.code} — {self.name}"


class Declaration(models.Model):
    Status = DeclarationStatus
    Direction = Direction

    reference = models.CharField(max_length=64, help_text='The order it declares ("order:42").')
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="declarations")
    direction = models.CharField(max_length=6, choices=Direction.choices)
    mode = models.CharField(
        max_length=10, blank=True, help_text="The clearance mode's code at filing."
    )
    status = models.CharField(
        max_length=10, choices=DeclarationStatus.choices, default=DeclarationStatus.SUBMITTED
    )
    # Customs value, duty and tax, in `currency`: the destination's customs currency for an
    # import (the frozen quote's figures), the invoice currency for an export (no duty, no tax).
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    customs_value = models.DecimalField(**AMOUNT)
    duty = models.DecimalField(**AMOUNT)
    tax = models.DecimalField(**AMOUNT)
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations_sold"
    )
    seller_name = models.CharField(max_length=200)
    seller_country = CountryField()
    seller_verified = models.BooleanField(help_text="Whether the seller was verified at filing.")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations_bought"
    )
    consignee_name = models.CharField(max_length=200)
    consignee_country = CountryField()
    origin_country = CountryField(help_text="Where the consignment leaves from.")
    destination_country = CountryField()
    # What the landed-cost engine needs to quote the consignment again on the clearance date
    # (screening compares the duty), and the order as customs sees it (the three documents).
    basis = models.JSONField()
    order_document = models.JSONField()
    quoted_on = models.DateField(help_text="The date of the frozen quote.")
    # The reasons of the latest screening or decision: [{"rule": …, "message": …}].
    reasons = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField()
    # When a clearance job was last sent for it: the sweeper re-sends declarations left
    # `submitted` long after this (a lost message never strands an order).
    enqueued_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "direction"], name="declaration_one_per_direction"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeclarationStatus.values), name="declaration_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="declaration_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(customs_value__gte=0, duty__gte=0, tax__gte=0),
                name="declaration_amounts_gte_0",
            ),
        ]
        indexes = [
            models.Index(fields=["reference"]),
            models.Index(fields=["hub", "status", "submitted_at"]),
            models.Index(fields=["status", "enqueued_at"]),
            models.Index(fields=["seller", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        # The hub's code, not its id: this is the declaration's name on admin pages and logs.
        return f"Declaration {self.pk} ({self.get_direction_display().lower()} at {self.hub.code})"

    @property
    def order_id(self) -> int | None:
        """The order's id, read from the reference (customs knows orders only by reference)."""
        kind, _, number = self.reference.partition(":")
        return int(number) if kind == "order" and number.isdigit() else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DeclarationLine(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lines")
    listing_id = models.PositiveBigIntegerField(help_text="The marketplace listing.")
    title = models.CharField(max_length=200)
    hs_code = models.CharField("HS code", max_length=10)
    hs_description = models.CharField("HS description", max_length=500, blank=True)
    origin = CountryField()
    quantity = models.PositiveIntegerField()
    # Declared (invoice) values, in `currency`; the listing's price at filing, in its own.
    unit_value = models.DecimalField(**AMOUNT)
    value = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    listing_price = models.DecimalField(**AMOUNT)
    listing_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="declaration_line_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × HS {self.hs_code}"


class DeclarationEvent(models.Model):
    """One line of a declaration's audit trail: what happened, the status it left, the rule and
    reasons behind a decision, who did it (empty for the clearance job) and when."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SCREENED = "screened", "Screened"
        APPROVED = "approved", "Approved"
        HELD = "held", "Held"
        ANSWERED = "answered", "Answered by the seller"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REQUEUED = "requeued", "Sent to clearance again"

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=DeclarationStatus.choices)
    rule = models.CharField(max_length=40, blank=True, help_text="The rule that decided.")
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declaration_events",
        help_text="Who decided; empty for the clearance job.",
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["declaration", "at"])]
        constraints = [
            # The clearance job screens a declaration once, however often its message arrives.
            models.UniqueConstraint(
                fields=["declaration"],
                condition=Q(kind="screened"),
                name="declaration_screened_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.kind}"

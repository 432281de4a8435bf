"""The e-road: hubs, the countries each serves, directed corridors and customs unions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from ewtp.codes import CURRENCY_CHOICES

HUB_CODE_PATTERN = r"^[A-Z0-9]{2,10}$"
HUB_CODE_VALIDATOR = RegexValidator(HUB_CODE_PATTERN, "Use 2–10 capital letters or digits.")
FEE = {"max_digits": 14, "decimal_places": 4, "validators": [MinValueValidator(0)]}
PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class Hub(models.Model):
    code = models.CharField(max_length=10, unique=True, validators=[HUB_CODE_VALIDATOR])
    name = models.CharField(max_length=200)
    country = CountryField()
    city = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="operated_hubs",
        help_text="Staff users who run this hub from admin.",
    )
    # The platform's fee on the goods of the orders that leave from this hub, taken when they
    # are settled; small sellers (fewer than 30 staff) pay the lower SME rate.
    fee_percent = models.DecimalField(
        "platform fee (%)",
        default=Decimal("5.00"),
        **PERCENT,  # type: ignore[arg-type]
    )
    sme_fee_percent = models.DecimalField(
        "platform fee for small sellers (%)",
        default=Decimal("2.50"),
        help_text="For sellers with fewer than 30 staff.",
        **PERCENT,  # type: ignore[arg-type]
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0, fee_percent__lte=100)
                & Q(sme_fee_percent__gte=0, sme_fee_percent__lte=100),
                name="hub_fee_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class HubCountry(models.Model):
    """A country a hub serves; each country is served by at most one hub."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="countries")
    country = CountryField(unique=True)

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "hub countries"

    def __str__(self) -> str:
        return f"{self.country} → {self.hub.code}"


class Corridor(models.Model):
    """A directed shipping link; a leg costs base_fee + per_kg × weight, in `currency`."""

    # Routes frozen on orders name their hubs: a hub with corridors is not deleted by accident.
    from_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="corridors_out")
    to_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="corridors_in")
    transit_days = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    base_fee = models.DecimalField(**FEE)  # type: ignore[arg-type]
    per_kg = models.DecimalField(**FEE)  # type: ignore[arg-type]

    class Meta:
        ordering = ["from_hub__code", "to_hub__code"]
        constraints = [
            models.UniqueConstraint(fields=["from_hub", "to_hub"], name="corridor_unique_pair"),
            models.CheckConstraint(
                condition=~Q(from_hub=models.F("to_hub")), name="corridor_not_a_loop"
            ),
            models.CheckConstraint(
                condition=Q(base_fee__gte=0) & Q(per_kg__gte=0), name="corridor_fees_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_hub.code} → {self.to_hub.code}"


class CustomsUnion(models.Model):
    code = models.CharField(max_length=10, unique=True, validators=[HUB_CODE_VALIDATOR])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CustomsUnionMember(models.Model):
    union = models.ForeignKey(CustomsUnion, on_delete=models.CASCADE, related_name="members")
    country = CountryField()

    class Meta:
        ordering = ["union__code", "country"]
        constraints = [
            models.UniqueConstraint(fields=["union", "country"], name="union_member_unique"),
            models.UniqueConstraint(
                fields=["country"],
                name="union_member_one_union_per_country",
                violation_error_message=(
                    "This country is already a member of another customs union."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.union.code}: {self.country}"


class Waybill(models.Model):
    """The platform's waybill for one consignment's route over the e-road: whom it goes to, what
    goods, their declared value. One per consignment; customs matches it against the order and
    the payment before release."""

    reference = models.CharField(max_length=64, unique=True, help_text='e.g. "order:42".')
    number = models.CharField(max_length=20, unique=True)
    route = models.JSONField(help_text="The hub codes, origin first.")
    consignee_name = models.CharField(max_length=200)
    consignee_country = CountryField()
    # [[listing id, quantity], …], sorted.
    goods = models.JSONField()
    value = models.DecimalField(max_digits=30, decimal_places=4)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    weight_grams = models.PositiveBigIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

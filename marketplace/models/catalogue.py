"""Sellers, buyers and the listings sellers publish."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from djmoney.money import Money

from customs.nomenclature import hs_description
from customs.validators import validate_hs_subheading
from ewtp.codes import CURRENCY_CHOICES

HS_CODE_VALIDATOR = RegexValidator(
    r"^[0-9]{6,10}$", "Enter an HS code of 6 to 10 digits, e.g. 610910 (digits only)."
)
HOLD_MONEY = {"max_digits": 14, "decimal_places": 4}


def validate_positive_money(value: Money | Decimal) -> None:
    amount = value.amount if isinstance(value, Money) else value
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError("Enter a price greater than zero.", code="min_value")


class SellerProfile(models.Model):
    """A business that lists goods; small (< 30 staff) sellers may get SME tariff rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seller_profile"
    )
    company_name = models.CharField(max_length=200)
    country = CountryField()
    employees = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Number of staff, the owner included."
    )
    verified = models.BooleanField(
        default=False, help_text="Checked by an operator; unverified sellers get customs review."
    )
    # Who verified and when (services.sellers_verify). PROTECT: the operator who vouched for a
    # seller is never deleted from under the record; staff who leave are deactivated instead.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sellers_verified",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    payout_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company_name"]
        constraints = [
            models.CheckConstraint(condition=Q(employees__gte=1), name="seller_employees_gte_1"),
            # An unverified seller carries no verification record.
            models.CheckConstraint(
                condition=Q(verified=True) | Q(verified_by__isnull=True, verified_at__isnull=True),
                name="seller_unverified_has_no_record",
            ),
        ]
        indexes = [models.Index(fields=["country"])]

    def __str__(self) -> str:
        return self.company_name

    @property
    def is_sme(self) -> bool:
        return self.employees < 30


class BuyerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="buyer_profile"
    )
    country = CountryField()
    preferred_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.username


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    # Orders point at listings and their sellers: neither is ever deleted from under them. A
    # seller who stops trading is deactivated (services.seller_deactivate); listings are archived.
    seller = models.ForeignKey(SellerProfile, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    hs_code = models.CharField(
        "HS code",
        max_length=10,
        validators=[HS_CODE_VALIDATOR, validate_hs_subheading],
        help_text="Harmonized System code, 6 to 10 digits; the first six an HS 2022 subheading.",
    )
    origin_country = CountryField(help_text="Country where the goods were made.")
    price = MoneyField(
        **HOLD_MONEY,
        currency_choices=CURRENCY_CHOICES,
        default_currency="USD",
        validators=[validate_positive_money],
    )
    stock = models.PositiveIntegerField(default=0)
    weight_grams = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Shipping weight of one unit, in grams."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="listing_stock_gte_0"),
            models.CheckConstraint(condition=Q(weight_grams__gt=0), name="listing_weight_gt_0"),
            models.CheckConstraint(condition=Q(price__gt=0), name="listing_price_gt_0"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "archived"]),
                name="listing_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created"]),
            models.Index(fields=["status", "hs_code"]),
            models.Index(fields=["status", "origin_country"]),
            models.Index(fields=["seller", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hs_chapter(self) -> str:
        return self.hs_code[:2]

    @property
    def hs_description(self) -> str:
        """The HS 2022 description of the code's subheading (its first six digits)."""
        return hs_description(self.hs_code)

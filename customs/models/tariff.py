"""Tariff schedules as rows (DATA_FORMATS.md): profiles, duty and tax lines, prohibitions."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from customs.tariff import TariffRule
from ewtp.codes import CURRENCY_CHOICES

HS_PREFIX_VALIDATOR = RegexValidator(r"^[0-9]{0,10}$", "Use 0 to 10 digits.")


class TariffRow(models.Model):
    """One row of a tariff schedule. The rules a row must meet (DATA_FORMATS.md) live in
    customs.validation, shared by import_tariff and the admin form."""

    class Kind(models.TextChoices):
        PROFILE = "profile", "Profile"
        DUTY = "duty", "Duty"
        TAX = "tax", "Tax"
        PROHIBITED = "prohibited", "Prohibited"

    class Valuation(models.TextChoices):
        FOB = "FOB", "FOB (goods only)"
        CIF = "CIF", "CIF (goods + shipping)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    destination = CountryField()
    hs_prefix = models.CharField(
        "HS prefix", max_length=10, blank=True, validators=[HS_PREFIX_VALIDATOR]
    )
    origin = CountryField(blank=True)
    rate_percent = models.DecimalField(
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    per_unit = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, blank=True, choices=CURRENCY_CHOICES)
    valuation = models.CharField(max_length=3, blank=True, choices=Valuation.choices)
    low_value_upto = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    low_value_duty_per_subheading = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    tax_free_upto = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    sme_max_employees = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["destination", "kind", "hs_prefix", "origin", "valid_from", "id"]
        indexes = [models.Index(fields=["destination", "kind", "hs_prefix"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lt=models.F("valid_to")),
                name="tariff_row_valid_from_before_valid_to",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["profile", "duty", "tax", "prohibited"]),
                name="tariff_row_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        prefix = self.hs_prefix or "*"
        return f"{self.kind} {self.destination} {prefix}" + (
            f" from {self.origin}" if self.origin else ""
        )

    def to_rule(self) -> TariffRule:
        """This row as the landed-cost engine's plain rule (countries as 2-letter strings)."""
        return TariffRule(
            kind=self.kind,
            destination=str(self.destination),
            hs_prefix=self.hs_prefix,
            origin=str(self.origin or ""),
            rate_percent=self.rate_percent,
            per_unit=self.per_unit,
            currency=self.currency,
            valuation=self.valuation,
            low_value_upto=self.low_value_upto,
            low_value_duty_per_subheading=self.low_value_duty_per_subheading,
            tax_free_upto=self.tax_free_upto,
            sme_max_employees=self.sme_max_employees,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            note=self.note,
            id=self.pk,
        )

"""FX rates: each import is a table of rates against one base currency."""

from __future__ import annotations

from django.db import models

from ewtp.codes import CURRENCY_CHOICES


class RateTable(models.Model):
    """One imported rates file. Quotes use the table with the latest date
    (`payments.selectors.rates_current`), not the one imported last."""

    base = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    date = models.DateField()
    imported_at = models.DateTimeField(help_text="When the rates last changed by an import.")

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["base", "date"], name="rate_table_unique_base_date"),
        ]
        indexes = [models.Index(fields=["-imported_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.base} rates of {self.date}"


class FxRate(models.Model):
    """`rate` units of `currency` per 1 unit of the table's base."""

    table = models.ForeignKey(RateTable, on_delete=models.CASCADE, related_name="rates")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(max_digits=24, decimal_places=10)

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(fields=["table", "currency"], name="fx_rate_unique"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="fx_rate_gt_0"),
        ]

    def __str__(self) -> str:
        return f"1 {self.table.base} = {self.rate} {self.currency}"

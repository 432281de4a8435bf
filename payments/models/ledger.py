"""The ledger's tables: accounts, entries and their postings (docs/payments.md).

Entries and postings are append-only: the models refuse to change or delete a stored row, and on
PostgreSQL triggers refuse it too (django-pgtrigger), as well as, at COMMIT, any entry whose
postings do not sum to zero per currency and any entry without postings (two deferred
constraint triggers, migration payments.0004, written without pgtrigger's per-call check of
`pgtrigger.ignore`: nothing may switch them off, and they are the ledger's hottest path). A
correction is a reversing entry. Balances are derived
(payments.selectors), never stored.
"""

from __future__ import annotations

from typing import Any, NoReturn

import pgtrigger
from django.db import models
from django.utils import timezone

from payments import ledger


class AppendOnlyError(Exception):
    """A stored ledger row was to be changed or deleted: post a reversing entry instead."""


def _refuse(model: object, action: str) -> NoReturn:
    raise AppendOnlyError(
        f"Ledger {model} rows are append-only: they cannot be {action}. "
        "Correct a mistake with a reversing entry (payments.services.entry_reverse)."
    )


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        _refuse(self.model._meta.verbose_name_plural, "updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse(self.model._meta.verbose_name_plural, "deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(self._meta.verbose_name_plural, "updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self._meta.verbose_name_plural, "deleted")


# On PostgreSQL: no UPDATE or DELETE of a stored row, whoever sends it (pgtrigger installs these
# through the migrations; on SQLite the migration operations do nothing).
_APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class Account(models.Model):
    """A ledger account, named by its code ("escrow", "seller:12", "hub:LGG:duty"…). It holds any
    currency: the currency lives on each posting."""

    class Kind(models.TextChoices):
        ESCROW = ledger.KIND_ESCROW, "escrow"
        PROVIDER_CLEARING = ledger.KIND_PROVIDER_CLEARING, "payment provider clearing"
        SELLER_PAYABLE = ledger.KIND_SELLER_PAYABLE, "seller payable"
        CUSTOMS_DUTY = ledger.KIND_CUSTOMS_DUTY, "customs duty"
        CUSTOMS_TAX = ledger.KIND_CUSTOMS_TAX, "customs tax"
        LOGISTICS = ledger.KIND_LOGISTICS, "logistics"
        PLATFORM_FEES = ledger.KIND_PLATFORM_FEES, "platform fees"
        FX = ledger.KIND_FX, "currency exchange"

    code = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Entry(AppendOnlyModel):
    """One business event in the ledger, unique by (reference, kind): a re-run cannot post it
    twice. A reversal has reference "entry:<pk>" and `reverses` the entry it cancels."""

    class Kind(models.TextChoices):
        CAPTURE = ledger.CAPTURE, "capture"
        REFUND = ledger.REFUND, "refund"
        RELEASE = ledger.RELEASE, "release to seller and platform"
        RELEASE_CUSTOMS = ledger.RELEASE_CUSTOMS, "release to customs"
        RELEASE_SHIPPING = ledger.RELEASE_SHIPPING, "release to logistics"
        REMIT = ledger.REMIT, "remittance"
        PAYOUT = ledger.PAYOUT, "payout"
        REVERSAL = ledger.REVERSAL, "reversal"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=ledger.REFERENCE_MAX)
    payment = models.ForeignKey(
        "payments.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    memo = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "kind"], name="ledger_entry_unique_reference_kind"
            ),
        ]
        triggers = [_APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class Posting(AppendOnlyModel):
    """`amount` of `currency` on one account: a debit is positive, a credit negative."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    currency = models.CharField(max_length=3)
    # 26 whole digits: VND and IDR amounts of 10^12 and more, with room to sum them.
    amount = models.DecimalField(max_digits=30, decimal_places=4)

    class Meta:
        ordering = ["entry_id", "id"]
        indexes = [
            models.Index(fields=["account", "currency"], name="ledger_posting_account_cur"),
            models.Index(fields=["entry"], name="ledger_posting_entry"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_posting_not_zero"),
        ]
        triggers = [_APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on account {self.account_id}"

"""A payment: one attempt to take money for a reference (e.g. "order:42") through a provider."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from payments.ledger import REFERENCE_MAX


class Payment(models.Model):
    """Attempts for one reference are numbered 1, 2, … (unique). The status moves only by a
    status-guarded conditional UPDATE (payments.payment_services): pending → captured, declined or
    failed; captured → refunded. Card numbers are never stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        CAPTURED = "captured", "captured"
        DECLINED = "declined", "declined"
        FAILED = "failed", "failed"
        REFUNDED = "refunded", "refunded"

    reference = models.CharField(max_length=REFERENCE_MAX)
    attempt = models.PositiveIntegerField()
    provider = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=30, decimal_places=4)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    authorization = models.CharField(max_length=100, blank=True, help_text="Provider's id.")
    capture = models.CharField(max_length=100, blank=True, help_text="Provider's id.")
    refund = models.CharField(max_length=100, blank=True, help_text="Provider's id.")
    message = models.CharField(
        max_length=300, blank=True, help_text="Why it was declined or failed, for the buyer."
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "attempt"], name="payment_unique_reference_attempt"
            ),
            models.CheckConstraint(
                condition=models.Q(attempt__gte=1), name="payment_attempt_gte_1"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} attempt {self.attempt} ({self.status})"

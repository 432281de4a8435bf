"""The sandbox provider's own book of operations, so a replayed call answers as the first did."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SandboxOperation(models.Model):
    """One authorize, capture or refund the sandbox answered, by the platform's idempotency key.
    `card` is a fingerprint (sha256) of the card number, never the number."""

    class Operation(models.TextChoices):
        AUTHORIZE = "authorize", "authorize"
        CAPTURE = "capture", "capture"
        REFUND = "refund", "refund"

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "succeeded"
        DECLINED = "declined", "declined"
        ERROR = "error", "provider error"

    idempotency_key = models.CharField(max_length=255, unique=True)
    operation = models.CharField(max_length=10, choices=Operation.choices)
    amount = models.DecimalField(max_digits=30, decimal_places=4)
    currency = models.CharField(max_length=3)
    card = models.CharField(max_length=64, blank=True)
    parent = models.CharField(
        max_length=100, blank=True, help_text="The authorization or capture acted on."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    provider_id = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["provider_id"], name="sandbox_op_provider_id")]

    def __str__(self) -> str:
        return f"{self.operation} {self.idempotency_key} ({self.outcome})"

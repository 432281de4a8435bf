"""Settlement: payouts (a batch per seller and payout currency) and the settlement of each order.

Both are financial records, written once by `payments.settlement_services` and never changed
(append-only, like the ledger; on PostgreSQL triggers refuse any UPDATE or DELETE). A settlement
names its order by reference, unique: the database lets an order be settled once.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from ewtp.codes import CURRENCY_CHOICES
from payments.ledger import REFERENCE_MAX
from payments.models.ledger import _APPEND_ONLY, AppendOnlyModel

AMOUNT: dict[str, Any] = {"max_digits": 30, "decimal_places": 4}


class Payout(AppendOnlyModel):
    """One batch: the delivered orders of one seller settled together in one payout currency,
    paid out by one `payout` ledger entry (reference "payout:<id>")."""

    # The marketplace's seller profile id (payments never imports marketplace); the ledger
    # account it was paid from is "seller:<seller>".
    seller = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount = models.DecimalField(**AMOUNT, help_text="Paid to the seller, in `currency`.")
    fee = models.DecimalField(**AMOUNT, help_text="The platform's fees, in `currency`.")
    gross = models.DecimalField(**AMOUNT, help_text="The goods sold, in `currency`.")
    order_count = models.PositiveIntegerField()
    provider = models.CharField(max_length=40, help_text="Paid out through this provider.")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["seller", "-created"], name="payout_seller_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payout_amount_gte_0"),
            models.CheckConstraint(
                condition=models.Q(order_count__gte=1), name="payout_has_orders"
            ),
        ]
        triggers = [_APPEND_ONLY]

    def __str__(self) -> str:
        return f"Payout {self.pk}"

    @property
    def reference(self) -> str:
        """The reference of its ledger entry."""
        return f"payout:{self.pk}"


class Settlement(AppendOnlyModel):
    """How one order's escrow was released: in the buyer's `currency` the goods, the platform
    fee and the seller's net, the shipping, duty and tax paid on; and the net as paid to the
    seller, converted at `rate`."""

    reference = models.CharField(max_length=REFERENCE_MAX, unique=True)
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="settlements")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    paid = models.DecimalField(**AMOUNT)
    goods = models.DecimalField(**AMOUNT)
    shipping = models.DecimalField(**AMOUNT)
    duty = models.DecimalField(**AMOUNT)
    tax = models.DecimalField(**AMOUNT)
    fee = models.DecimalField(**AMOUNT)
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    net = models.DecimalField(**AMOUNT, help_text="goods − fee, in `currency`.")
    payout_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(
        max_digits=40, decimal_places=15, help_text="Units of the payout currency per 1 of it."
    )
    payout_amount = models.DecimalField(**AMOUNT, help_text="`net` in the payout currency.")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["payout"], name="settlement_payout")]
        triggers = [_APPEND_ONLY]

    def __str__(self) -> str:
        return f"Settlement of {self.reference}"

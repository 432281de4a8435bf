"""Writes for settlement: the plans of delivered orders become payouts, settlements and their
ledger entries, in bulk, in the caller's transaction (docs/settlement.md).

Exactly once is the database's job: a settlement's reference is unique and so is each entry's
(reference, kind); recording an order that was settled already raises IntegrityError and the
caller's transaction rolls back whole, nothing half-written. A process killed at any point
leaves either the whole batch or none of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ewtp.bulk import rows_insert
from payments.ledger import EntrySpec
from payments.ledger_services import ledger_post_many
from payments.models import Payout, Settlement
from payments.money import quantize
from payments.settlement import SettlementPlan, payout_entry


def payouts_record(
    *, plans: Iterable[SettlementPlan], provider: str, now: datetime | None = None
) -> list[Payout]:
    """Record the settlement of each plan's order and pay each seller's net out: one payout per
    (seller, payout currency), its orders' settlements, their release entries and the payout
    entry. Must run inside the caller's transaction, which holds the orders' locks."""
    now = now or timezone.now()
    groups: dict[tuple[int, str], list[SettlementPlan]] = defaultdict(list)
    for plan in plans:
        groups[(plan.order.seller, plan.payout_currency)].append(plan)
    if not groups:
        return []
    keys = sorted(groups)
    with transaction.atomic(savepoint=False):
        payouts = Payout.objects.bulk_create(
            _payout(seller, currency, groups[(seller, currency)], provider, now)
            for seller, currency in keys
        )
        rows_insert(
            Settlement,
            SETTLEMENT_FIELDS,
            [
                _settlement(plan, payout.pk, now)
                for payout, key in zip(payouts, keys, strict=True)
                for plan in groups[key]
            ],
        )
        specs: list[EntrySpec] = [plan.entry for key in keys for plan in groups[key]]
        specs += [
            payout_entry(
                reference=payout.reference,
                seller=payout.seller,
                currency=payout.currency,
                amount=payout.amount,
                provider=provider,
            )
            for payout in payouts
            if payout.amount > 0
        ]
        ledger_post_many(specs=specs, now=now)
    return payouts


def _payout(
    seller: int, currency: str, plans: list[SettlementPlan], provider: str, now: datetime
) -> Payout:
    def converted(amount: Decimal, plan: SettlementPlan) -> Decimal:
        return quantize(amount * plan.rate, currency)

    return Payout(
        seller=seller,
        currency=currency,
        amount=sum((p.payout_amount for p in plans), Decimal(0)),
        fee=sum((converted(p.fee, p) for p in plans), Decimal(0)),
        gross=sum((converted(p.order.goods, p) for p in plans), Decimal(0)),
        order_count=len(plans),
        provider=provider,
        created=now,
    )


SETTLEMENT_FIELDS = (
    "reference", "payout_id", "currency", "paid", "goods", "shipping", "duty", "tax", "fee",
    "fee_percent", "net", "payout_currency", "rate", "payout_amount", "created",
)  # fmt: skip


def _settlement(plan: SettlementPlan, payout: int, now: datetime) -> tuple[Any, ...]:
    """A settlement row, in the order of SETTLEMENT_FIELDS."""
    order = plan.order
    return (
        order.reference,
        payout,
        order.currency,
        order.total,
        order.goods,
        order.shipping,
        order.duty,
        order.tax,
        plan.fee,
        order.fee_percent,
        plan.net,
        plan.payout_currency,
        plan.rate,
        plan.payout_amount,
        now,
    )

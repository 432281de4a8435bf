"""Reconciling settled orders with the ledger (`manage.py reconcile`, docs/settlement.md).

Reads only: every settlement against its order's money trail (payments.reconcile), every
settled order against its settlement, every payout against its orders, every seller payable
(zero once paid out) and the trial balance (zero in every currency).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from marketplace.models import Order
from marketplace.models.orders import order_id_of
from payments.ledger import Trail
from payments.reconcile import Settled, settlement_differences
from payments.selectors import (
    money_trails,
    payouts_differences,
    seller_payables_open,
    settlements_iter,
    trial_balance,
)


@dataclass(frozen=True)
class OrderLine:
    reference: str
    currency: str
    trail: Trail
    problems: tuple[str, ...]


@dataclass
class ReconcileReport:
    orders: int = 0
    payouts: int = 0
    problems: list[str] = field(default_factory=list)
    trial_balance: dict[str, Decimal] = field(default_factory=dict)


def reconcile(
    *, on_order: Callable[[OrderLine], Any] | None = None, chunk: int = 1000
) -> ReconcileReport:
    """Check everything settled; `on_order` sees each order's line as it is checked."""
    report = ReconcileReport()
    seen: set[int] = set()
    for settlements in settlements_iter(chunk=chunk):
        references = [s.reference for s in settlements]
        trails = money_trails(references=references)
        ids = [order_id_of(reference) for reference in references]
        totals = dict(
            Order.objects.filter(
                pk__in=[i for i in ids if i], status=Order.Status.SETTLED
            ).values_list("id", "total")
        )
        for settlement, order_id in zip(settlements, ids, strict=True):
            seen.add(order_id or 0)
            problems = settlement_differences(
                settled=Settled(
                    reference=settlement.reference,
                    currency=settlement.currency,
                    paid=settlement.paid,
                    shipping=settlement.shipping,
                    duty=settlement.duty,
                    tax=settlement.tax,
                    fee=settlement.fee,
                    net=settlement.net,
                ),
                trail=trails[settlement.reference],
                order_total=totals.get(order_id or 0),
            )
            report.orders += 1
            report.problems.extend(problems)
            if on_order is not None:
                on_order(
                    OrderLine(
                        reference=settlement.reference,
                        currency=settlement.currency,
                        trail=trails[settlement.reference],
                        problems=tuple(problems),
                    )
                )
    report.problems.extend(
        f"order:{pk}: `settled`, but it has no settlement." for pk in _settled_ids_without(seen)
    )
    report.payouts, payout_problems = payouts_differences()
    report.problems.extend(payout_problems)
    for (account, currency), total in sorted(seller_payables_open().items()):
        report.problems.append(f"{account}: {total} {currency} released but not paid out.")
    report.trial_balance = trial_balance()
    for currency, total in report.trial_balance.items():
        if total != 0:
            report.problems.append(f"Trial balance: {total} {currency}, not zero.")
    return report


def _settled_ids_without(seen: set[int]) -> list[int]:
    settled = Order.objects.filter(status=Order.Status.SETTLED).values_list("pk", flat=True)
    return [pk for pk in settled.iterator(chunk_size=5000) if pk not in seen]

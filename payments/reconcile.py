"""Reconciliation, pure: does a settled order's money trail match its settlement?

For every settled order: buyer paid = seller payout + shipping + duties + taxes + platform fee +
refunds, with nothing left in escrow, and each part equal to what the settlement recorded; for
every payout, its settlements add up to what was paid out. `manage.py reconcile` loads the
figures and prints these checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from payments.trail import Trail


@dataclass(frozen=True)
class Settled:
    """A settlement as recorded (payments.models.Settlement), in plain values."""

    reference: str
    currency: str
    paid: Decimal
    shipping: Decimal
    duty: Decimal
    tax: Decimal
    fee: Decimal
    net: Decimal


def settlement_differences(
    *, settled: Settled, trail: Trail, order_total: Decimal | None
) -> list[str]:
    """Every way the trail of `settled.reference` differs from its settlement (empty: none).
    `order_total` is what the order says the buyer paid (None: no such settled order)."""
    ref = settled.reference
    problems = [f"{ref}: {problem}" for problem in trail.problems]
    if order_total is None:
        problems.append(f"{ref}: settled in the ledger, but the order is not `settled`.")
    elif order_total != settled.paid:
        problems.append(f"{ref}: the order's total {order_total} is not the {settled.paid} settled")
    if trail.currency != settled.currency:
        problems.append(
            f"{ref}: escrow moved in {trail.currency or 'no currency'}, settled in "
            f"{settled.currency}."
        )
        return problems
    if trail.in_escrow != 0:
        problems.append(f"{ref}: {trail.in_escrow} {trail.currency} is still in escrow.")
    for label, ledger_value, recorded in (
        ("buyer paid", trail.paid, settled.paid),
        ("seller payout", trail.seller_payout, settled.net),
        ("shipping", trail.shipping, settled.shipping),
        ("duties", trail.duties, settled.duty),
        ("taxes", trail.taxes, settled.tax),
        ("platform fee", trail.platform_fee, settled.fee),
        ("refunds", trail.refunds, Decimal(0)),
    ):
        if ledger_value != recorded:
            problems.append(
                f"{ref}: {label} is {ledger_value} in the ledger, {recorded} in the settlement."
            )
    accounted = (
        trail.seller_payout
        + trail.shipping
        + trail.duties
        + trail.taxes
        + trail.platform_fee
        + trail.refunds
    )
    if trail.paid != accounted:
        problems.append(
            f"{ref}: buyer paid {trail.paid} but payout, shipping, duties, taxes, fee and "
            f"refunds add up to {accounted} {trail.currency}."
        )
    return problems

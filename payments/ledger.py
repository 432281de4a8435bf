"""The double-entry ledger, pure: balanced entries built from amounts, and an order's money trail.

No ORM here: `payments.ledger_services` stores what this module builds, `payments.selectors`
loads what `trail` reads. Sign convention: a debit is positive, a credit negative; every entry's
lines sum to zero in each currency. Money held for someone is a credit balance: escrow holding
100 EUR has a balance of -100 EUR. A currency exchange is two legs per currency through the "fx"
account at a rate frozen by the caller (docs/payments.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ewtp.codes import is_currency
from payments.ledger_codes import (
    CAPTURE,
    ENTRY_KINDS,
    ESCROW,
    FX,
    KIND_CUSTOMS_DUTY,
    KIND_CUSTOMS_TAX,
    KIND_ESCROW,
    KIND_FX,
    KIND_LOGISTICS,
    KIND_PLATFORM_FEES,
    KIND_PROVIDER_CLEARING,
    KIND_SELLER_PAYABLE,
    LOGISTICS,
    PAYOUT,
    PLATFORM_FEES,
    REFUND,
    RELEASE,
    RELEASE_CUSTOMS,
    RELEASE_SHIPPING,
    REMIT,
    REVERSAL,
    account_kind,
    account_name,
    hub_duty_account,
    hub_logistics_account,
    hub_tax_account,
    provider_account,
    seller_account,
)
from payments.money import quantize
from payments.trail import FIGURES, PostingLine, Trail, trail

__all__ = [
    "AMOUNT_LIMIT",
    "CAPTURE",
    "ENTRY_KINDS",
    "ESCROW",
    "FIGURES",
    "FX",
    "KIND_CUSTOMS_DUTY",
    "KIND_CUSTOMS_TAX",
    "KIND_ESCROW",
    "KIND_FX",
    "KIND_LOGISTICS",
    "KIND_PLATFORM_FEES",
    "KIND_PROVIDER_CLEARING",
    "KIND_SELLER_PAYABLE",
    "LOGISTICS",
    "PAYOUT",
    "PLATFORM_FEES",
    "REFERENCE_MAX",
    "REFUND",
    "RELEASE",
    "RELEASE_CUSTOMS",
    "RELEASE_SHIPPING",
    "REMIT",
    "REVERSAL",
    "EntryInvalid",
    "EntrySpec",
    "Line",
    "PostingLine",
    "Trail",
    "Unbalanced",
    "account_kind",
    "account_name",
    "balance_check",
    "capture_entry",
    "entry_check",
    "exchange",
    "hub_duty_account",
    "hub_logistics_account",
    "hub_tax_account",
    "provider_account",
    "refund_entry",
    "reversal_lines",
    "seller_account",
    "trail",
    "transfer",
]

# --- Entries ---------------------------------------------------------------------------------

REFERENCE_MAX = 64
# Posting.amount is DecimalField(max_digits=30, decimal_places=4).
AMOUNT_LIMIT = Decimal(10) ** 26


class EntryInvalid(ValueError):
    """An entry that cannot be posted (empty, a zero or unrounded line, an unknown account…)."""


class Unbalanced(EntryInvalid):
    """An entry whose lines do not sum to zero in one currency."""

    def __init__(self, currency: str, difference: Decimal) -> None:
        super().__init__(f"The entry does not balance in {currency}: off by {difference}.")
        self.currency = currency
        self.difference = difference


@dataclass(frozen=True)
class Line:
    """One posting to be: `amount` of `currency` on `account` (a code); debit > 0, credit < 0."""

    account: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class EntrySpec:
    kind: str
    reference: str
    lines: tuple[Line, ...]
    memo: str = ""


def balance_check(lines: Iterable[Line]) -> None:
    """Raise EntryInvalid unless the lines can be one entry: not empty, every amount non-zero
    and rounded to its currency's minor unit, every account known, and (Unbalanced) a zero sum
    in each currency."""
    lines = tuple(lines)
    if not lines:
        raise EntryInvalid("An entry needs at least two lines; this one has none.")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if not is_currency(line.currency):
            raise EntryInvalid(f"{line.currency!r} is not an ISO 4217 currency code.")
        if not isinstance(line.amount, Decimal) or not line.amount.is_finite():
            raise EntryInvalid(f"{line.account}: the amount must be a finite Decimal.")
        if line.amount == 0:
            raise EntryInvalid(f"{line.account}: a line of zero {line.currency} means nothing.")
        if quantize(line.amount, line.currency) != line.amount:
            raise EntryInvalid(
                f"{line.account}: {line.amount} is not rounded to the minor unit of "
                f"{line.currency}; round it with payments.money.quantize first."
            )
        if abs(line.amount) >= AMOUNT_LIMIT:
            raise EntryInvalid(f"{line.account}: {line.amount} is too large for the ledger.")
        try:
            account_kind(line.account)
        except ValueError as error:
            raise EntryInvalid(str(error)) from None
        totals[line.currency] += line.amount
    for currency in sorted(totals):
        if totals[currency] != 0:
            raise Unbalanced(currency, totals[currency])


def entry_check(spec: EntrySpec) -> None:
    """balance_check, plus a known kind and a reference that fits (1 to 64 characters)."""
    if spec.kind not in ENTRY_KINDS:
        raise EntryInvalid(f"{spec.kind!r} is not an entry kind ({', '.join(ENTRY_KINDS)}).")
    if not spec.reference or len(spec.reference) > REFERENCE_MAX:
        raise EntryInvalid(f"An entry's reference has 1 to {REFERENCE_MAX} characters.")
    balance_check(spec.lines)


def transfer(*, debit: str, credit: str, amount: Decimal, currency: str) -> tuple[Line, ...]:
    """Move `amount` (> 0) of one currency from `credit` to `debit`: two lines."""
    if amount <= 0:
        raise EntryInvalid(f"A transfer moves a positive amount, not {amount}.")
    if debit == credit:
        raise EntryInvalid(f"A transfer needs two accounts, not {debit} twice.")
    return (Line(debit, currency, amount), Line(credit, currency, -amount))


def exchange(
    *,
    debit: str,
    credit: str,
    amount: Decimal,
    from_currency: str,
    to_currency: str,
    rate: Decimal,
) -> tuple[Line, ...]:
    """`amount` of from_currency leaves `debit`'s side and arrives on `credit` as
    quantize(amount × rate) of to_currency (`rate`: units of to per 1 of from, frozen by the
    caller), through "fx": four lines, in this order, which `trail` relies on to pair the legs."""
    if from_currency == to_currency:
        raise EntryInvalid(
            f"An exchange needs two currencies, not {from_currency} twice; use transfer."
        )
    if not rate.is_finite() or rate <= 0:
        raise EntryInvalid(f"An exchange rate is a positive number, not {rate}.")
    converted = quantize(amount * rate, to_currency)
    if converted <= 0:
        raise EntryInvalid(
            f"{amount} {from_currency} at {rate} is less than the smallest unit of {to_currency}."
        )
    return (
        *transfer(debit=debit, credit=FX, amount=amount, currency=from_currency),
        *transfer(debit=FX, credit=credit, amount=converted, currency=to_currency),
    )


def capture_entry(*, reference: str, amount: Decimal, currency: str, provider: str) -> EntrySpec:
    """The buyer's captured payment: debit the provider's clearing account, credit escrow."""
    return EntrySpec(
        kind=CAPTURE,
        reference=reference,
        lines=transfer(
            debit=provider_account(provider), credit=ESCROW, amount=amount, currency=currency
        ),
        memo=f"Payment captured by {provider}",
    )


def refund_entry(*, reference: str, amount: Decimal, currency: str, provider: str) -> EntrySpec:
    """The buyer's refund: debit escrow, credit the provider's clearing account."""
    return EntrySpec(
        kind=REFUND,
        reference=reference,
        lines=transfer(
            debit=ESCROW, credit=provider_account(provider), amount=amount, currency=currency
        ),
        memo=f"Payment refunded through {provider}",
    )


def reversal_lines(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines that cancel `lines` exactly (a correction is a reversing entry)."""
    return tuple(Line(line.account, line.currency, -line.amount) for line in lines)

"""An order's money trail, pure: where the buyer's money went, from the postings of one reference.

payments.ledger re-exports it; payments.selectors loads the postings.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from payments.ledger_codes import (
    ESCROW,
    FX,
    KIND_CUSTOMS_DUTY,
    KIND_CUSTOMS_TAX,
    KIND_LOGISTICS,
    KIND_PLATFORM_FEES,
    KIND_PROVIDER_CLEARING,
    KIND_SELLER_PAYABLE,
    REFUND,
    REVERSAL,
    account_kind,
)
from payments.money import quantize


@dataclass(frozen=True)
class PostingLine:
    """A stored posting as the trail reads it (plain data, loaded by payments.selectors)."""

    entry: int
    kind: str
    account: str
    currency: str
    amount: Decimal
    reverses: int | None = None
    reference: str = ""


# Where escrow money went, by the kind of the account it reached.
_FIGURE_OF_KIND = {
    KIND_SELLER_PAYABLE: "seller_payout",
    KIND_LOGISTICS: "shipping",
    KIND_CUSTOMS_DUTY: "duties",
    KIND_CUSTOMS_TAX: "taxes",
    KIND_PLATFORM_FEES: "platform_fee",
}
FIGURES = ("paid", "refunds", "seller_payout", "shipping", "duties", "taxes", "platform_fee")


@dataclass(frozen=True)
class Trail:
    """One reference's money, in the buyer's currency (that of its escrow postings):
    paid = refunds + seller_payout + shipping + duties + taxes + platform_fee + in_escrow."""

    currency: str
    paid: Decimal
    refunds: Decimal
    seller_payout: Decimal
    shipping: Decimal
    duties: Decimal
    taxes: Decimal
    platform_fee: Decimal
    in_escrow: Decimal
    balanced: bool
    problems: tuple[str, ...] = ()
    postings: tuple[PostingLine, ...] = field(default=(), repr=False)

    @property
    def accounted(self) -> Decimal:
        """The right-hand side of the identity."""
        return (
            self.refunds
            + self.seller_payout
            + self.shipping
            + self.duties
            + self.taxes
            + self.platform_fee
            + self.in_escrow
        )


def trail(postings: Iterable[PostingLine]) -> Trail:
    """The trail of one reference's postings, in entry and posting order. Entries that do not
    touch escrow (payouts, remittances) are listed but move none of the figures."""
    postings = tuple(postings)
    by_entry: dict[int, list[PostingLine]] = defaultdict(list)
    for posting in postings:
        by_entry[posting.entry].append(posting)
    escrow_currencies = {p.currency for p in postings if p.account == ESCROW}
    problems: list[str] = []
    if len(escrow_currencies) > 1:
        problems.append(
            f"Escrow moved in several currencies: {', '.join(sorted(escrow_currencies))}."
        )
    currency = min(escrow_currencies) if escrow_currencies else ""
    kinds = {p.entry: (p.kind, p.reverses) for p in postings}
    figures: dict[str, Decimal] = dict.fromkeys(FIGURES, Decimal(0))
    in_escrow = Decimal(0)
    for entry_id, lines in by_entry.items():
        if not any(p.account == ESCROW for p in lines):
            continue
        in_escrow -= sum((p.amount for p in lines if p.account == ESCROW), Decimal(0))
        root = _root_kind(entry_id, kinds)
        for figure, amount in _attribute(entry_id, lines, currency, root, problems):
            if figure in figures:  # else a problem is recorded: the trail does not balance
                figures[figure] += amount
    result = {
        name: quantize(value, currency) if currency else value for name, value in figures.items()
    }
    in_escrow = quantize(in_escrow, currency) if currency else in_escrow
    accounted = sum((v for k, v in result.items() if k != "paid"), Decimal(0)) + in_escrow
    return Trail(
        currency=currency,
        in_escrow=in_escrow,
        balanced=not problems and result["paid"] == accounted,
        problems=tuple(problems),
        postings=postings,
        **result,
    )


def _root_kind(entry_id: int, kinds: dict[int, tuple[str, int | None]]) -> str:
    """The kind of the entry a chain of reversals goes back to (as far as the trail holds it)."""
    kind, reverses = kinds[entry_id]
    seen = {entry_id}
    while kind == REVERSAL and reverses is not None and reverses in kinds and reverses not in seen:
        seen.add(reverses)
        kind, reverses = kinds[reverses]
    return kind


def _attribute(
    entry_id: int, lines: list[PostingLine], currency: str, root: str, problems: list[str]
) -> list[tuple[str, Decimal]]:
    """(figure, amount in `currency`) for each counterpart of escrow in one entry."""
    out: list[tuple[str, Decimal]] = []
    for posting in lines:
        if posting.currency == currency and posting.account not in (ESCROW, FX):
            out.append(_figure(posting, -posting.amount, root, entry_id, problems))
    foreign = sorted({p.currency for p in lines if p.currency != currency})
    if not foreign:
        if sum((p.amount for p in lines if p.account == FX), Decimal(0)) != 0:
            problems.append(f"Entry {entry_id}: money went to fx with nothing exchanged.")
        return out
    paired = _exchanges_paired(lines, currency)
    if paired is not None:
        # Every conversion is one `exchange` (four lines in order): each account reached counts
        # at exactly what left escrow for it.
        out.extend(_figure(target, value, root, entry_id, problems) for target, value in paired)
        return out
    value = _fx_values(entry_id, lines, currency, foreign, problems)
    for code in foreign:
        targets = [p for p in lines if p.currency == code and p.account != FX]
        fx_total = sum(
            (p.amount for p in lines if p.currency == code and p.account == FX), Decimal(0)
        )
        if not targets or fx_total == 0:
            problems.append(
                f"Entry {entry_id}: {code} was not exchanged from {currency} through fx."
            )
            continue
        # Share the escrow-currency value of the exchange among the accounts reached, in
        # proportion, the last one taking the rounding remainder so the shares add up exactly.
        left = value.get(code, Decimal(0))
        for index, posting in enumerate(targets):
            share = (
                left
                if index == len(targets) - 1
                else quantize(value.get(code, Decimal(0)) * (-posting.amount) / fx_total, currency)
            )
            left -= share
            out.append(_figure(posting, share, root, entry_id, problems))
    return out


def _exchanges_paired(
    lines: list[PostingLine], currency: str
) -> list[tuple[PostingLine, Decimal]] | None:
    """(account reached, escrow-currency value) for each foreign-currency line when every one is
    the last of an exchange's legs (fx in the escrow currency, fx in the foreign one, then the
    account, as `ledger.exchange` writes them) and every fx leg belongs to one; else None."""
    out: list[tuple[PostingLine, Decimal]] = []
    used: set[int] = set()
    for i in range(len(lines) - 2):
        home, away, target = lines[i], lines[i + 1], lines[i + 2]
        if (
            home.account == FX
            and home.currency == currency
            and away.account == FX
            and away.currency != currency
            and target.account != FX
            and target.currency == away.currency
            and target.amount == -away.amount
        ):
            out.append((target, -home.amount))
            used.update((i, i + 1, i + 2))
    for i, line in enumerate(lines):
        if i not in used and (line.account == FX or line.currency != currency):
            return None
    return out


def _fx_values(
    entry_id: int, lines: list[PostingLine], currency: str, foreign: list[str], problems: list[str]
) -> dict[str, Decimal]:
    """For each foreign currency, the escrow-currency amount that went into fx to buy it.

    With one foreign currency, every fx leg in the escrow currency is for it. With several, a
    leg is paired with the fx leg that follows it (the order `exchange` writes)."""
    fx_home = [p for p in lines if p.account == FX and p.currency == currency]
    if len(foreign) == 1:
        return {foreign[0]: -sum((p.amount for p in fx_home), Decimal(0))}
    value: dict[str, Decimal] = defaultdict(Decimal)
    paired = 0
    for before, after in itertools.pairwise(lines):
        if (
            before.account == FX
            and after.account == FX
            and before.currency == currency
            and after.currency != currency
        ):
            value[after.currency] += -before.amount
            paired += 1
    if paired != len(fx_home):
        problems.append(f"Entry {entry_id}: its exchanges cannot be told apart.")
    return value


def _figure(
    posting: PostingLine, amount: Decimal, root: str, entry_id: int, problems: list[str]
) -> tuple[str, Decimal]:
    kind = account_kind(posting.account)
    if kind == KIND_PROVIDER_CLEARING:
        # Money in from the buyer (capture) or back out to them (refund); a reversal counts
        # against the figure of the entry it reverses.
        return ("refunds", amount) if root == REFUND else ("paid", -amount)
    if kind in _FIGURE_OF_KIND:
        return _FIGURE_OF_KIND[kind], amount
    problems.append(f"Entry {entry_id}: escrow money reached {posting.account}.")
    return "unattributed", amount

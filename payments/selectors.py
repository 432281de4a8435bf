"""Reads for payments: the FX rates quotes use (cached per process) and which table is current;
the ledger's balances, an order's money trail, payments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum

from ewtp.datacache import VersionedCache
from payments import ledger
from payments.fx import Rates
from payments.ledger import PostingLine, Trail
from payments.models import Entry, FxRate, Payment, Payout, Posting, RateTable, Settlement
from payments.money import quantize


def _rates_build() -> tuple[Rates | None]:
    # Boxed in a tuple: VersionedCache rebuilds a None value on every call.
    table = rate_tables_by_recency().first()
    if table is None:
        return (None,)
    rates = dict(FxRate.objects.filter(table=table).values_list("currency", "rate"))
    return (Rates(base=table.base, rates=rates, date=table.date),)


_rates = VersionedCache("rates", _rates_build)


def rate_tables_by_recency() -> QuerySet[RateTable]:
    """Rate tables, the current one first: the latest `date` wins, whenever it was imported
    (ties: the latest imported, then the latest created)."""
    return RateTable.objects.order_by("-date", "-imported_at", "-id")


def rate_tables_current() -> dict[str, RateTable]:
    """The current table of each base currency (the one with its latest date), by base."""
    current: dict[str, RateTable] = {}
    for table in rate_tables_by_recency():
        current.setdefault(table.base, table)
    return current


def rates_current() -> Rates | None:
    """The rates quotes use: the table with the latest date (see `rate_tables_by_recency`), or
    None before any import."""
    return _rates.get()[0]


# --- The ledger and payments ------------------------------------------------------------------


def trial_balance() -> dict[str, Decimal]:
    """The sum of every posting, per currency: zero in each, always (docs/payments.md)."""
    rows = Posting.objects.values("currency").annotate(total=Sum("amount")).order_by("currency")
    return {row["currency"]: _exact(row["total"], row["currency"]) for row in rows}


def account_balances(
    *, code: str | None = None, codes: Iterable[str] | None = None
) -> dict[tuple[str, str], Decimal]:
    """Balances derived from postings, by (account code, currency); one account's with `code`,
    those of `codes` with them."""
    postings = Posting.objects.all()
    if code is not None:
        postings = postings.filter(account__code=code)
    if codes is not None:
        postings = postings.filter(account__code__in=list(codes))
    rows = (
        postings.values("account__code", "currency")
        .annotate(total=Sum("amount"))
        .order_by("account__code", "currency")
    )
    return {
        (row["account__code"], row["currency"]): _exact(row["total"], row["currency"])
        for row in rows
    }


def _exact(total: Decimal | None, currency: str) -> Decimal:
    # SQLite's SUM adds decimals as floats (0.10 + 0.20 - 0.20 - 0.10 is 2.8e-17 there). Every
    # posting is a whole number of minor units, so rounding the sum to one gives it back exactly.
    return quantize(total or Decimal(0), currency)


def ledger_entries(*, reference: str) -> list[Entry]:
    """The entries of `reference`, with the reversals of them (and of those), oldest first."""
    entries = list(Entry.objects.filter(reference=reference))
    frontier = [e.pk for e in entries]
    while frontier:
        reversals = list(Entry.objects.filter(reverses_id__in=frontier))
        entries.extend(reversals)
        frontier = [e.pk for e in reversals]
    return sorted(entries, key=lambda e: e.pk)


def money_trail(*, reference: str) -> Trail:
    """What the buyer paid for `reference` and where it went (ledger.trail), with the postings."""
    ids = [e.pk for e in ledger_entries(reference=reference)]
    postings = (
        Posting.objects.filter(entry_id__in=ids)
        .select_related("entry", "account")
        .order_by("entry_id", "id")
    )
    return ledger.trail(
        PostingLine(
            entry=p.entry_id,
            kind=p.entry.kind,
            account=p.account.code,
            currency=p.currency,
            amount=p.amount,
            reverses=p.entry.reverses_id,
            reference=p.entry.reference,
        )
        for p in postings
    )


def payment_captured(*, reference: str) -> Payment | None:
    """The captured payment of `reference`, if it has one."""
    return Payment.objects.filter(reference=reference, status=Payment.Status.CAPTURED).first()


# A posting as a money trail reads it (PostingLine's fields after the entry and posting ids).
_TRAIL_COLUMNS = (
    "entry_id",
    "id",
    "entry__kind",
    "account__code",
    "currency",
    "amount",
    "entry__reverses_id",
    "entry__reference",
)


def money_trails(*, references: list[str]) -> dict[str, Trail]:
    """The money trail of each of `references` (as `money_trail`), in a few queries."""
    rows = list(
        Posting.objects.filter(entry__reference__in=references)
        .order_by("entry_id", "id")
        .values_list(*_TRAIL_COLUMNS)
    )
    owner = {row[0]: row[7] for row in rows}
    frontier = list(owner)
    while frontier:  # reversals (reference "entry:<pk>") belong to the reference they reverse
        reversal_rows = list(
            Posting.objects.filter(entry__reverses_id__in=frontier)
            .order_by("entry_id", "id")
            .values_list(*_TRAIL_COLUMNS)
        )
        for row in reversal_rows:
            owner[row[0]] = owner[row[6]]
        rows.extend(reversal_rows)
        frontier = sorted({row[0] for row in reversal_rows})
    lines: dict[str, list[PostingLine]] = {reference: [] for reference in references}
    for entry, _, kind, account, currency, amount, reverses, reference in sorted(rows):
        lines[owner[entry]].append(
            PostingLine(
                entry=entry,
                kind=kind,
                account=account,
                currency=currency,
                amount=amount,
                reverses=reverses,
                reference=reference,
            )
        )
    return {reference: ledger.trail(found) for reference, found in lines.items()}


def settlements_iter(*, chunk: int = 1000) -> Iterator[list[Settlement]]:
    """Every settlement, oldest first, `chunk` at a time."""
    last = 0
    while True:
        batch = list(Settlement.objects.filter(pk__gt=last).order_by("pk")[:chunk])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def payouts_differences() -> tuple[int, list[str]]:
    """How many payouts there are, and every one whose settlements do not add up to its amount
    or whose ledger entry did not pay that amount out of the seller's payable."""
    summed = {
        row["payout"]: row["total"]
        for row in Settlement.objects.values("payout").annotate(total=Sum("payout_amount"))
    }
    paid_out = {
        row["entry__reference"]: row["total"]
        for row in Posting.objects.filter(
            entry__kind=ledger.PAYOUT, account__kind=ledger.KIND_SELLER_PAYABLE
        )
        .values("entry__reference")
        .annotate(total=Sum("amount"))
    }
    problems: list[str] = []
    count = 0
    for payout in Payout.objects.order_by("pk").only("id", "amount", "currency", "seller"):
        count += 1
        orders = _exact(summed.get(payout.pk), payout.currency)
        if orders != payout.amount:
            problems.append(
                f"payout {payout.pk}: its orders add up to {orders}, it paid {payout.amount} "
                f"{payout.currency}."
            )
        entry = _exact(paid_out.get(payout.reference), payout.currency)
        if entry != payout.amount:
            problems.append(
                f"payout {payout.pk}: its ledger entry paid {entry} {payout.currency} out of "
                f"seller {payout.seller}'s payable, not {payout.amount}."
            )
    return count, problems


def seller_payables_open() -> dict[tuple[str, str], Decimal]:
    """Seller payables that are not zero, by (account, currency): money released to a seller
    and not paid out (settlement pays every release out in the same transaction)."""
    rows = (
        Posting.objects.filter(account__kind=ledger.KIND_SELLER_PAYABLE)
        .values("account__code", "currency")
        .annotate(total=Sum("amount"))
    )
    found = {
        (row["account__code"], row["currency"]): _exact(row["total"], row["currency"])
        for row in rows
    }
    return {key: total for key, total in found.items() if total != 0}


# --- Payouts, as their seller and the hubs read them ------------------------------------------


def payouts_of_seller(*, seller: int) -> QuerySet[Payout]:
    """The payouts of one seller (the marketplace's seller profile id), newest first."""
    return Payout.objects.filter(seller=seller).order_by("-created", "-id")


def payout_settlements(*, payouts: Iterable[int]) -> dict[int, list[Settlement]]:
    """The settlements of each of `payouts` (ids), oldest first, by payout id."""
    ids = list(payouts)
    found: dict[int, list[Settlement]] = {pk: [] for pk in ids}
    for settlement in Settlement.objects.filter(payout_id__in=ids).order_by("id"):
        found[settlement.payout_id].append(settlement)
    return found


def settlement_of(*, reference: str) -> Settlement | None:
    """How `reference` was settled (with its payout), or None while it is not."""
    return Settlement.objects.filter(reference=reference).select_related("payout").first()


HUB_ACCOUNT_ENTRIES = 10


@dataclass(frozen=True)
class HubAccountLine:
    """One posting on a hub's account: `amount` as the account's owner reads it (a credit, what
    the hub owes the authority or the carriers, is positive)."""

    at: datetime
    entry: int
    kind: str
    reference: str
    account: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class HubAccounts:
    """A hub's customs and logistics accounts: what each owes per currency (a credit balance
    shown positive), by account code, and the latest postings on any of them, newest first."""

    owed: dict[str, dict[str, Decimal]]
    latest: list[HubAccountLine]


def hub_accounts(*, hub: str, latest: int = HUB_ACCOUNT_ENTRIES) -> HubAccounts:
    """The duty, tax and logistics accounts of the hub whose code is `hub`."""
    codes = [
        ledger.hub_duty_account(hub),
        ledger.hub_tax_account(hub),
        ledger.hub_logistics_account(hub),
    ]
    owed: dict[str, dict[str, Decimal]] = {code: {} for code in codes}
    for (code, currency), balance in account_balances(codes=codes).items():
        owed[code][currency] = -balance
    postings = (
        Posting.objects.filter(account__code__in=codes)
        .select_related("entry", "account")
        .order_by("-entry_id", "-id")[:latest]
    )
    return HubAccounts(
        owed=owed,
        latest=[
            HubAccountLine(
                at=p.entry.created,
                entry=p.entry_id,
                kind=p.entry.get_kind_display(),
                reference=p.entry.reference,
                account=p.account.code,
                currency=p.currency,
                amount=-p.amount,
            )
            for p in postings
        ],
    )

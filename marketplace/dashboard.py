"""The figures of a hub's dashboard (admin, docs/dashboard.md): orders through the hub per day,
customs clearance times, the review queue, duties and taxes collected, payouts to sellers.

Reads only, each figure one function of a few aggregate queries returning plain dataclasses.
Days are UTC days (the time zone of every hub's figures). The clearance and queue percentiles
are the one place rows come back to Python: `percentile` over the period's durations, the same
code on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat, TruncDate

from customs.models import Declaration, DeclarationEvent
from ehubs.models import Hub
from marketplace.models import Order, OrderEvent
from marketplace.models.orders import ORDER_PREFIX
from payments.ledger_codes import (
    KIND_SELLER_PAYABLE,
    PLATFORM_FEES,
    RELEASE,
    hub_duty_account,
    hub_tax_account,
)
from payments.models import Entry, Posting
from payments.money import quantize

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30

_S = Order.Status
_D = Declaration.Status
_K = DeclarationEvent.Kind


# --- The period --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The last `days` UTC days, today included: from midnight of the first to `end` (now)."""

    days: int
    start: datetime
    end: datetime

    @property
    def dates(self) -> list[date]:
        first = self.start.date()
        return [first + timedelta(days=n) for n in range(self.days)]


def period_days(value: str | None) -> int:
    """The period a request asks for (`?days=7`): one of PERIODS, else the default."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and int(text) in PERIODS:
        return int(text)
    return DEFAULT_PERIOD


def period_ending(*, days: int, now: datetime) -> Period:
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    return Period(
        days=days, start=datetime(first.year, first.month, first.day, tzinfo=UTC), end=now
    )


# --- Percentiles -------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q` quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between the two nearest
    ranks, as PostgreSQL's `percentile_cont` and NumPy's default do: rank q·(n − 1) of the sorted
    values. None for no values; the value itself for one."""
    if not 0 <= q <= 1:
        raise ValueError(f"A quantile is between 0 and 1, not {q}.")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- 1. Orders through the hub per day ---------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class OrdersPerDay:
    days: tuple[DayCount, ...]
    total: int


def orders_through(*, hub: Hub) -> QuerySet[Order]:
    """Orders whose frozen route passes `hub` and that were paid: not awaiting payment, and not
    cancelled before a payment (a paid order that is cancelled becomes `refunded`; the timeline
    decides for any cancelled one)."""
    was_paid = Exists(OrderEvent.objects.filter(order_id=OuterRef("pk"), status=_S.PAID))
    return (
        Order.objects.filter(hubs=hub)
        .exclude(status=_S.PENDING_PAYMENT)
        .filter(~Q(status=_S.CANCELLED) | Q(was_paid))
    )


def hub_orders_per_day(*, hub: Hub, period: Period) -> OrdersPerDay:
    """Paid orders through `hub` by UTC day of creation, every day of the period (zeros too)."""
    rows = (
        orders_through(hub=hub)
        .filter(created__gte=period.start, created__lte=period.end)
        .annotate(day=TruncDate("created", tzinfo=UTC))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    by_day = {row["day"]: row["count"] for row in rows}
    days = tuple(DayCount(day=day, count=by_day.get(day, 0)) for day in period.dates)
    return OrdersPerDay(days=days, total=sum(d.count for d in days))


# --- 2. Clearance times ------------------------------------------------------------------------


@dataclass(frozen=True)
class Durations:
    """How many decisions, and their p50 and p95 in seconds (None when there are none)."""

    count: int
    p50: float | None
    p95: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Durations:
        return cls(count=len(seconds), p50=percentile(seconds, 0.5), p95=percentile(seconds, 0.95))


@dataclass(frozen=True)
class ClearanceTimes:
    overall: Durations
    automatic: Durations  # cleared by the clearance job's screening
    reviewed: Durations  # approved or rejected by an officer


def hub_clearance_times(*, hub: Hub, period: Period) -> ClearanceTimes:
    """Time from submission to the decision of the declarations at `hub` decided (cleared or
    rejected) in the period. A declaration withdrawn because its order was cancelled was not
    decided by customs and is left out."""
    by_officer = DeclarationEvent.objects.filter(
        declaration_id=OuterRef("pk"), kind__in=[_K.APPROVED, _K.REJECTED]
    )
    withdrawn = DeclarationEvent.objects.filter(declaration_id=OuterRef("pk"), kind=_K.WITHDRAWN)
    rows = (
        Declaration.objects.filter(
            hub=hub,
            status__in=[_D.CLEARED, _D.REJECTED],
            decided_at__gte=period.start,
            decided_at__lte=period.end,
        )
        .filter(~Exists(withdrawn))
        .annotate(reviewed=Exists(by_officer))
        .values_list("submitted_at", "decided_at", "reviewed")
    )
    automatic: list[float] = []
    reviewed: list[float] = []
    for submitted, decided, was_reviewed in rows:
        if decided is not None:  # always, by the filter; the column may be empty
            (reviewed if was_reviewed else automatic).append((decided - submitted).total_seconds())
    return ClearanceTimes(
        overall=Durations.of(automatic + reviewed),
        automatic=Durations.of(automatic),
        reviewed=Durations.of(reviewed),
    )


# --- 3. The review queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    in_review: int
    held: int
    oldest: timedelta | None
    median_age: timedelta | None

    @property
    def size(self) -> int:
        return self.in_review + self.held


def hub_review_queue(*, hub: Hub, now: datetime) -> ReviewQueue:
    """The declarations at `hub` waiting for an officer (in review, or held with a question to
    the seller) now, and how long they have waited since submission."""
    rows = Declaration.objects.filter(hub=hub, status__in=[_D.REVIEW, _D.HELD]).values_list(
        "status", "submitted_at"
    )
    ages: list[float] = []
    held = 0
    for status, submitted in rows:
        held += status == _D.HELD
        ages.append((now - submitted).total_seconds())
    median = percentile(ages, 0.5)
    return ReviewQueue(
        in_review=len(ages) - held,
        held=held,
        oldest=timedelta(seconds=max(ages)) if ages else None,
        median_age=timedelta(seconds=median) if median is not None else None,
    )


# --- 4. Duties and taxes collected -------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    """Duty and tax credited to the hub's customs accounts in one currency (positive)."""

    currency: str
    duty_period: Decimal
    tax_period: Decimal
    duty_all: Decimal
    tax_all: Decimal


def hub_customs_collected(*, hub: Hub, period: Period) -> list[Collected]:
    """The credit balances of `hub:<CODE>:duty` and `hub:<CODE>:tax`, in the period and in all,
    per currency (by currency code). Empty until settlement has credited them."""
    duty, tax = hub_duty_account(hub.code), hub_tax_account(hub.code)
    rows = (
        Posting.objects.filter(account__code__in=[duty, tax])
        .values("account__code", "currency")
        .annotate(
            all=Sum("amount"),
            period=Sum("amount", filter=_in(period, "entry__created")),
        )
        .order_by()
    )
    sums = _credits_by_currency(rows, lambda row: "duty" if row["account__code"] == duty else "tax")
    return [
        Collected(
            currency=currency,
            duty_period=got["duty_period"],
            tax_period=got["tax_period"],
            duty_all=got["duty_all"],
            tax_all=got["tax_all"],
        )
        for currency, got in sums.items()
    ]


# --- 5. Payouts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Released:
    """Money released to sellers and the platform fee, in one currency (positive)."""

    currency: str
    sellers_period: Decimal
    sellers_all: Decimal
    fees_period: Decimal
    fees_all: Decimal


@dataclass(frozen=True)
class Payouts:
    settled_period: int
    settled_all: int
    released: tuple[Released, ...]


def hub_payouts(*, hub: Hub, period: Period) -> Payouts:
    """The settled orders through `hub` and what their `release` entries (reference
    `order:<id>`, one per order, not reversed) credited to sellers and to `platform:fees`; the
    period is the entry's date."""
    references = (
        Order.objects.filter(hubs=hub, status=_S.SETTLED)
        .annotate(
            ref=Concat(Value(ORDER_PREFIX), Cast("pk", CharField()), output_field=CharField())
        )
        .values("ref")
    )
    entries = Entry.objects.filter(kind=RELEASE, reference__in=references).filter(
        ~Exists(Entry.objects.filter(reverses_id=OuterRef("pk")))
    )
    counts = entries.aggregate(all=Count("pk"), period=Count("pk", filter=_in(period, "created")))
    rows = (
        Posting.objects.filter(entry__in=entries)
        .filter(Q(account__kind=KIND_SELLER_PAYABLE) | Q(account__code=PLATFORM_FEES))
        .values("account__kind", "currency")
        .annotate(all=Sum("amount"), period=Sum("amount", filter=_in(period, "entry__created")))
        .order_by()
    )
    sums = _credits_by_currency(
        rows, lambda row: "sellers" if row["account__kind"] == KIND_SELLER_PAYABLE else "fees"
    )
    released = tuple(
        Released(
            currency=currency,
            sellers_period=got["sellers_period"],
            sellers_all=got["sellers_all"],
            fees_period=got["fees_period"],
            fees_all=got["fees_all"],
        )
        for currency, got in sums.items()
    )
    return Payouts(settled_period=counts["period"], settled_all=counts["all"], released=released)


# --- The whole page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HubDashboard:
    hub: Hub
    period: Period
    orders: OrdersPerDay
    clearance: ClearanceTimes
    queue: ReviewQueue
    collected: list[Collected]
    payouts: Payouts


def hub_dashboard(*, hub: Hub, period: Period) -> HubDashboard:
    return HubDashboard(
        hub=hub,
        period=period,
        orders=hub_orders_per_day(hub=hub, period=period),
        clearance=hub_clearance_times(hub=hub, period=period),
        queue=hub_review_queue(hub=hub, now=period.end),
        collected=hub_customs_collected(hub=hub, period=period),
        payouts=hub_payouts(hub=hub, period=period),
    )


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _credits_by_currency(
    rows: Iterable[dict[str, Any]], name: Callable[[dict[str, Any]], str]
) -> dict[str, defaultdict[str, Decimal]]:
    """Rows of sums (`all`, `period`) by currency and account → per currency (sorted), the
    credits as positive amounts under "<name>_all" and "<name>_period"; absent ones are 0."""
    sums: dict[str, defaultdict[str, Decimal]] = {}
    for row in rows:
        currency = row["currency"]
        got = sums.setdefault(currency, defaultdict(Decimal))
        got[f"{name(row)}_all"] = _credit(row["all"], currency)
        got[f"{name(row)}_period"] = _credit(row["period"], currency)
    return dict(sorted(sums.items()))


def _credit(total: Decimal | None, currency: str) -> Decimal:
    # A credit balance is negative in the ledger; shown as what was collected. SQLite sums
    # decimals as floats: every posting is whole minor units, so rounding gives the sum back.
    return quantize(-(total or Decimal(0)), currency) + 0

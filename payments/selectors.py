"""Reads for payments: the FX rates quotes use (cached per process), and which table is current."""

from __future__ import annotations

from django.db.models import QuerySet

from ewtp.datacache import VersionedCache
from payments.fx import Rates
from payments.models import FxRate, RateTable


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

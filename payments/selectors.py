"""Reads for payments: the FX rates quotes use (cached per process)."""

from __future__ import annotations

from ewtp.datacache import VersionedCache
from payments.fx import Rates
from payments.models import FxRate, RateTable


def _rates_build() -> tuple[Rates | None]:
    # Boxed in a tuple: VersionedCache rebuilds a None value on every call.
    table = RateTable.objects.order_by("-imported_at", "-id").first()
    if table is None:
        return (None,)
    rates = dict(FxRate.objects.filter(table=table).values_list("currency", "rate"))
    return (Rates(base=table.base, rates=rates, date=table.date),)


_rates = VersionedCache("rates", _rates_build)


def rates_current() -> Rates | None:
    """The most recently imported table (ties: the latest created), or None before any import."""
    return _rates.get()[0]

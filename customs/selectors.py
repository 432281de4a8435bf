"""Reads of tariff data: the cached rule index the landed-cost engine uses, and operator scoping."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from customs.models import TariffRow
from customs.tariff import TariffIndex, TariffRule
from customs.validation import COLUMNS
from ehubs.selectors import operator_countries
from ewtp.datacache import VersionedCache


def _tariff_index_build() -> TariffIndex:
    # TariffRule's fields are the CSV columns then id, in that order: positional is fastest.
    rows = TariffRow.objects.order_by().values_list(*COLUMNS, "id").iterator(chunk_size=5000)
    return TariffIndex(TariffRule(*row) for row in rows)


_TARIFF_INDEX: VersionedCache[TariffIndex] = VersionedCache("tariff", _tariff_index_build)


def tariff_index_current() -> TariffIndex:
    """Every tariff row as a TariffIndex, rebuilt only after a row changed (`bump("tariff")`)."""
    return _TARIFF_INDEX.get()


def tariff_destinations_for(*, user: AbstractBaseUser | AnonymousUser) -> frozenset[str] | None:
    """The destinations whose rows `user` may manage: None (all) for a superuser, else the
    countries served by the hubs the user operates (empty when none)."""
    return operator_countries(user=user)


def tariff_rows_for(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[TariffRow]:
    """The tariff rows `user` may see and edit in admin."""
    destinations = tariff_destinations_for(user=user)
    rows = TariffRow.objects.all()
    return rows if destinations is None else rows.filter(destination__in=destinations)

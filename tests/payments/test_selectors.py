from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from payments.models import FxRate, RateTable
from payments.selectors import rates_current
from payments.services import rates_import

pytestmark = pytest.mark.django_db


def _doc(day: str, eur: str) -> dict[str, Any]:
    return {"base": "USD", "date": day, "rates": {"EUR": eur, "CNY": "7.12"}}


def test_no_rates_before_any_import() -> None:
    assert rates_current() is None


def test_the_table_with_the_latest_date_is_used_not_the_last_imported() -> None:
    rates_import(data=_doc("2026-11-20", "0.8650"))
    rates_import(data=_doc("2026-11-10", "0.9000"))  # an older date, imported later

    rates = rates_current()

    assert rates is not None
    assert (rates.base, rates.date, rates.rate("EUR")) == (
        "USD",
        date(2026, 11, 20),
        Decimal("0.865"),
    )


def test_changing_an_older_table_does_not_make_it_current() -> None:
    rates_import(data=_doc("2026-11-20", "0.8650"))
    rates_import(data=_doc("2026-11-10", "0.9000"))
    rates_import(data=_doc("2026-11-10", "0.9100"))  # the older table changes, later still

    rates = rates_current()

    assert rates is not None and rates.date == date(2026, 11, 20)


def test_the_latest_date_wins_over_a_later_import_time() -> None:
    rates_import(data=_doc("2026-11-23", "0.8650"))
    rates_import(data=_doc("2026-11-24", "0.8700"))
    RateTable.objects.filter(date=date(2026, 11, 24)).update(
        imported_at=timezone.now() - timedelta(days=3)
    )

    rates = rates_current()

    assert rates is not None and rates.date == date(2026, 11, 24)


def test_rates_are_cached_until_a_new_import(django_assert_num_queries: Any) -> None:
    rates_import(data=_doc("2026-11-23", "0.8650"))
    first = rates_current()
    with django_assert_num_queries(0):
        assert rates_current() is first

    rates_import(data=_doc("2026-11-23", "0.8800"))

    rates = rates_current()
    assert rates is not None and rates.rate("EUR") == Decimal("0.88")


def test_reimporting_unchanged_rates_keeps_the_cache(django_assert_num_queries: Any) -> None:
    rates_import(data=_doc("2026-11-23", "0.8650"))
    first = rates_current()

    rates_import(data=_doc("2026-11-23", "0.8650"))

    with django_assert_num_queries(0):
        assert rates_current() is first


def test_an_edit_outside_the_import_invalidates_the_cache() -> None:
    rates_import(data=_doc("2026-11-23", "0.8650"))
    assert rates_current() is not None

    FxRate.objects.filter(currency="EUR").get().delete()  # as an admin edit would

    rates = rates_current()
    assert rates is not None and not rates.has("EUR")

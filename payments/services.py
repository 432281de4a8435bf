"""Writes for payments: importing a table of FX rates (docs/DATA_FORMATS.md, import_rates).

The whole document is validated first; every problem is reported with its location
(`rates.EUR: …`) and nothing is written if there is any. A file upserts the table of its
(base, date), whose rates become exactly the file's; the base's own rate (1) is implied, not
stored. `imported_at` moves only when the table's rates changed, so re-importing a file changes
nothing. Quotes use the table with the latest date (`payments.selectors.rates_current`), so a
file dated more than a day ahead (UTC) is refused: it would otherwise stay current for months.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ewtp.codes import is_currency
from ewtp.datacache import bump
from ewtp.imports import ImportFileError, Tally, decimal_parse
from payments.ledger_services import entry_reverse, ledger_post
from payments.models import FxRate, RateTable
from payments.payment_services import (
    PaymentDeclined,
    PaymentFailed,
    payment_refund,
    payment_take,
    provider_get,
)

# The ledger and payment services live in their own modules; they are importable from here too.
__all__ = [
    "PaymentDeclined",
    "PaymentFailed",
    "RatesDocument",
    "RatesImportSummary",
    "entry_reverse",
    "ledger_post",
    "payment_refund",
    "payment_take",
    "provider_get",
    "rates_document_check",
    "rates_import",
]

# FxRate.rate is DecimalField(max_digits=24, decimal_places=10).
RATE_WHOLE_DIGITS, RATE_PLACES = 14, 10
FIELDS = ("base", "date", "rates")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class RatesDocument:
    base: str
    date: date
    rates: dict[str, Decimal]  # without the base


@dataclass(frozen=True)
class RatesImportSummary:
    base: str
    date: date
    table_created: bool
    rates: Tally

    @property
    def changed(self) -> bool:
        return self.table_created or self.rates.changed

    def __str__(self) -> str:
        state = "created" if self.table_created else "updated" if self.changed else "unchanged"
        return f"Rate table {self.base} {self.date.isoformat()}: {state}; rates: {self.rates}"


def rates_document_check(
    data: object, *, today: date | None = None
) -> tuple[RatesDocument | None, list[str]]:
    """Validate the whole rates document; returns it parsed (None if invalid) and every problem.
    `today` (default: today in UTC) bounds the date: at most one day after it."""
    errors: list[str] = []
    today = today or datetime.now(UTC).date()
    if not isinstance(data, dict):
        return None, ['(file): must be a JSON object {"base", "date", "rates"}']
    for key in data:
        if key not in FIELDS:
            errors.append(f"{key}: unknown key; expected {', '.join(FIELDS)}")
    for key in FIELDS:
        if data.get(key) is None:
            errors.append(f"{key}: {'required' if key not in data else 'must not be null'}")

    base = data.get("base")
    if base is not None and not is_currency(base):
        errors.append(f"base: {base!r} is not an ISO 4217 currency code")
        base = None

    day: date | None = None
    raw_date = data.get("date")
    if raw_date is not None:
        try:
            if not isinstance(raw_date, str) or not _ISO_DATE.match(raw_date):
                raise ValueError
            day = date.fromisoformat(raw_date)
        except ValueError:
            errors.append(f"date: {raw_date!r} is not an ISO date (YYYY-MM-DD)")
        if day is not None and day > today + timedelta(days=1):
            errors.append(
                f"date: {day.isoformat()} is more than a day in the future; the latest date "
                f"becomes the current table, so date a file by the day its rates are for "
                f"(today is {today.isoformat()}, UTC)"
            )
            day = None

    rates: dict[str, Decimal] = {}
    raw_rates = data.get("rates")
    if raw_rates is not None and not isinstance(raw_rates, dict):
        errors.append("rates: must be an object {CURRENCY: rate}")
    elif isinstance(raw_rates, dict):
        if not raw_rates:
            errors.append("rates: must list at least one currency")
        for currency, value in raw_rates.items():
            loc = f"rates.{currency}"
            if not is_currency(currency):
                errors.append(f"{loc}: {currency!r} is not an ISO 4217 currency code")
                continue
            try:
                rate = decimal_parse(
                    value, max_whole_digits=RATE_WHOLE_DIGITS, max_places=RATE_PLACES
                )
            except ValueError as exc:
                errors.append(f"{loc}: {exc}")
                continue
            if rate <= 0:
                errors.append(f"{loc}: {str(value)!r} must be greater than 0")
            elif currency == base:
                if rate != 1:
                    errors.append(f"{loc}: the base's own rate must be 1, not {str(value)!r}")
            else:
                rates[currency] = rate

    if errors or base is None or day is None:
        return None, errors
    return RatesDocument(base=base, date=day, rates=rates), errors


@transaction.atomic
def rates_import(*, data: object, progress: bool = False) -> RatesImportSummary:
    """Validate the whole rates document, then upsert the table of its (base, date) with exactly
    its rates. Raises ImportFileError listing every problem, having written nothing."""
    document, errors = rates_document_check(data)
    if document is None:
        raise ImportFileError(
            errors, summary=f"{len(errors)} problem(s) in the rates file; nothing was imported."
        )
    table = (
        RateTable.objects.select_for_update().filter(base=document.base, date=document.date).first()
    )
    table_created = table is None
    if table is None:
        table = RateTable.objects.create(
            base=document.base, date=document.date, imported_at=timezone.now()
        )
    have = {r.currency: r for r in table.rates.all()}
    new: list[FxRate] = []
    changed: list[FxRate] = []
    unchanged = 0
    rows = sorted(document.rates.items())
    # disable=None: tqdm turns itself off when stderr is not a terminal (pipes, CI, tests).
    for currency, rate in tqdm(
        rows, desc="Rates", file=sys.stderr, disable=None if progress else True
    ):
        row = have.get(currency)
        if row is None:
            new.append(FxRate(table=table, currency=currency, rate=rate))
        elif row.rate != rate:
            row.rate = rate
            changed.append(row)
        else:
            unchanged += 1
    gone = [r.pk for c, r in have.items() if c not in document.rates]
    # Bulk writes send no signals: the one bump below covers them.
    if gone:
        FxRate.objects.filter(pk__in=gone).delete()
    FxRate.objects.bulk_create(new)
    FxRate.objects.bulk_update(changed, ["rate"])
    summary = RatesImportSummary(
        base=document.base,
        date=document.date,
        table_created=table_created,
        rates=Tally(created=len(new), updated=len(changed), removed=len(gone), unchanged=unchanged),
    )
    if summary.changed:
        if not table_created:
            table.imported_at = timezone.now()
            table.save(update_fields=["imported_at"])
        bump("rates")
    return summary

"""The tariff row rules (DATA_FORMATS.md, `import_tariff`): the one place they are written.

`tariff_row_errors` checks a row of typed values (str, Decimal, date, int, None) and is what the
admin form runs; `tariff_row_parse` turns a CSV row's text cells into those values first and is
what `import_tariff` runs. Both return `{column: [message, ...]}`, empty when the row is good.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from customs.tariff import DUTY, KINDS, PROFILE, PROHIBITED, TAX
from ewtp.codes import COUNTRY_CODE_SET, CURRENCY_CODE_SET, MAX_DB_INT

COLUMNS: tuple[str, ...] = (
    "kind",
    "destination",
    "hs_prefix",
    "origin",
    "rate_percent",
    "per_unit",
    "currency",
    "valuation",
    "low_value_upto",
    "low_value_duty_per_subheading",
    "tax_free_upto",
    "sme_max_employees",
    "valid_from",
    "valid_to",
    "note",
)
# Re-importing a row with the same key updates it instead of adding another.
KEY_COLUMNS: tuple[str, ...] = (
    "kind",
    "destination",
    "hs_prefix",
    "origin",
    "sme_max_employees",
    "valid_from",
)
DATA_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in KEY_COLUMNS)

# Columns each kind may fill (kind and destination are always required); the rest stay empty.
KIND_COLUMNS: dict[str, frozenset[str]] = {
    PROFILE: frozenset(
        {
            "currency",
            "valuation",
            "low_value_upto",
            "low_value_duty_per_subheading",
            "tax_free_upto",
            "valid_from",
            "valid_to",
            "note",
        }
    ),
    DUTY: frozenset(
        {
            "hs_prefix",
            "origin",
            "rate_percent",
            "per_unit",
            "currency",
            "sme_max_employees",
            "valid_from",
            "valid_to",
            "note",
        }
    ),
    TAX: frozenset(
        {
            "hs_prefix",
            "origin",
            "rate_percent",
            "sme_max_employees",
            "valid_from",
            "valid_to",
            "note",
        }
    ),
    PROHIBITED: frozenset({"hs_prefix", "origin", "valid_from", "valid_to", "note"}),
}

# (max_digits, decimal_places) of the model's DecimalFields, so a good row always fits the table.
DECIMAL_COLUMNS: dict[str, tuple[int, int]] = {
    "rate_percent": (9, 4),
    "per_unit": (18, 6),
    "low_value_upto": (18, 6),
    "low_value_duty_per_subheading": (18, 6),
    "tax_free_upto": (18, 6),
}
DATE_COLUMNS = ("valid_from", "valid_to")
INTEGER_COLUMNS = ("sme_max_employees",)
MAX_RATE_PERCENT = Decimal(1000)
NOTE_MAX_LENGTH = 300
VALUATIONS = ("FOB", "CIF")

_HS_PREFIX = re.compile(r"[0-9]{0,10}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")

Errors = dict[str, list[str]]


def _empty(value: Any) -> bool:
    return value is None or value == ""


def tariff_row_key(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """The upsert key: (kind, destination, hs_prefix, origin, sme_max_employees, valid_from)."""
    return tuple(values.get(column) for column in KEY_COLUMNS)


def tariff_row_errors(values: Mapping[str, Any], *, skip: Collection[str] = ()) -> Errors:
    """Every rule a tariff row must meet, on typed values; `skip` names columns already known to
    be bad (unparsable), whose rules are not checked again and which count as filled."""
    errors: Errors = {}

    def add(column: str, message: str) -> None:
        if column not in skip:
            errors.setdefault(column, []).append(message)

    def filled(column: str) -> bool:
        return column in skip or not _empty(values.get(column))

    kind = values.get("kind") or ""
    if "kind" not in skip:
        if not kind:
            add("kind", "Required: one of profile, duty, tax, prohibited.")
        elif kind not in KINDS:
            add("kind", f"Unknown kind {kind!r}: use profile, duty, tax or prohibited.")

    destination = values.get("destination") or ""
    if not destination:
        add("destination", "Required: an ISO 3166-1 alpha-2 country code such as BE.")
    elif destination not in COUNTRY_CODE_SET:
        add("destination", f"{destination!r} is not an ISO 3166-1 alpha-2 country code.")

    origin = values.get("origin") or ""
    if origin and origin not in COUNTRY_CODE_SET:
        add("origin", f"{origin!r} is not an ISO 3166-1 alpha-2 country code (or leave it empty).")

    hs_prefix = values.get("hs_prefix") or ""
    if not _HS_PREFIX.fullmatch(hs_prefix):
        add("hs_prefix", f"{hs_prefix!r} is not an HS prefix: use 0 to 10 digits.")

    for column, (max_digits, places) in DECIMAL_COLUMNS.items():
        value = values.get(column)
        if column in skip or value is None:
            continue
        for message in _decimal_problems(value, max_digits=max_digits, places=places):
            add(column, message)
    rate = values.get("rate_percent")
    if "rate_percent" not in skip and rate is not None and rate > MAX_RATE_PERCENT:
        add("rate_percent", f"Must be at most {MAX_RATE_PERCENT} (got {rate}).")

    currency = values.get("currency") or ""
    if currency and currency not in CURRENCY_CODE_SET:
        add("currency", f"{currency!r} is not an ISO 4217 currency code.")

    valuation = values.get("valuation") or ""
    if valuation and valuation not in VALUATIONS:
        add("valuation", f"{valuation!r} is not a valuation basis: use FOB or CIF.")

    employees = values.get("sme_max_employees")
    if "sme_max_employees" not in skip and employees is not None:
        if employees < 0:
            add("sme_max_employees", f"Must be 0 or more (got {employees}).")
        elif employees > MAX_DB_INT:
            add("sme_max_employees", f"Too large: at most {MAX_DB_INT}.")

    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if isinstance(valid_from, date) and isinstance(valid_to, date) and valid_from >= valid_to:
        add("valid_to", f"Must be after valid_from ({valid_from.isoformat()}).")

    note = values.get("note") or ""
    if len(note) > NOTE_MAX_LENGTH:
        add("note", f"At most {NOTE_MAX_LENGTH} characters (got {len(note)}).")

    if kind in KIND_COLUMNS and "kind" not in skip:
        _kind_rules(kind, add, filled)
    return errors


def _kind_rules(kind: str, add: Callable[[str, str], None], filled: Callable[[str], bool]) -> None:
    """Which columns the kind uses, and the ones it needs."""
    used = KIND_COLUMNS[kind]
    for column in COLUMNS:
        if column not in ("kind", "destination") and column not in used and filled(column):
            add(column, f"Not used by {kind} rows: leave it empty.")
    if kind == PROFILE:
        if not filled("currency"):
            add("currency", "Required for a profile: the customs currency (ISO 4217).")
        if not filled("valuation"):
            add("valuation", "Required for a profile: FOB or CIF.")
    elif kind == DUTY:
        if filled("per_unit") and not filled("currency"):
            add("currency", "Required with per_unit: the currency of the per-unit amount.")
        if filled("currency") and not filled("per_unit"):
            add(
                "currency", "Only used with per_unit on a duty row: set per_unit or leave it empty."
            )
        if not filled("rate_percent") and not filled("per_unit"):
            add("rate_percent", "Required for a duty row (may be empty only when per_unit is set).")
    elif kind == TAX and not filled("rate_percent"):
        add("rate_percent", "Required for a tax row.")


def _decimal_problems(value: Decimal, *, max_digits: int, places: int) -> list[str]:
    if not value.is_finite():
        return [f"{value} is not a number."]
    problems = []
    if value < 0:
        problems.append(f"Must be 0 or more (got {value}).")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if abs(value) >= Decimal(10) ** (max_digits - places):
        problems.append(f"Too large: at most {max_digits - places} digits before the point.")
    elif -exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        problems.append(f"At most {places} decimal places (got {value}).")
    return problems


def tariff_row_parse(raw: Mapping[str, str | None]) -> tuple[dict[str, Any], Errors]:
    """A CSV row's cells (text; missing or empty = not set; surrounding spaces ignored) to typed
    values, and every problem with them: the cell syntax first, then `tariff_row_errors`."""
    values: dict[str, Any] = {}
    errors: Errors = {}
    for column in COLUMNS:
        text = (raw.get(column) or "").strip()
        if "\x00" in text:
            # PostgreSQL cannot store NUL in text; SQLite would. Refused on every database.
            errors[column] = ["Contains a NUL character (\\x00), which no cell may hold."]
            values[column] = None
        elif column in DECIMAL_COLUMNS:
            values[column] = _parse(text, _DECIMAL, Decimal, column, errors, "a decimal number")
        elif column in DATE_COLUMNS:
            values[column] = _parse(
                text, _DATE, date.fromisoformat, column, errors, "an ISO 8601 date (YYYY-MM-DD)"
            )
        elif column in INTEGER_COLUMNS:
            values[column] = _parse(text, _INTEGER, int, column, errors, "a whole number")
        else:
            values[column] = text
    for column, messages in tariff_row_errors(values, skip=errors.keys()).items():
        errors.setdefault(column, []).extend(messages)
    return values, {column: errors[column] for column in COLUMNS if column in errors}


def _parse(
    text: str, pattern: re.Pattern[str], convert: Any, column: str, errors: Errors, what: str
) -> Any:
    if not text:
        return None
    if pattern.fullmatch(text):
        try:
            return convert(text)
        except (ValueError, InvalidOperation):
            pass
    errors[column] = [f"{text!r} is not {what}."]
    return None


def tariff_cell(value: Any) -> str:
    """A typed value as its CSV cell, so an exported file imports back unchanged."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

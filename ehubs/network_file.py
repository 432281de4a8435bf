"""Reading the hub network file (docs/DATA_FORMATS.md, import_network): pure, no ORM.

`network_document_check` validates the whole document against itself and a snapshot of the
database (the hub codes there, which hub serves each country) and returns the parsed rows with
every problem as "location: message" (`hubs[2].country: …`, indices from 0).

Amounts (`base_fee`, `per_kg`) are decimal strings. JSON numbers are accepted when they arrive as
exact decimals (`ewtp.imports.json_file_load` parses them as `Decimal`); Python floats are
refused.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ewtp.codes import MAX_DB_INT, is_country, is_currency
from ewtp.imports import decimal_parse

CODE_PATTERN = re.compile(r"^[A-Z0-9]{2,10}$")
FEE_WHOLE_DIGITS, FEE_PLACES = 10, 4  # Corridor fees: DecimalField(max_digits=14, decimal_places=4)

HUB_FIELDS = ("code", "name", "country", "city", "currency", "serves")
CORRIDOR_FIELDS = ("from", "to", "transit_days", "currency", "base_fee", "per_kg")
UNION_FIELDS = ("code", "members")
TOP_LEVEL = ("hubs", "corridors", "customs_unions")


@dataclass(frozen=True)
class HubRow:
    code: str
    name: str
    country: str
    city: str
    currency: str
    serves: tuple[str, ...]


@dataclass(frozen=True)
class CorridorRow:
    from_code: str
    to_code: str
    transit_days: int
    currency: str
    base_fee: Decimal
    per_kg: Decimal


@dataclass(frozen=True)
class UnionRow:
    code: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class NetworkDocument:
    hubs: list[HubRow]
    corridors: list[CorridorRow]
    unions: list[UnionRow]


class _Checker:
    """Collects every problem of one document; reads only the snapshot it is given."""

    def __init__(
        self,
        *,
        db_hub_codes: set[str],
        db_served: Mapping[str, str],
        db_unions: Mapping[str, str],
    ) -> None:
        self.errors: list[str] = []
        self.db_hub_codes = db_hub_codes
        self.db_served = db_served  # country -> code of the hub serving it now
        self.db_unions = db_unions  # country -> code of the customs union it belongs to now

    def error(self, location: str, message: str) -> None:
        self.errors.append(f"{location}: {message}")

    def items(
        self, doc: dict[str, object], key: str, fields: tuple[str, ...]
    ) -> list[dict[str, object]]:
        """The objects listed under `key` (`{}` for a non-object, already reported); reports
        unknown, missing and null fields."""
        value = doc.get(key, [])
        if not isinstance(value, list):
            self.error(key, f"must be a list, not {_json_type(value)}")
            return []
        objects: list[dict[str, object]] = []
        for i, item in enumerate(value):
            loc = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.error(loc, f"must be an object, not {_json_type(item)}")
                objects.append({})
                continue
            for name in item:
                if name not in fields:
                    self.error(f"{loc}.{name}", f"unknown field; expected {', '.join(fields)}")
            for name in fields:
                if item.get(name) is None:
                    self.error(
                        f"{loc}.{name}", "required" if name not in item else "must not be null"
                    )
            objects.append(item)
        return objects

    def code(self, loc: str, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not CODE_PATTERN.match(value):
            self.error(loc, f"{value!r} must be 2–10 capital letters or digits")
            return None
        return value

    def text(self, loc: str, value: object, max_length: int) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(loc, "must be a non-empty string")
            return None
        if "\x00" in value:  # PostgreSQL cannot store it; refused on every database
            self.error(loc, "contains a NUL character (\\u0000), which text may not hold")
            return None
        if len(value.strip()) > max_length:
            self.error(loc, f"is longer than {max_length} characters")
            return None
        return value.strip()

    def country(self, loc: str, value: object) -> str | None:
        if value is None:
            return None
        if not is_country(value):
            self.error(loc, f"{value!r} is not an ISO 3166-1 alpha-2 country code")
            return None
        return str(value)

    def currency(self, loc: str, value: object) -> str | None:
        if value is None:
            return None
        if not is_currency(value):
            self.error(loc, f"{value!r} is not an ISO 4217 currency code")
            return None
        return str(value)

    def countries(self, loc: str, value: object) -> list[tuple[str, str]] | None:
        """(location, code) of each valid, distinct country in the list."""
        if value is None:
            return None
        if not isinstance(value, list):
            self.error(loc, f"must be a list of country codes, not {_json_type(value)}")
            return None
        seen: dict[str, int] = {}
        result: list[tuple[str, str]] = []
        for j, item in enumerate(value):
            code = self.country(f"{loc}[{j}]", item)
            if code is None:
                continue
            if code in seen:
                self.error(f"{loc}[{j}]", f"{code!r} is listed twice (also at {loc}[{seen[code]}])")
                continue
            seen[code] = j
            result.append((f"{loc}[{j}]", code))
        return result

    def fee(self, loc: str, value: object) -> Decimal | None:
        if value is None:
            return None
        try:
            amount = decimal_parse(value, max_whole_digits=FEE_WHOLE_DIGITS, max_places=FEE_PLACES)
        except ValueError as exc:
            self.error(loc, str(exc))
            return None
        if amount < 0:
            self.error(loc, f"{str(value)!r} must be ≥ 0")
            return None
        return amount

    def days(self, loc: str, value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DB_INT:
            self.error(loc, f"{_show(value)} must be a whole number of days ≥ 0")
            return None
        return value


def network_document_check(
    data: object,
    *,
    db_hub_codes: set[str],
    db_served: Mapping[str, str],
    db_unions: Mapping[str, str] | None = None,
) -> tuple[NetworkDocument, list[str]]:
    """Validate the whole document against itself and a snapshot of the database: the codes of
    the hubs there, which hub serves each country and which customs union each country belongs
    to. Returns the parsed rows and every problem."""
    check = _Checker(db_hub_codes=db_hub_codes, db_served=db_served, db_unions=db_unions or {})
    document = NetworkDocument(hubs=[], corridors=[], unions=[])
    if not isinstance(data, dict):
        check.error("(file)", 'must be a JSON object with "hubs" and "corridors" lists')
        return document, check.errors
    for key in data:
        if key not in TOP_LEVEL:
            check.error(str(key), f"unknown key; expected {', '.join(TOP_LEVEL)}")
    for key in ("hubs", "corridors"):
        if key not in data:
            check.error(key, "required (a list, possibly empty)")

    file_codes = _hubs_check(check, document, check.items(data, "hubs", HUB_FIELDS))
    _corridors_check(check, document, check.items(data, "corridors", CORRIDOR_FIELDS), file_codes)
    _unions_check(check, document, check.items(data, "customs_unions", UNION_FIELDS))
    return document, check.errors


def _hubs_check(
    check: _Checker, document: NetworkDocument, items: list[dict[str, object]]
) -> set[str]:
    """Check the hubs; returns every well-formed code the file declares."""
    code_at: dict[str, int] = {}
    for i, item in enumerate(items):
        code = check.code(f"hubs[{i}].code", item.get("code"))
        if code is not None:
            if code in code_at:
                check.error(f"hubs[{i}].code", f"{code!r} is already used by hubs[{code_at[code]}]")
            else:
                code_at[code] = i
    declared = set(code_at)

    served_at: dict[str, tuple[str, str]] = {}  # country -> (location, hub code) in this file
    for i, item in enumerate(items):
        loc = f"hubs[{i}]"
        raw_code = item.get("code")
        code = raw_code if isinstance(raw_code, str) else None
        name = check.text(f"{loc}.name", item.get("name"), 200)
        city = check.text(f"{loc}.city", item.get("city"), 100)
        country = check.country(f"{loc}.country", item.get("country"))
        currency = check.currency(f"{loc}.currency", item.get("currency"))
        serves = check.countries(f"{loc}.serves", item.get("serves"))
        for where, served in serves or []:
            _claim_once(
                check,
                where,
                served,
                owner=(loc, str(code)),
                claimed=served_at,
                stored_holder=check.db_served.get(served),
                in_file=declared,
                twice=f"{served!r} is also served by {{other}}; a country is served by at most "
                "one hub",
                stored=f"{served!r} is already served by hub {{holder}}, which this file does not "
                f"declare; declare {{holder}} here without {served!r}, or remove it there",
            )
        if (
            code in code_at
            and code_at[code] == i
            and name is not None
            and city is not None
            and country is not None
            and currency is not None
            and serves is not None
        ):
            document.hubs.append(
                HubRow(
                    code=code,
                    name=name,
                    country=country,
                    city=city,
                    currency=currency,
                    serves=tuple(c for _, c in serves),
                )
            )
    return declared


def _corridors_check(
    check: _Checker, document: NetworkDocument, items: list[dict[str, object]], file_codes: set[str]
) -> None:
    known = file_codes | check.db_hub_codes
    pair_at: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        loc = f"corridors[{i}]"
        ends: list[str | None] = []
        for key in ("from", "to"):
            value = item.get(key)
            if value is None:
                ends.append(None)
            elif not isinstance(value, str) or value not in known:
                check.error(
                    f"{loc}.{key}",
                    f"unknown hub {value!r} (neither in this file's hubs nor in the database)",
                )
                ends.append(None)
            else:
                ends.append(value)
        from_code, to_code = ends
        if from_code is not None and from_code == to_code:
            check.error(f"{loc}.to", f"same hub as from ({to_code!r}); a corridor joins two hubs")
            from_code = to_code = None
        if from_code is not None and to_code is not None:
            if (from_code, to_code) in pair_at:
                check.error(
                    loc,
                    f"{from_code} → {to_code} is already listed at "
                    f"corridors[{pair_at[from_code, to_code]}]",
                )
                from_code = None
            else:
                pair_at[from_code, to_code] = i
        days = check.days(f"{loc}.transit_days", item.get("transit_days"))
        currency = check.currency(f"{loc}.currency", item.get("currency"))
        base_fee = check.fee(f"{loc}.base_fee", item.get("base_fee"))
        per_kg = check.fee(f"{loc}.per_kg", item.get("per_kg"))
        if (
            from_code is not None
            and to_code is not None
            and days is not None
            and currency is not None
            and base_fee is not None
            and per_kg is not None
        ):
            document.corridors.append(
                CorridorRow(from_code, to_code, days, currency, base_fee, per_kg)
            )


def _unions_check(
    check: _Checker, document: NetworkDocument, items: list[dict[str, object]]
) -> None:
    """A listed union has exactly its members, and a country belongs to at most one union: one
    of this file, or one stored that the file does not list."""
    code_at: dict[str, int] = {}
    listed = {item.get("code") for item in items}
    member_at: dict[str, tuple[str, str]] = {}  # country -> (location, union code) in this file
    for i, item in enumerate(items):
        loc = f"customs_unions[{i}]"
        code = check.code(f"{loc}.code", item.get("code"))
        if code is not None and code in code_at:
            check.error(
                f"{loc}.code", f"{code!r} is already used by customs_unions[{code_at[code]}]"
            )
            code = None
        if code is not None:
            code_at[code] = i
        members = check.countries(f"{loc}.members", item.get("members"))
        raw_code = item.get("code")
        for where, country in members or []:
            _claim_once(
                check,
                where,
                country,
                owner=(loc, str(raw_code)),
                claimed=member_at,
                stored_holder=check.db_unions.get(country),
                in_file=listed,
                twice=f"{country!r} is also a member of {{other}}; a country belongs to at most "
                "one customs union",
                stored=f"{country!r} is already a member of customs union {{holder}}, which this "
                f"file does not list; list {{holder}} here without {country!r}, or remove it there",
            )
        if code is not None and members is not None:
            document.unions.append(UnionRow(code=code, members=tuple(c for _, c in members)))


def _claim_once(
    check: _Checker,
    where: str,
    country: str,
    *,
    owner: tuple[str, str],
    claimed: dict[str, tuple[str, str]],
    stored_holder: str | None,
    in_file: Container[object],
    twice: str,
    stored: str,
) -> None:
    """A country belongs to one hub (or union): once in the file, and not to one stored that the
    file leaves out. `owner` is (location, code); `twice` and `stored` name the other as
    `{other}` and `{holder}`."""
    if country in claimed:
        other_loc, other_code = claimed[country]
        check.error(where, twice.format(other=f"{other_loc} ({other_code!r})"))
        return
    claimed[country] = owner
    if stored_holder is not None and stored_holder != owner[1] and stored_holder not in in_file:
        check.error(where, stored.format(holder=repr(stored_holder)))


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _show(value: object) -> str:
    return repr(str(value)) if isinstance(value, Decimal) else repr(value)

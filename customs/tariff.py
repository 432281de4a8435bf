"""Tariff rules as plain data, and the index that picks the matching row (pure: no ORM).

A row matches a line when: same destination; valid_from ≤ date < valid_to (empty = open); the HS
code starts with hs_prefix (empty = every code); origin empty or equal to the line's origin;
sme_max_employees empty or ≥ the seller's employees. The most specific wins: longest hs_prefix,
then a set origin, then a set sme_max_employees (smallest first), then the latest valid_from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PROFILE, DUTY, TAX, PROHIBITED = "profile", "duty", "tax", "prohibited"
KINDS = (PROFILE, DUTY, TAX, PROHIBITED)


@dataclass(frozen=True)
class TariffRule:
    kind: str
    destination: str
    hs_prefix: str = ""
    origin: str = ""
    rate_percent: Decimal | None = None
    per_unit: Decimal | None = None
    currency: str = ""
    valuation: str = ""
    low_value_upto: Decimal | None = None
    low_value_duty_per_subheading: Decimal | None = None
    tax_free_upto: Decimal | None = None
    sme_max_employees: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""
    id: int | None = None

    def applies(self, *, on: date, origin: str = "", employees: int | None = None) -> bool:
        """Every condition but destination and HS prefix, which the index has already used."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        if self.valid_to is not None and on >= self.valid_to:
            return False
        if self.origin and self.origin != origin:
            return False
        return not (
            self.sme_max_employees is not None
            and (employees is None or employees > self.sme_max_employees)
        )

    def specificity(self) -> tuple[int, int, int, int, date]:
        """Sort key, larger = more specific (the prefix length is the bucket's, checked first)."""
        return (
            len(self.hs_prefix),
            1 if self.origin else 0,
            1 if self.sme_max_employees is not None else 0,
            -(self.sme_max_employees or 0),
            self.valid_from or date.min,
        )


_Bucket = tuple[dict[str, list[TariffRule]], list[TariffRule]]


def _bucket(rows: list[TariffRule]) -> _Bucket:
    by_origin: dict[str, list[TariffRule]] = {}
    generic: list[TariffRule] = []
    for rule in sorted(rows, key=TariffRule.specificity, reverse=True):
        (by_origin.setdefault(rule.origin, []) if rule.origin else generic).append(rule)
    return by_origin, generic


class TariffIndex:
    """Rules bucketed by (kind, destination, hs_prefix): a look-up tries the ≤ 11 prefixes of
    the HS code, longest first, and scans only the few rows of each bucket."""

    def __init__(self, rules: Iterable[TariffRule]) -> None:
        by_scope: dict[tuple[str, str], dict[str, list[TariffRule]]] = {}
        for rule in rules:
            scope = by_scope.setdefault((rule.kind, rule.destination), {})
            scope.setdefault(rule.hs_prefix, []).append(rule)
        # (kind, destination) → (longest prefix present, prefix → bucket). A bucket splits its
        # rows by origin (most specific first in each part): rows for another origin never
        # match, so a look-up reads only the line's origin's rows and the origin-free ones.
        self._scopes: dict[tuple[str, str], tuple[int, dict[str, _Bucket]]] = {
            key: (max(len(p) for p in scope), {p: _bucket(rows) for p, rows in scope.items()})
            for key, scope in by_scope.items()
        }
        self.destinations = frozenset(d for (_, d) in by_scope)
        self.size = sum(
            len(generic) + sum(len(r) for r in by_origin.values())
            for _, scope in self._scopes.values()
            for by_origin, generic in scope.values()
        )

    def match(
        self,
        kind: str,
        destination: str,
        *,
        hs_code: str = "",
        origin: str = "",
        employees: int | None = None,
        on: date,
    ) -> TariffRule | None:
        found = self._scopes.get((kind, destination))
        if found is None:
            return None
        longest, scope = found
        for length in range(min(len(hs_code), longest), -1, -1):
            bucket = scope.get(hs_code[:length])
            if bucket is None:
                continue
            by_origin, generic = bucket
            for rows in (by_origin.get(origin, ()) if origin else (), generic):
                for rule in rows:
                    if rule.applies(on=on, origin=origin, employees=employees):
                        return rule
        return None

    def profile(self, destination: str, *, on: date) -> TariffRule | None:
        return self.match(PROFILE, destination, on=on)

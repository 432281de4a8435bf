"""The code sets and column limits every app shares: ISO countries and currencies, DB integers.

One home, so the API, the forms, the import files and the models agree on what a country or a
currency is and how large a stored whole number may be.
"""

from __future__ import annotations

from enum import StrEnum

from django_countries import countries
from moneyed import CURRENCIES

# PostgreSQL `integer`, the column of (Positive)IntegerField: larger values are refused as input
# (a 400 or an import error), never sent to the database to fail there.
MAX_DB_INT = 2_147_483_647

# ISO 3166-1 alpha-2, upper case, as django-countries knows them.
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(code for code, _ in countries))
COUNTRY_CODE_SET: frozenset[str] = frozenset(COUNTRY_CODES)

# py-moneyed lists a few non-tradeable codes (precious metals, test and fund codes).
_NON_TRADEABLE = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU"}
_NON_TRADEABLE |= {"XTS", "XUA", "XXX", "DEFAULT"}

# ISO 4217, upper case.
CURRENCY_CODE_SET: frozenset[str] = frozenset(
    code for code in CURRENCIES if len(code) == 3 and code not in _NON_TRADEABLE
)
CURRENCY_CODES: tuple[str, ...] = tuple(sorted(CURRENCY_CODE_SET))
CURRENCY_CHOICES: list[tuple[str, str]] = [
    (code, f"{code} — {CURRENCIES[code].name}") for code in CURRENCY_CODES
]


def is_country(value: object) -> bool:
    """An ISO 3166-1 alpha-2 code as written: upper case, e.g. "BE"."""
    return isinstance(value, str) and value in COUNTRY_CODE_SET


def is_currency(value: object) -> bool:
    """An ISO 4217 code as written: upper case, e.g. "EUR"."""
    return isinstance(value, str) and value in CURRENCY_CODE_SET


class RefusalCode(StrEnum):
    """Why the rules refuse a quote: the one list engine, API (422 `code`) and pages share."""

    PROHIBITED = "prohibited"  # the goods may not be imported
    NO_ROUTE = "no_route"  # no eHub route from the seller's hub to the destination
    NO_TARIFF = "no_tariff"  # the destination's tariff has no duty or tax line for the goods
    NOT_SERVED = "not_served"  # the destination (or the buyer's currency) is not served

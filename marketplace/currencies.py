"""The currencies an account may choose, and the default a country suggests.

Sign-up and the account page (pages and API) offer only currencies with a rate in the current FX
table, since prices cannot be shown or paid in any other (every ISO 4217 currency while no rates
are loaded); the default is the country's own currency when it has a rate, else USD.
"""

from __future__ import annotations

from collections.abc import Collection

from babel.numbers import get_territory_currencies
from django_countries import countries

from ewtp.codes import CURRENCY_CODES
from marketplace.cart import currencies_quotable

FALLBACK_CURRENCY = "USD"


def currencies_offered() -> list[str]:
    """The currencies a buyer or a seller may choose (sign-up, account page, API): those with a
    rate in the current FX table, or every ISO 4217 currency while no rates are loaded yet."""
    return currencies_quotable() or list(CURRENCY_CODES)


def currency_for_country(country: str, offered: Collection[str] | None = None) -> str:
    """The country's legal tender when it has a rate (e.g. BE → EUR), else USD."""
    offered = currencies_offered() if offered is None else offered
    for code in get_territory_currencies(str(country), tender=True):
        if code in offered:
            return str(code)
    return FALLBACK_CURRENCY


def currency_defaults(offered: Collection[str]) -> dict[str, str]:
    """Country code → its default currency, for the sign-up page's script."""
    return {code: currency_for_country(code, offered) for code, _ in countries}


def no_rate_error(code: str) -> str:
    return f"There is no exchange rate for {code} yet; choose another currency."

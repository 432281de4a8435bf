"""Money helpers: the one place amounts are rounded to a currency's minor unit."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision
from moneyed import CURRENCIES, Money

# py-moneyed lists a few non-tradeable codes (precious metals, test and fund codes).
_NON_TRADEABLE = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU"}
_NON_TRADEABLE |= {"XTS", "XUA", "XXX", "DEFAULT"}


@cache
def minor_units(currency: str) -> int:
    """Digits after the decimal point for an ISO 4217 currency (JPY 0, EUR 2, KWD 3)."""
    return int(get_currency_precision(currency))


@cache
def _exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit; the only rounding rule in the project."""
    return amount.quantize(_exponent(currency), rounding=ROUND_HALF_UP)


def is_currency(code: str) -> bool:
    return code in CURRENCY_CODES


def money_dict(money: Money) -> dict[str, str]:
    """Serialise as the API's money object, rounded to the currency's minor unit."""
    code = str(money.currency.code)
    return {"amount": str(quantize(Decimal(money.amount), code)), "currency": code}


CURRENCY_CODES: frozenset[str] = frozenset(
    code for code in CURRENCIES if len(code) == 3 and code not in _NON_TRADEABLE
)
CURRENCY_CHOICES: list[tuple[str, str]] = sorted(
    (code, f"{code} — {CURRENCIES[code].name}") for code in CURRENCY_CODES
)

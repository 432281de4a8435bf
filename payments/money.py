"""Money helpers: the one place amounts are rounded to a currency's minor unit."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import format_currency, get_currency_precision
from moneyed import Money


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


def money_dict(money: Money) -> dict[str, str]:
    """Serialise as the API's money object, rounded to the currency's minor unit."""
    code = str(money.currency.code)
    return {"amount": str(quantize(Decimal(money.amount), code)), "currency": code}


def money_format(amount: Decimal, currency: str) -> str:
    """As pages print money ("EUR 1,234.50", "JPY 1,500"): the code, then the amount rounded
    to the currency's minor unit with English grouping (reports and admin in payments, which
    cannot use marketplace's `|money` filter)."""
    return format_currency(
        quantize(amount, currency),
        currency,
        format="¤¤ #,##0.00;¤¤ -#,##0.00",
        locale="en",
        currency_digits=True,
    )

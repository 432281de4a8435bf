"""`{{ amount|money }}`: the one way pages print an amount.

Style: the ISO 4217 code, a space, then the number with the active locale's grouping and decimal
signs and the currency's own minor units: "EUR 54.32", "VND 4,500,000", "JPY 1,500",
"KWD 12.345". The code rather than a symbol, because symbols are ambiguous across the currencies
a cross-border shop shows side by side ($, kr, ¥); the code always first, so amounts line up.
Amounts are rounded once, half-up, by payments.money.quantize (the project's one rounding rule)
before babel formats them, so a page never shows a figure the engine did not compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils.translation import get_language, to_locale
from moneyed import Money

from payments.money import quantize

register = template.Library()

# "¤¤" is the ISO code; babel replaces the fraction digits with the currency's (currency_digits).
_PATTERN = "¤¤ #,##0.00"


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def active_locale() -> Locale:
    """Babel's locale for the active Django language (settings.LANGUAGE_CODE, else en)."""
    return _locale(get_language() or settings.LANGUAGE_CODE or "en")


def format_money(
    amount: Decimal | int | str, currency: str, *, locale: Locale | None = None
) -> str:
    """`amount` of `currency` as pages show it: format_money(4500000, "VND") → "VND 4,500,000"."""
    code = str(currency).upper()
    value = quantize(Decimal(str(amount)), code)
    return format_currency(
        value, code, format=_PATTERN, locale=locale or active_locale(), currency_digits=True
    )


def _parts(value: Any) -> tuple[Any, str] | None:
    if isinstance(value, Money):
        return value.amount, str(value.currency.code)
    if isinstance(value, Mapping) and "amount" in value and "currency" in value:
        return value["amount"], str(value["currency"])
    return None


@register.filter(name="money")
def money_filter(value: Any, currency: str = "") -> str:
    """A djmoney Money, an API money object ({"amount": "54.32", "currency": "EUR"}) or, with
    the currency as argument, a bare amount (`{{ amount|money:"EUR" }}`). Anything else is
    shown as it is rather than raising on the page."""
    parts = _parts(value)
    if parts is None and currency and value not in (None, ""):
        parts = (value, currency)
    if parts is None:
        return "" if value is None else str(value)
    try:
        return format_money(parts[0], parts[1])
    except (InvalidOperation, ValueError, TypeError):
        return f"{parts[1]} {parts[0]}"

"""Strict reading of numbers typed as text (API strings, form fields, query parameters): ASCII
digits only (pure).

Python's `int()` and `Decimal()`, and so Django's and DRF's number fields, also accept `"1_0"`,
Arabic-Indic digits (`"٣"`), a sign (`"+1"`), surrounding spaces and, for decimals, exponents
(`"1e3"`). Numbers here are what a person writes on a form: digits 0-9, a minus sign only where
negative numbers make sense, a point for decimals, nothing else.
"""

from __future__ import annotations

import re
from decimal import Decimal

WHOLE_NUMBER_MESSAGE = "Enter a whole number using the digits 0-9."
DECIMAL_MESSAGE = "Enter a number using the digits 0-9 and a point, e.g. 12.50."
# Longer texts are refused before int()/Decimal() see them; no column holds so many digits.
MAX_DIGITS = 40

_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(rf"-?(?:[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]*)?|\.[0-9]{{1,{MAX_DIGITS}}})")


def integer_parse(text: str, *, signed: bool) -> int | None:
    """The whole number `text` spells in ASCII digits (with a leading `-` if `signed`), or None."""
    if len(text) > MAX_DIGITS + 1 or not _INTEGER.fullmatch(text):
        return None
    if text.startswith("-") and not signed:
        return None
    return int(text)


def decimal_parse_text(text: str, *, signed: bool) -> Decimal | None:
    """The decimal `text` spells (`12`, `12.5`, `.5`; a leading `-` if `signed`), or None."""
    if len(text) > 2 * MAX_DIGITS or not _DECIMAL.fullmatch(text):
        return None
    if text.startswith("-") and not signed:
        return None
    return Decimal(text)

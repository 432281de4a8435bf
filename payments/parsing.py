"""Reading values out of import files (network, rates): exact decimals, ISO codes, JSON files.

Amounts in import files are decimal strings (`"6.50"`). JSON numbers are accepted too when they
arrive exactly: `json_file_load` parses them as `Decimal`, never as binary floats. A Python
`float` handed to a service directly is refused, since its value is not the decimal that was meant.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

_DECIMAL_STRING = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class JsonFileError(ValueError):
    """The file cannot be read or is not JSON; the message says which and where."""


def json_file_load(path: str | Path) -> object:
    """Parse a UTF-8 JSON file with numbers as exact `Decimal`/`int` and no NaN/Infinity."""

    def _refuse_constant(name: str) -> object:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JsonFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise JsonFileError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise JsonFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise JsonFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise JsonFileError(f"{path}: invalid JSON: {exc}") from None


def decimal_parse(value: object, *, max_whole_digits: int, max_places: int) -> Decimal:
    """The exact decimal in `value` (a decimal string, an int or a Decimal), within the column's
    digits. Raises ValueError with a message that completes "<location>: …"."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        if isinstance(value, float):
            raise ValueError(f'{value!r} must be a decimal string, e.g. "6.50", not a float')
        raise ValueError(f'{value!r} must be a decimal string, e.g. "6.50"')
    if isinstance(value, str):
        if not _DECIMAL_STRING.match(value):
            raise ValueError(f'{value!r} is not a decimal number, e.g. "6.50"')
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise ValueError(f"{value!r} is not a decimal number") from None
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if abs(number) >= Decimal(10) ** max_whole_digits:
        raise ValueError(f"{_show(value)} has more than {max_whole_digits} digits before the point")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_places:
        raise ValueError(f"{_show(value)} has more than {max_places} decimal places")
    return number


def _show(value: object) -> str:
    return repr(str(value)) if isinstance(value, Decimal) else repr(value)

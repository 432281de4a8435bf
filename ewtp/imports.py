"""What every import shares: exact JSON reading, one tally, one error type, one command shell.

Used by `import_network`, `import_rates`, `import_tariff` and `seed_demo`. Amounts in import files
are decimal strings (`"6.50"`); JSON numbers are accepted when they arrive exactly
(`json_file_load` parses them as `Decimal`, never as binary floats). A Python `float` handed to a
service directly is refused, since its value is not the decimal that was meant.

Limits every import file shares (docs/data-imports.md): at most `MAX_FILE_BYTES`; a byte-order
mark at the start is ignored; text may not contain NUL characters (PostgreSQL cannot store them);
JSON may nest at most `MAX_JSON_DEPTH` levels and numbers have at most `MAX_NUMBER_DIGITS` digits.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

_DECIMAL_STRING = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_JSON_DEPTH = 100
MAX_NUMBER_DIGITS = 100
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@dataclass
class Tally:
    """How many records an import created, updated, left unchanged (and removed, where it can)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def __str__(self) -> str:
        removed = "" if self.removed is None else f"{self.removed} removed, "
        return (
            f"{self.created} created, {self.updated} updated, {removed}{self.unchanged} unchanged"
        )


class ImportFileError(Exception):
    """A file (or document) was refused and nothing was imported.

    `errors` lists every problem found, each printable as "location: message".
    """

    def __init__(self, errors: Sequence[object], *, summary: str | None = None) -> None:
        self.errors = list(errors)
        super().__init__(
            summary or f"{len(self.errors)} problem(s) in the file; nothing was imported."
        )


class FileReadError(ValueError):
    """The file cannot be read (missing, not UTF-8, not JSON …); the message says which."""


def file_size_check(path: str | Path) -> None:
    """FileReadError when the file is larger than MAX_FILE_BYTES (checked before reading it)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # reading it reports why
    if size > MAX_FILE_BYTES:
        raise FileReadError(
            f"{path}: the file is {size:,} bytes; import files may be at most "
            f"{MAX_FILE_BYTES:,} bytes ({MAX_FILE_BYTES // (1024 * 1024)} MiB): split it"
        )


def json_file_load(path: str | Path) -> object:
    """Parse a UTF-8 JSON file (a BOM is ignored) with numbers as exact `Decimal`/`int`, no
    NaN/Infinity, no NUL in any string, nesting and number lengths bounded."""

    def _refuse_constant(name: str) -> object:
        raise ValueError(f"{name} is not a number JSON allows")

    def _int(text: str) -> int:
        if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
            raise ValueError(
                f"a number has {len(text.lstrip('-')):,} digits; at most {MAX_NUMBER_DIGITS} "
                "are allowed"
            )
        return int(text)

    def _decimal(text: str) -> Decimal:
        if len(text) > MAX_NUMBER_DIGITS + 10:
            raise ValueError(
                f"a number has {len(text):,} characters; at most {MAX_NUMBER_DIGITS} digits "
                "are allowed"
            )
        return Decimal(text)

    file_size_check(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FileReadError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise FileReadError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise FileReadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise FileReadError(
            f"{path}: invalid JSON: nested too deeply ({depth:,} levels of lists or objects; "
            f"at most {MAX_JSON_DEPTH})"
        )
    try:
        data = json.loads(
            text, parse_float=_decimal, parse_int=_int, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        raise FileReadError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:  # pragma: no cover - _json_depth refuses such documents first
        raise FileReadError(f"{path}: invalid JSON: nested too deeply") from None
    except ValueError as exc:
        raise FileReadError(f"{path}: invalid JSON: {exc}") from None
    nul = nul_locations(data)
    if nul:
        shown = ", ".join(nul[:10]) + (f" and {len(nul) - 10} more" if len(nul) > 10 else "")
        raise FileReadError(
            f"{path}: text may not contain NUL characters (\\u0000); found at {shown}"
        )
    return data


def _json_depth(text: str) -> int:
    """The deepest nesting of lists and objects, counted outside strings, without recursion
    (the json module recurses and would overflow the stack on 100,000 `[`)."""
    depth = deepest = 0
    for match in _NESTING.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def nul_locations(data: object, where: str = "") -> list[str]:
    """Where a string (a value or an object key) holds a NUL character, as `hubs[0].name`, in
    document order."""
    found: list[str] = []
    pending: list[tuple[str, object]] = [(where, data)]
    while pending:
        location, item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                found.append(location or "(file)")
        elif isinstance(item, dict):
            children: list[tuple[str, object]] = []
            for key, value in item.items():
                if "\x00" in str(key):
                    children.append((f"{location or '(file)'}: key {str(key)!r}", "\x00"))
                else:
                    children.append((f"{location}.{key}" if location else str(key), value))
            pending.extend(reversed(children))  # a stack: the first child is taken next
        elif isinstance(item, list):
            pending.extend(reversed([(f"{location}[{i}]", v) for i, v in enumerate(item)]))
    return found


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


class ImportCommand(BaseCommand):
    """The shell of every import command: read the file, hand it to an import service, print
    every error (exit 1, nothing imported) or the summary.

    Subclasses set `importer` (a service taking `data=` and `progress=`) and `file_help`, and
    may override `read` (the default parses JSON) and `run`.
    """

    importer: ClassVar[Callable[..., object]]
    file_help: ClassVar[str] = "The file to import (JSON, UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--no-progress", action="store_true", help="Draw no progress bar.")

    def read(self, path: str) -> object:
        """The file's content as the importer takes it; FileReadError when it cannot be read."""
        return json_file_load(path)

    def run(self, data: object, *, progress: IO[str] | None) -> object:
        return type(self).importer(data=data, progress=progress is not None)

    def handle(self, *args: Any, file: str, no_progress: bool, **options: Any) -> None:
        show_progress = not no_progress and options["verbosity"] > 0
        progress = (options.get("stderr") or sys.stderr) if show_progress else None
        try:
            data = self.read(file)
        except FileReadError as exc:
            raise CommandError(str(exc)) from None
        try:
            summary = self.run(data, progress=progress)
        except ImportFileError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{file}: {exc}") from None
        if options["verbosity"]:
            self.stdout.write(str(summary))

"""What every import shares: exact JSON reading, one tally, one error type, one command shell.

Used by `import_network`, `import_rates`, `import_tariff` and `seed_demo`. Amounts in import files
are decimal strings (`"6.50"`); JSON numbers are accepted when they arrive exactly
(`json_file_load` parses them as `Decimal`, never as binary floats). A Python `float` handed to a
service directly is refused, since its value is not the decimal that was meant.
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


def json_file_load(path: str | Path) -> object:
    """Parse a UTF-8 JSON file with numbers as exact `Decimal`/`int` and no NaN/Infinity."""

    def _refuse_constant(name: str) -> object:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FileReadError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise FileReadError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise FileReadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise FileReadError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise FileReadError(f"{path}: invalid JSON: {exc}") from None


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

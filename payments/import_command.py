"""The shell shared by the JSON import commands (import_network, import_rates)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.parsing import JsonFileError, json_file_load


class JsonImportCommand(BaseCommand):
    """Read a JSON file, hand it to an import service, print every error or the summary.

    Subclasses set `importer` (a service taking `data=` and `progress=`), `error_class` (its
    exception, with an `errors` list) and `file_help`.
    """

    importer: ClassVar[Callable[..., object]]
    error_class: ClassVar[type[Exception]]
    file_help: ClassVar[str] = "The file to import (JSON, UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=self.file_help)

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            data = json_file_load(file)
        except JsonFileError as exc:
            raise CommandError(str(exc)) from None
        try:
            summary = type(self).importer(data=data, progress=True)
        except self.error_class as exc:
            for error in getattr(exc, "errors", []):
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(str(summary)))

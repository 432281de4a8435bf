"""`manage.py import_rates FILE.json`: load a table of FX rates (docs/DATA_FORMATS.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.parsing import JsonFileError, json_file_load
from payments.services import RatesImportError, rates_import


class Command(BaseCommand):
    help = (
        "Import FX rates against one base currency from a JSON file. Validates the whole file "
        "first: on any problem prints every one and imports nothing (exit 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The rates file (JSON, UTF-8).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            data = json_file_load(file)
        except JsonFileError as exc:
            raise CommandError(str(exc)) from None
        try:
            summary = rates_import(data=data, progress=True)
        except RatesImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(str(exc)) from None
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(str(summary)))

"""`manage.py import_network FILE.json`: load the hub network (docs/DATA_FORMATS.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehubs.services import NetworkImportError, network_import
from payments.parsing import JsonFileError, json_file_load


class Command(BaseCommand):
    help = (
        "Import hubs, corridors and customs unions from a JSON file. Validates the whole file "
        "first: on any problem prints every one and imports nothing (exit 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The network file (JSON, UTF-8).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            data = json_file_load(file)
        except JsonFileError as exc:
            raise CommandError(str(exc)) from None
        try:
            summary = network_import(data=data, progress=True)
        except NetworkImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(str(exc)) from None
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(str(summary)))

"""`manage.py import_tariff FILE.csv`: load tariff rows (docs/DATA_FORMATS.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from customs.services import TariffImportError, tariff_import


class Command(BaseCommand):
    help = (
        "Import tariff rows from a UTF-8 CSV file whose header is exactly: kind, destination, "
        "hs_prefix, origin, rate_percent, per_unit, currency, valuation, low_value_upto, "
        "low_value_duty_per_subheading, tax_free_upto, sme_max_employees, valid_from, valid_to, "
        "note (see docs/DATA_FORMATS.md). Every row is checked first: if any is bad, each bad "
        "row is listed on stderr as 'row N: column: message' and nothing is imported (exit 1). "
        "Rows are upserted by (kind, destination, hs_prefix, origin, sme_max_employees, "
        "valid_from); re-running a file changes nothing. Rows that are not in the file are KEPT, "
        "not deleted: end a row with valid_to, or delete it in admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the tariff CSV file.")
        parser.add_argument("--no-progress", action="store_true", help="Draw no progress bar.")

    def handle(self, *args: Any, file: str, no_progress: bool, **options: Any) -> None:
        show_progress = not no_progress and options["verbosity"] > 0
        progress = (options.get("stderr") or sys.stderr) if show_progress else None
        try:
            # utf-8-sig drops a byte-order mark; newline="" lets csv read quoted line breaks.
            with open(file, encoding="utf-8-sig", newline="") as stream:
                summary = tariff_import(rows=stream, progress=progress)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file} is not UTF-8 text (byte {exc.start}: {exc.reason}); nothing imported."
            ) from exc
        except TariffImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{file}: {exc}") from exc
        if options["verbosity"]:
            self.stdout.write(str(summary))

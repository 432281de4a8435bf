"""`manage.py import_rates FILE.json`: load a table of FX rates (docs/DATA_FORMATS.md)."""

from __future__ import annotations

from payments.import_command import JsonImportCommand
from payments.services import RatesImportError, rates_import


class Command(JsonImportCommand):
    help = (
        "Import FX rates against one base currency from a JSON file. Validates the whole file "
        "first: on any problem prints every one and imports nothing (exit 1)."
    )
    importer = staticmethod(rates_import)
    error_class = RatesImportError
    file_help = "The rates file (JSON, UTF-8)."

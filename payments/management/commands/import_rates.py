"""`manage.py import_rates FILE.json`: load a table of FX rates (docs/DATA_FORMATS.md)."""

from __future__ import annotations

from ewtp.imports import ImportCommand
from payments.services import rates_import


class Command(ImportCommand):
    help = (
        "Import FX rates against one base currency from a JSON file. Validates the whole file "
        "first: on any problem prints every one and imports nothing (exit 1)."
    )
    importer = staticmethod(rates_import)
    file_help = "The rates file (JSON, UTF-8)."

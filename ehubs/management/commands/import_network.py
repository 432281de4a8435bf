"""`manage.py import_network FILE.json`: load the hub network (docs/DATA_FORMATS.md)."""

from __future__ import annotations

from ehubs.services import network_import
from ewtp.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "Import hubs, corridors and customs unions from a JSON file. Validates the whole file "
        "first: on any problem prints every one and imports nothing (exit 1)."
    )
    importer = staticmethod(network_import)
    file_help = "The network file (JSON, UTF-8)."

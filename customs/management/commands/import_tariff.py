"""`manage.py import_tariff FILE.csv`: load tariff rows (docs/DATA_FORMATS.md)."""

from __future__ import annotations

import io
from typing import IO

from customs.services import tariff_import
from ewtp.imports import FileReadError, ImportCommand, file_size_check


class Command(ImportCommand):
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
    file_help = "Path to the tariff CSV file."

    def read(self, path: str) -> object:
        file_size_check(path)
        try:
            # utf-8-sig drops a byte-order mark; newline="" lets csv read quoted line breaks.
            with open(path, encoding="utf-8-sig", newline="") as stream:
                return io.StringIO(stream.read(), newline="")
        except UnicodeDecodeError as exc:
            raise FileReadError(
                f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason}); nothing imported."
            ) from None
        except OSError as exc:
            raise FileReadError(f"Cannot read {path}: {exc.strerror or exc}") from None

    def run(self, data: object, *, progress: IO[str] | None) -> object:
        assert isinstance(data, io.StringIO)
        return f"Tariff rows: {tariff_import(rows=data, progress=progress)}"

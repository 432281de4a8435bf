"""Writes of tariff data: the CSV import (DATA_FORMATS.md, `import_tariff`) and its export twin."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Protocol, cast

from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from tqdm import tqdm

from customs.csv_cells import csv_cell_read, csv_cell_written
from customs.models import TariffRow
from customs.validation import (
    COLUMNS,
    DATA_COLUMNS,
    KEY_COLUMNS,
    tariff_cell,
    tariff_row_key,
    tariff_row_parse,
)
from ewtp.datacache import bump
from ewtp.imports import ImportFileError, Tally

BATCH_SIZE = 1000
HEADER = ",".join(COLUMNS)


@dataclass(frozen=True)
class RowError:
    """A problem with one row; `line` is its line in the file (the header is line 1)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.line}: {self.column}: " if self.column else f"row {self.line}: "
        return where + self.message


def tariff_refusal(errors: Sequence[RowError]) -> ImportFileError:
    """The refusal of a tariff file: every bad row listed, nothing imported."""
    rows = len({e.line for e in errors})
    return ImportFileError(
        errors, summary=f"{rows} bad row{'s' if rows != 1 else ''}; nothing imported."
    )


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


Record = tuple[int, dict[str, str | None]]


def tariff_import(
    *,
    rows: Iterable[Mapping[str, str | None]] | IO[str],
    progress: IO[str] | None = None,
) -> Tally:
    """Validate every row, then upsert them all in one transaction by (kind, destination,
    hs_prefix, origin, sme_max_employees, valid_from); rows not in the input are kept.

    `rows` is a text stream of the CSV file (header first; a BOM is ignored) or dicts keyed by
    column (line numbers then count from 2, as if under a header). Raises ImportFileError
    listing every bad row, with nothing written. `progress`: where to draw a progress bar.
    """
    if hasattr(rows, "read"):
        records, errors = _csv_records(cast(IO[str], rows))
    else:
        records, errors = _dict_records(cast(Iterable[Mapping[str, str | None]], rows))
    values = _validated(records, errors=errors, progress=progress)
    return _upsert(values, progress=progress)


def _csv_records(stream: IO[str]) -> tuple[list[Record], list[RowError]]:
    """The data rows with their line numbers, and the rows of the wrong shape (a cell over
    csv's size limit or another csv error ends the reading: the file is refused)."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise tariff_refusal(
            [RowError(1, "", f"The file is empty; the header must be: {HEADER}")]
        ) from None
    except csv.Error as exc:
        raise tariff_refusal([_csv_error(reader.line_num or 1, exc)]) from None
    if header and header[0].startswith("\ufeff"):  # a BOM the stream did not decode away
        header[0] = header[0][1:]
    header = [cell.strip() for cell in header]
    if header != list(COLUMNS):
        raise tariff_refusal([RowError(1, "", _header_problem(header))])
    records: list[Record] = []
    errors: list[RowError] = []
    last_line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(_csv_error(last_line + 1, exc))
            break
        line, last_line = last_line + 1, reader.line_num  # a quoted cell may span lines
        if not cells:
            continue  # a blank line
        if len(cells) != len(COLUMNS):
            message = f"Expected {len(COLUMNS)} cells, found {len(cells)}."
            errors.append(RowError(line, "", message))
            continue
        records.append((line, dict(zip(COLUMNS, (csv_cell_read(c) for c in cells), strict=True))))
    return records, errors


def _csv_error(line: int, exc: csv.Error) -> RowError:
    if "field larger than field limit" in str(exc):
        message = (
            f"A cell is larger than {csv.field_size_limit():,} characters (no column allows "
            "that many; is a quote left open?); the rest of the file was not read."
        )
    else:
        message = f"Cannot read this row as CSV ({exc}); the rest of the file was not read."
    return RowError(line, "", message)


def _header_problem(header: list[str]) -> str:
    for position, (found, expected) in enumerate(zip(header, COLUMNS, strict=False), start=1):
        if found != expected:
            detail = f"column {position} is {found!r}, expected {expected!r}"
            break
    else:
        detail = f"found {len(header)} columns, expected {len(COLUMNS)}"
    return f"The header must be exactly: {HEADER} ({detail})."


def _dict_records(rows: Iterable[Mapping[str, str | None]]) -> tuple[list[Record], list[RowError]]:
    records: list[Record] = []
    errors: list[RowError] = []
    known = set(COLUMNS)
    for line, row in enumerate(rows, start=2):
        unknown = [column for column in row if column not in known]
        errors.extend(RowError(line, column, "Unknown column.") for column in unknown)
        if not unknown:
            records.append((line, dict(row)))
    return records, errors


def _validated(
    records: list[Record], *, errors: list[RowError], progress: IO[str] | None
) -> list[dict[str, Any]]:
    """Every row's values, or ImportFileError with every problem (`errors`: found earlier)."""
    good: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    # disable=None: a bar on a terminal only, never in pipes and logs.
    bar = tqdm(
        records,
        desc="Checking",
        unit="row",
        file=progress,
        disable=True if progress is None else None,
    )
    for line, raw in bar:
        values, problems = tariff_row_parse(raw)
        for column, messages in problems.items():
            errors.extend(RowError(line, column, message) for message in messages)
        if problems:
            continue
        key = tariff_row_key(values)
        if key in seen:
            message = f"Same key ({', '.join(KEY_COLUMNS)}) as row {seen[key]}."
            errors.append(RowError(line, "", message))
            continue
        seen[key] = line
        good.append(values)
    if errors:
        errors.sort(key=lambda error: error.line)  # stable: a row's columns stay in file order
        raise tariff_refusal(errors)
    return good


@transaction.atomic
def _upsert(rows: list[dict[str, Any]], *, progress: IO[str] | None) -> Tally:
    destinations = {row["destination"] for row in rows}
    existing: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    stored = (
        TariffRow.objects.filter(destination__in=destinations)
        .order_by("-id")  # should a key be stored twice, the oldest row is the one updated
        .values_list("id", *KEY_COLUMNS, *DATA_COLUMNS)
    )
    key_end = 1 + len(KEY_COLUMNS)
    for stored_row in stored.iterator(chunk_size=5000):
        existing[stored_row[1:key_end]] = (stored_row[0], stored_row[key_end:])

    to_create: list[dict[str, Any]] = []
    to_update: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        match = existing.get(tariff_row_key(row))
        if match is None:
            to_create.append(row)
        elif match[1] != tuple(row[column] for column in DATA_COLUMNS):
            to_update.append((match[0], row))

    writes = len(to_create) + len(to_update)
    bar = tqdm(
        total=writes,
        desc="Writing",
        unit="row",
        file=progress,
        disable=True if progress is None or not writes else None,
    )
    with bar:
        _insert(to_create, now=timezone.now(), bar=bar)
        _update(to_update, now=timezone.now(), bar=bar)
    if writes:
        bump("tariff")
    return Tally(created=len(to_create), updated=len(to_update), unchanged=len(rows) - writes)


# The writes below are plain SQL on purpose: bulk_create spent ~10 s of a 50,000-row import
# building and preparing model instances, and bulk_update's CASE WHEN took minutes. Rows are
# fully validated by then; the table's constraints still apply; like bulk_create, they send
# no signals (the import bumps the cache itself).


def _insert(rows: list[dict[str, Any]], *, now: datetime, bar: tqdm[Any]) -> None:
    """INSERT the rows (every column, `updated` = now) in multi-row batches."""
    if not rows:
        return
    ops = connection.ops
    columns = (*COLUMNS, "updated")
    fields = [TariffRow._meta.get_field(column) for column in columns]
    size = max(1, min(BATCH_SIZE, ops.bulk_batch_size(fields, rows)))
    names = ", ".join(_quoted_column(column) for column in columns)
    # Names come from the model's _meta, values go as parameters.
    head = f"INSERT INTO {_quoted_table()} ({names}) VALUES "  # noqa: S608
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    stamp = ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params: list[Any] = []
            for row in batch:
                params.extend(_db_value(row[column]) for column in COLUMNS)
                params.append(stamp)
            cursor.execute(head + ", ".join([one_row] * len(batch)), params)
            bar.update(len(batch))


def _update(rows: list[tuple[int, dict[str, Any]]], *, now: datetime, bar: tqdm[Any]) -> None:
    """UPDATE each row's non-key columns (and `updated` = now) by id."""
    if not rows:
        return
    assignments = ", ".join(
        f"{_quoted_column(column)} = %s" for column in (*DATA_COLUMNS, "updated")
    )
    sql = f"UPDATE {_quoted_table()} SET {assignments} WHERE {_quoted_column('id')} = %s"  # noqa: S608
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            cursor.executemany(
                sql,
                [
                    [*(_db_value(row[column]) for column in DATA_COLUMNS), stamp, pk]
                    for pk, row in batch
                ],
            )
            bar.update(len(batch))


def _quoted_table() -> str:
    return connection.ops.quote_name(TariffRow._meta.db_table)


def _quoted_column(name: str) -> str:
    field = TariffRow._meta.get_field(name)
    assert isinstance(field, models.Field)
    return connection.ops.quote_name(field.column)


def _db_value(value: Any) -> Any:
    """A validated cell (str, int, Decimal, date or None) as the database driver takes it."""
    if value is None or isinstance(value, str | int):
        return value
    return connection.ops.adapt_unknown_value(value)


def tariff_csv_write(*, rows: QuerySet[TariffRow], out: _Writable) -> int:
    """Write `rows` to `out` in the import_tariff format (header first); returns the row count.
    Cells a spreadsheet would run as a formula are neutralised (`csv_cell_written`). Importing
    the result changes nothing."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows.order_by("destination", "kind", "hs_prefix", "origin", "id").values_list(
        *COLUMNS
    ):
        writer.writerow([csv_cell_written(tariff_cell(value)) for value in row])
        count += 1
    return count

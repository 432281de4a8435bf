"""Inserting many rows without a model instance each.

`bulk_create` builds and prepares a model instance per row: for the thousands of ledger
postings, entries, settlements and timeline lines of a settlement chunk that was most of the
chunk's Python time. `rows_insert` sends the columns as arrays in one statement, as
`bulk_create` itself does on PostgreSQL (`INSERT … SELECT * FROM unnest(…)`), from plain tuples.
Values go in as they are: give each column what its field stores (ids for foreign keys, aware
datetimes, rounded Decimals); the database's constraints and triggers check them as always.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def rows_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_pk: bool = False,
) -> list[Any]:
    """Insert `rows` (one value per name in `fields`, a foreign key by its `…_id` attname) into
    `model`'s table in one statement; with `returning_pk`, the new rows' primary keys in the
    order of `rows`. Other databases get a `bulk_create`."""
    if not rows:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        created = model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows]
        )
        return [obj.pk for obj in created] if returning_pk else []
    by_attname = {field.attname: field for field in meta.concrete_fields}
    columns = [by_attname[name] for name in fields]
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "  # noqa: S608 (names from the model)
        f"SELECT * FROM unnest({arrays})"
    )
    if returning_pk:
        sql += f" RETURNING {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])
        return [pk for (pk,) in cursor.fetchall()] if returning_pk else []

"""One JSON query both databases answer: "does this JSON array hold this item?".

Django's `contains` lookup on a JSONField is PostgreSQL's `@>` and is refused on SQLite (the
embedded default), so filters over JSON lists (a declaration's reasons, a waybill's route) use
`JSONArrayHolds` instead: `@>` on PostgreSQL (a GIN index can serve it), the JSON1 functions on
SQLite, with the same meaning.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, F, Lookup
from django.db.models.sql.compiler import SQLCompiler

Scalar = str | int
_SQL = tuple[str, tuple[Any, ...]]


class JSONArrayHolds(Lookup):
    """True where the JSON array `lhs` holds `item`: a string or integer equal to it, or an
    object having at least `item`'s keys with those values (JSON containment one level deep).
    A value that is not an array holds nothing."""

    lookup_name = "array_holds"
    prepare_rhs = False

    def __init__(self, lhs: Expression | F, item: Scalar | dict[str, Scalar]) -> None:
        if isinstance(item, dict):
            if not item or not all(_scalar(v) for v in item.values()):
                raise ValueError("Match an object on one or more string or integer values.")
        elif not _scalar(item):
            raise ValueError("Match a string, an integer or an object of them.")
        super().__init__(lhs, item)

    @property
    def output_field(self) -> BooleanField:
        return BooleanField()

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _SQL:
        raise NotSupportedError(f"JSONArrayHolds has no SQL for {connection.vendor}.")

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _SQL:
        lhs, params = compiler.compile(self.lhs)
        return f"({lhs} @> %s::jsonb)", (*params, json.dumps([self.rhs]))

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _SQL:
        lhs, params = compiler.compile(self.lhs)
        item = self.rhs
        if isinstance(item, dict):
            # json_extract gives SQL text for a JSON string and an integer for a JSON integer,
            # so "1" never equals 1, as in PostgreSQL's containment.
            tests = " AND ".join("json_extract(held.value, %s) = %s" for _ in item)
            values = tuple(v for key, value in item.items() for v in (_path(key), value))
            where = f"held.type = 'object' AND {tests}"
        else:
            where = f"held.type = '{'text' if isinstance(item, str) else 'integer'}' AND "
            where += "held.value = %s"
            values = (item,)
        # Only the compiled column and fixed text are interpolated; every value is a parameter.
        sql = (
            f"(json_type({lhs}) = 'array' AND EXISTS "  # noqa: S608
            f"(SELECT 1 FROM json_each({lhs}) AS held WHERE {where}))"
        )
        return sql, (*params, *params, *values)


def _scalar(value: object) -> bool:
    # bool is an int to Python, but JSON's true is not 1.
    return isinstance(value, str | int) and not isinstance(value, bool)


def _path(key: str) -> str:
    # A quoted member name: keys with dots or brackets are read as one key.
    return "$." + json.dumps(key)

"""Many rows in one statement, for imports: a Python list becomes a table that the database reads from a single
parameter — one array per column on PostgreSQL (`unnest`), one JSON document elsewhere (SQLite's `json_each`).

Django's `bulk_create` and `filter(x__in=[…])` bind one parameter per value and build a model instance per row;
psycopg's client-side binding of those parameters alone was a quarter of an import of 100,000 contacts. Here each
column is bound once, and rows are written with `INSERT … SELECT`, so the database does the per-row work. Nothing
here sends signals or calls `save()`, as with `bulk_create`.
"""

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL

CHUNK = 10_000
# Field types whose Python values the database takes as they are (text, whole numbers, booleans, None).
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_plain(field: models.Field) -> bool:
    return (field.target_field if field.is_relation else field).get_internal_type() in _PLAIN_TYPES


def _prepared(field: models.Field, values: Sequence) -> list:
    if _is_plain(field):
        return list(values)
    return [field.get_db_prep_save(value, connection) for value in values]


def _array_type(field: models.Field) -> str:
    # Without its length: a cast to varchar(200) would cut a longer value short where an insert refuses it.
    return re.sub(r"\(.*\)", "", field.db_type(connection)) + "[]"


def values_subquery(values: Sequence, *, field: models.Field) -> RawSQL:
    """`values` (of `field`'s type) as a one-column subquery, for `filter(x__in=…)` or `IN (…)` in SQL."""
    values = _prepared(field, values)
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{_array_type(field)})", [values])  # noqa: S611 - a type name
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


def rows_table(fields: Sequence[models.Field], rows: Sequence[Sequence]) -> tuple[str, list]:
    """SQL for a FROM clause that reads `rows` (a value per field each) as a table named `given`, its columns named
    after the fields' columns; and its parameters."""
    qn = connection.ops.quote_name
    columns = [qn(field.column) for field in fields]
    plain = all(_is_plain(field) for field in fields)
    if connection.vendor == "postgresql" or not plain:
        by_column = zip(*rows, strict=True) if rows else [() for _field in fields]
        values = [_prepared(field, column) for field, column in zip(fields, by_column, strict=True)]
    if connection.vendor == "postgresql":
        unnest = ", ".join(f"%s::{_array_type(field)}" for field in fields)
        return f"unnest({unnest}) AS given ({', '.join(columns)})", values
    if not plain:
        rows = list(zip(*values, strict=True))
    select = ", ".join(f"json_extract(value, '$[{n}]') AS {column}" for n, column in enumerate(columns))
    return f"(SELECT {select} FROM json_each(%s)) AS given", [json.dumps(rows)]  # noqa: S608 - column names


def _database_values(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Column → database value of each field named in `values`."""
    fields = {name: model._meta.get_field(name) for name in values}
    return {field.column: field.get_db_prep_save(values[name], connection) for name, field in fields.items()}


def insert_select(
    model: type[models.Model],
    *,
    select: Mapping[str, str],
    source: str,
    params: Sequence = (),
    constants: Mapping[str, Any] | None = None,
    ignore_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> tuple[int, list[tuple]]:
    """`INSERT INTO <model> (…) SELECT … <source>`: `select` maps field names to SQL expressions over `source`
    (a FROM clause with its WHERE; `params` are the expressions' and its parameters, in the order they appear),
    `constants` maps field names to the value every row gets, and every other field gets its default (the time
    of the call for `auto_now` fields). With `ignore_conflicts`, a row that would break a unique constraint is
    skipped: someone else wrote it first. Returns how many rows were inserted, and the `returning` columns
    (names of fields) of each.
    """
    qn = connection.ops.quote_name
    meta = model._meta
    named = {meta.get_field(name).column for name in [*select, *(constants or {})]}
    blank = model()
    fixed = {
        field.column: field.get_db_prep_save(field.pre_save(blank, add=True), connection)
        for field in meta.concrete_fields
        if not field.primary_key and field.column not in named
    } | _database_values(model, constants or {})
    given = {meta.get_field(name).column: expression for name, expression in select.items()}
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(column) for column in [*fixed, *given])}) "
        f"SELECT {', '.join(['%s'] * len(fixed) + list(given.values()))} {source}"
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        + (
            f" RETURNING {', '.join(qn(meta.get_field(name).column) for name in returning)}"
            if returning
            else ""
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fixed.values(), *params])
        if returning:
            rows = cursor.fetchall()
            return len(rows), rows
        return cursor.rowcount, []


def rows_insert(
    model: type[models.Model],
    *,
    fields: Sequence[str],
    rows: Sequence[Sequence],
    constants: Mapping[str, Any] | None = None,
    ignore_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> tuple[int, list[tuple]]:
    """Insert `rows` (a value per field in `fields` each); as `insert_select`."""
    fields_ = [model._meta.get_field(name) for name in fields]
    table, params = rows_table(fields_, rows)
    qn = connection.ops.quote_name
    return insert_select(
        model,
        select={field.name: f"given.{qn(field.column)}" for field in fields_},
        # SQLite needs a WHERE to tell ON CONFLICT from a join's ON.
        source=f"FROM {table} WHERE 1 = 1",
        params=params,
        constants=constants,
        ignore_conflicts=ignore_conflicts,
        returning=returning,
    )


def rows_update(
    model: type[models.Model],
    *,
    fields: Sequence[str],
    rows: Sequence[Sequence],
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Set `fields` of each row's object to its values (a row is the primary key, then a value per field), and
    `constants` (field → value) on all of them. Returns how many rows were updated."""
    qn = connection.ops.quote_name
    meta = model._meta
    fields_ = [meta.get_field(name) for name in fields]
    table, params = rows_table([meta.pk, *fields_], rows)
    constants = _database_values(model, constants or {})
    assignments = [f"{qn(field.column)} = given.{qn(field.column)}" for field in fields_]
    assignments += [f"{qn(column)} = %s" for column in constants]
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {', '.join(assignments)} FROM {table} "  # noqa: S608 - names
        f"WHERE {qn(meta.db_table)}.{qn(meta.pk.column)} = given.{qn(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants.values(), *params])
        return cursor.rowcount

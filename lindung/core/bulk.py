"""Moving many rows at once without the ORM's per-object work: COPY on PostgreSQL,
`executemany`/`fetchall` on SQLite. `insert_table` takes an Arrow table whose columns are
database columns, with JSON already serialised and datetimes as `db_datetime` strings;
`select_table` reads one query's rows into an Arrow table of a given schema."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, models

_SQLITE_BATCH = 5000
_COPY_BATCH = 20_000


def db_datetime(value: datetime) -> str:
    """An aware datetime as text the database stores as it would through the ORM."""
    if connection.vendor == "postgresql":
        return value.isoformat()
    return str(connection.ops.adapt_datetimefield_value(value))


def json_param() -> str:
    """The placeholder for a JSON value given as text in hand-written SQL."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def insert_table(model: type[models.Model], table: pa.Table) -> None:
    """Insert every row of `table` into `model`'s table, in the current transaction."""
    if table.num_rows == 0:
        return
    quote = connection.ops.quote_name
    target = f"{quote(model._meta.db_table)} ({', '.join(quote(c) for c in table.column_names)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy:
                for chunk in _csv_chunks(table):
                    copy.write(chunk)
            return
        marks = ", ".join(["%s"] * table.num_columns)
        for batch in table.to_batches(max_chunksize=_SQLITE_BATCH):
            values = zip(*(column.to_pylist() for column in batch.columns), strict=True)
            cursor.executemany(f"INSERT INTO {target} VALUES ({marks})", list(values))  # noqa: S608


def _csv_chunks(table: pa.Table) -> Iterator[bytes]:
    """CSV for COPY: a null is an empty field, an empty string is `""`."""
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    for batch in table.to_batches(max_chunksize=_COPY_BATCH):
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, options)
        yield buffer.getvalue()


def select_table(sql: str, schema: pa.Schema) -> pa.Table:
    """The rows of `sql` as an Arrow table of `schema` (columns in the query's order).

    `sql` takes no parameters (COPY takes none): callers format in only table names,
    integers and ISO dates they made themselves. A NULL comes back as null and an empty
    string as an empty string, on both databases.
    """
    if connection.vendor == "postgresql":
        return _copy_out(sql, schema)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table(
        [
            pa.array([_sqlite_value(v, field.type) for v in values], field.type)
            for values, field in zip(columns, schema, strict=True)
        ],
        schema=schema,
    )


def _copy_out(sql: str, schema: pa.Schema) -> pa.Table:
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy,
    ):
        for chunk in copy:
            buffer.write(chunk)
    if buffer.tell() == 0:
        return schema.empty_table()
    buffer.seek(0)
    # PostgreSQL's CSV writes NULL as an empty field and an empty string as "".
    return pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=schema.names, block_size=16 << 20),
        convert_options=pacsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )


def _sqlite_value(value: Any, arrow_type: pa.DataType) -> Any:
    # SQLite hands booleans back as 0/1, and dates as text when they came through a join.
    if value is None:
        return None
    if pa.types.is_boolean(arrow_type):
        return bool(value)
    if pa.types.is_date(arrow_type) and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value

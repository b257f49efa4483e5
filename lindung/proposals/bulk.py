"""Writing many rows at once without the ORM's per-object work: COPY on PostgreSQL,
`executemany` on SQLite. Callers pass an Arrow table whose columns are database columns,
with JSON already serialised and datetimes as `db_datetime` strings."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

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

"""Read the persons lists operators bring (CSV, XLSX, Parquet) and write linkage results.

Every cell of a CSV or XLSX is read as text, so a NIK or an id never loses digits on the way
in; `prepare` parses dates and cleans NIKs. Headers are matched loosely: 'Tanggal Lahir' is
`tanggal_lahir`. Results are written under a temporary name and renamed, so a failed run
leaves no partial file.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from python_calamine import CalamineError, CalamineWorkbook

from lindung.engine.linkage.prepare import InputError

SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".parquet")


def read_table(path: Path, label: str) -> pa.Table:
    """The file as an Arrow table with normalised headers; `InputError` if it cannot be read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"File {label} {path} tidak ditemukan.")
    if suffix not in SUFFIXES:
        raise InputError(
            f"File {label} {path} bukan CSV, XLSX atau Parquet; simpan ulang dalam salah satu "
            "format itu."
        )
    try:
        if suffix == ".parquet":
            table = pq.read_table(path)
        elif suffix == ".csv":
            table = _read_csv(path)
        else:
            table = _read_sheet(path)
    except (OSError, ValueError, duckdb.Error, pa.ArrowException, CalamineError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"File {label} {path} tidak bisa dibaca: {reason}") from None
    return table.rename_columns([_header(name) for name in table.column_names])


def _header(name: str) -> str:
    return "_".join(str(name).strip().lower().split())


def _read_csv(path: Path) -> pa.Table:
    # DuckDB sniffs the delimiter (Indonesian Excel writes ';') and the quoting.
    con = duckdb.connect()
    try:
        return con.read_csv(str(path), header=True, all_varchar=True).fetch_arrow_table()
    finally:
        con.close()


def _read_sheet(path: Path) -> pa.Table:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    if not rows:
        raise ValueError("lembar pertama kosong")
    header, body = [str(cell) for cell in rows[0]], rows[1:]
    columns = list(zip(*body, strict=False)) if body else [() for _ in header]
    return pa.table(
        {
            name: pa.array([_cell_text(v) for v in values], pa.string())
            for name, values in zip(header, columns, strict=True)
        }
    )


def _cell_text(value: Any) -> str | None:
    """A spreadsheet cell as the text the operator sees; numbers without a trailing '.0'."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv_atomically(table: pa.Table, path: Path) -> None:
    """`table` as CSV at `path`, all or nothing."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pacsv.write_csv(table, temporary)
        temporary.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()

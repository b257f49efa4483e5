"""Tables to CSV, XLSX and Parquet files, with NIK and KK numbers always kept as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

FORMATS = ("csv", "xlsx", "parquet")
# Digits that must never become numbers: Excel would drop leading zeros and round 16 digits.
_TEXT_COLUMNS = ("nik", "kk", "no_hp")
# A fixed creation time keeps the file identical from one run to the next.
_XLSX_CREATED = datetime(2026, 1, 1)


def write_table(table: pa.Table, path: Path, fmt: str) -> None:
    _WRITERS[fmt](table, path)


def _write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(table, path)


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def _write_xlsx(table: pa.Table, path: Path) -> None:
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        book.set_properties({"created": _XLSX_CREATED})
        sheet = book.add_worksheet("data")
        header = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        writers = []
        for index, field in enumerate(table.schema):
            is_text = field.name in _TEXT_COLUMNS
            fmt = text if is_text else day if pa.types.is_date(field.type) else None
            sheet.set_column(index, index, _width(field), fmt)
            writers.append(_cell_writer(sheet, field, fmt))
        sheet.write_row(0, 0, table.column_names, header)
        sheet.freeze_panes(1, 0)
        row = 1
        for batch in table.to_batches(max_chunksize=8192):
            for values in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                for col, (value, write) in enumerate(zip(values, writers, strict=True)):
                    if value is not None:
                        write(row, col, value)
                row += 1


def _cell_writer(sheet: Any, field: pa.Field[Any], fmt: Any) -> Callable[[int, int, Any], None]:
    if pa.types.is_date(field.type):
        return lambda r, c, v: sheet.write_datetime(r, c, v, fmt)
    if pa.types.is_integer(field.type):
        return lambda r, c, v: sheet.write_number(r, c, v)
    return lambda r, c, v: sheet.write_string(r, c, v, fmt)


def _width(field: pa.Field[Any]) -> int:
    return {"nama": 28, "alamat": 32, "tempat_lahir": 20, "pekerjaan": 22}.get(field.name, 16)


_WRITERS: dict[str, Callable[[pa.Table, Path], None]] = {
    "csv": _write_csv,
    "xlsx": _write_xlsx,
    "parquet": _write_parquet,
}

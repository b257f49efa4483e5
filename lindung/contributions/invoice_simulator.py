"""A BPJS invoice's member list made from one of our bills, for the demo, tests and benchmark.

BPJS sends a list of the KPJs it bills with each one's contribution. Made from our own bill
it matches line for line; the deliberate differences a reconciler must find can be added:
`extra` KPJs we do not know, `missing` members left out, `changed` amounts (Rp1.000 more),
`duplicated` KPJs listed twice. Each mutation takes other members of the bill, in the bill's
order (missing first, then changed, then duplicated), so the counts are exact.
"""

from __future__ import annotations

import io
from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import xlsxwriter

from .models import Bill
from .reconciliation import read_ours

HEADERS = ("No", "No KPJ", "NIK", "Nama Peserta", "Iuran")
CHANGE = 1_000  # what a changed amount is off by
FORMATS = ("csv", "xlsx")


def invoice_table(
    bill: Bill, *, extra: int = 0, missing: int = 0, changed: int = 0, duplicated: int = 0
) -> pa.Table:
    """The member list as columns kpj, nik, name, amount (one row per line of the file)."""
    ours = read_ours(bill)
    billed = ours.filter(pc.is_valid(ours["billed"])).sort_by("membership_id")
    n = billed.num_rows
    if missing + changed + duplicated > n:
        raise ValueError(f"the bill has {n} members; cannot alter {missing + changed + duplicated}")
    amount = billed["billed"]
    if changed:
        shift = [0] * missing + [CHANGE] * changed + [0] * (n - missing - changed)
        amount = pc.add(cast(Any, amount), cast(Any, pa.array(shift, pa.int64())))
    rows = pa.table(
        {"kpj": billed["kpj"], "nik": billed["nik"], "name": billed["name"], "amount": amount}
    )
    twice = rows.slice(missing + changed, duplicated)
    parts = [rows.slice(missing), twice]
    if extra:
        usual = _most_common(billed["billed"]) if n else 16_800
        known = set(billed["kpj"].to_pylist()) if n < 100_000 else set()
        kpjs = [
            k for k in (f"99{i:09d}" for i in range(1, extra + len(known) + 2)) if k not in known
        ]
        parts.append(
            pa.table(
                {
                    "kpj": kpjs[:extra],
                    "nik": [f"9999{i:012d}" for i in range(1, extra + 1)],
                    "name": [f"Peserta Lain {i}" for i in range(1, extra + 1)],
                    "amount": pa.array([usual] * extra, pa.int64()),
                }
            )
        )
    return pa.concat_tables(parts)


def _most_common(amounts: Any) -> int:
    modes: Any = pc.mode(amounts)
    return int(modes[0]["mode"].as_py())


def invoice_file(
    bill: Bill,
    *,
    file_format: str = "csv",
    extra: int = 0,
    missing: int = 0,
    changed: int = 0,
    duplicated: int = 0,
) -> bytes:
    """The member list as BPJS might send it: CSV, or XLSX with text KPJ and NIK cells."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}")
    table = invoice_table(
        bill, extra=extra, missing=missing, changed=changed, duplicated=duplicated
    )
    if file_format == "csv":
        return invoice_csv(table)
    return _xlsx(table)


def invoice_csv(table: pa.Table) -> bytes:
    numbered = pa.table(
        {
            HEADERS[0]: pa.array(range(1, table.num_rows + 1), pa.int64()),
            HEADERS[1]: table["kpj"],
            HEADERS[2]: table["nik"],
            HEADERS[3]: table["name"],
            HEADERS[4]: table["amount"],
        }
    )
    buffer = io.BytesIO()
    pacsv.write_csv(numbered, buffer, pacsv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def _xlsx(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Tagihan")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    sheet.write(0, 0, "Rincian Tagihan Iuran Peserta Bukan Penerima Upah", bold)
    for col, header in enumerate(HEADERS):
        sheet.write(2, col, header, bold)
    columns = [table[name].to_pylist() for name in ("kpj", "nik", "name", "amount")]
    for i, (kpj, nik, name, amount) in enumerate(zip(*columns, strict=True), start=1):
        row = i + 2
        sheet.write_number(row, 0, i)
        sheet.write_string(row, 1, kpj or "")
        sheet.write_string(row, 2, nik or "")
        sheet.write_string(row, 3, name or "")
        sheet.write_number(row, 4, amount, money)
    book.close()
    return buffer.getvalue()

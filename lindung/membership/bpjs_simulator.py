"""A stand-in for BPJS Ketenagakerjaan: reads a registration file and writes the result
file a branch office would send back. For the demo and the tests only; real results come
from BPJS.

Most members get a KPJ ("25" and nine digits) and the start date; a small share is refused
with the reasons BPJS gives most often. The same export and seed give the same result.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from datetime import date, datetime, time, timedelta

import xlsxwriter
from django.utils import timezone

from lindung.engine.tabular import guess_mapping, read_sheet
from lindung.membership.bpjs_columns import REGISTRATION_SYNONYMS, RESULT_COLUMNS

REJECTION_REASONS = (
    "NIK sudah terdaftar sebagai peserta aktif",
    "NIK tidak ditemukan di Dukcapil",
    "Data tanggal lahir tidak sesuai",
)


def simulate_result(
    export_bytes: bytes,
    file_format: str,
    *,
    reject_share: float = 0.01,
    seed: int = 1,
    start: date | None = None,
) -> bytes:
    """The result file for `export_bytes` (an export in `file_format`, xlsx or csv), in the
    same format. `start`: the coverage start written for the registered (default: the first
    day of next month)."""
    sheet = read_sheet(
        export_bytes, filename=f"pendaftaran.{file_format}", fields=REGISTRATION_SYNONYMS
    )
    mapping = guess_mapping(sheet.headers, REGISTRATION_SYNONYMS)
    nik_header, name_header = mapping["nik"], mapping["nama"]
    if nik_header is None or name_header is None:
        raise ValueError("bukan berkas pendaftaran: kolom NIK atau Nama Lengkap tidak ada")
    niks = [v or "" for v in sheet.rows.column(nik_header).to_pylist()]
    names = [v or "" for v in sheet.rows.column(name_header).to_pylist()]
    # Seeded by the file too, so two exports get different KPJ numbers.
    digest = hashlib.sha256(export_bytes).hexdigest()
    rng = random.Random(f"{seed}:{digest}")
    refused = set(rng.sample(range(len(niks)), round(len(niks) * reject_share)))
    first = rng.randrange(10**8, 9 * 10**8)
    coverage_start = start or _next_month()
    day = coverage_start.strftime("%d-%m-%Y")
    rows: list[list[str]] = []
    for i, (nik, name) in enumerate(zip(niks, names, strict=True)):
        if i in refused:
            reason = REJECTION_REASONS[rng.randrange(len(REJECTION_REASONS))]
            rows.append([nik, name, "", "", "Ditolak", reason])
        else:
            rows.append([nik, name, f"25{first + i:09d}", day, "Berhasil", ""])
    return _xlsx(rows, coverage_start) if file_format == "xlsx" else _csv(rows)


def _next_month() -> date:
    today = timezone.localdate()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _headers() -> list[str]:
    return [column.header for column in RESULT_COLUMNS]


def _xlsx(rows: list[list[str]], created: date) -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        # The workbook's creation time would otherwise be the clock's, and the same export
        # and seed must give the same file.
        book.set_properties({"created": datetime.combine(created, time())})
        sheet = book.add_worksheet("Hasil")
        text = book.add_format({"num_format": "@"})
        sheet.write_row(0, 0, _headers())
        for index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value:
                    sheet.write_string(index, col, value, text)
    return out.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(_headers())
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")

"""Files for the registration tests: BPJS result files written by hand, and readers."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from python_calamine import CalamineWorkbook

from lindung.membership.models import RegistrationExport
from lindung.membership.registration import registration_export
from lindung.membership.tests.conftest import Determined, nik

HEADERS = ("NIK", "Nama", "No KPJ", "Tanggal Kepesertaan", "Status", "Keterangan")
START = date(2026, 2, 1)


def result_csv(
    rows: list[tuple[str, ...]],
    headers: tuple[str, ...] = HEADERS,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def ok(serial: int, kpj: str, start: str = "01-02-2026") -> tuple[str, ...]:
    return (nik(serial), f"Peserta {serial}", kpj, start, "Berhasil", "")


def refused(serial: int, reason: str) -> tuple[str, ...]:
    return (nik(serial), f"Peserta {serial}", "", "", "Ditolak", reason)


def export_all(
    determined: Determined, file_format: str = "xlsx"
) -> tuple[RegistrationExport, bytes]:
    export, body, _name = registration_export(
        actor=determined.users["manager"], programme=determined.programme, file_format=file_format
    )
    return export, body


def xlsx_rows(body: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    rows: list[list[Any]] = book.get_sheet_by_index(0).to_python()
    return rows


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))

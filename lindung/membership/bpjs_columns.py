"""The columns of the collective registration file sent to BPJS Ketenagakerjaan, and of the
result file it sends back. This module is the one place they are named.

The registration file follows the headers of BPJS's collective (kolektif) template for
Bukan Penerima Upah members paid by a regional government: one row per worker, the
programme's declared income and benefits on every row. `REGISTRATION_COLUMNS` is ordered
as the file is; each column says which membership values it needs (ORM lookups, fetched in
one query) and how it turns them into the cell.

The result file comes back from BPJS branch offices in several shapes ("No KPJ" or "Nomor
Kepesertaan", "TMT" or "Tanggal Kepesertaan", "Status" or "Hasil"); `RESULT_SYNONYMS` lists
the spellings seen, for `engine.tabular.guess_mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lindung.engine.tabular import FIELD_SYNONYMS

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """One column of the registration file."""

    key: str
    header: str
    lookups: tuple[str, ...]
    value: Callable[[Row], str | int]
    width: int
    # Written as text so Excel keeps every digit (NIK) and leading zero (phone).
    text: bool = True


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _benefits(row: Row) -> str:
    flags = (
        ("JKK", row["programme__covers_jkk"]),
        ("JKM", row["programme__covers_jkm"]),
        ("JHT", row["programme__covers_jht"]),
    )
    return ", ".join(name for name, covered in flags if covered)


def _field(lookup: str) -> Callable[[Row], str]:
    def read(row: Row) -> str:
        value = row[lookup]
        return "" if value is None else str(value)

    return read


REGISTRATION_COLUMNS: tuple[Column, ...] = (
    Column("nik", "NIK", ("nik",), _field("nik"), 20),
    Column("nama", "Nama Lengkap", ("name",), _field("name"), 30),
    Column("tempat_lahir", "Tempat Lahir", ("birth_place",), _field("birth_place"), 18),
    Column(
        "tanggal_lahir",
        "Tanggal Lahir (DD-MM-YYYY)",
        ("birth_date",),
        lambda row: _day(row["birth_date"]),
        14,
    ),
    Column("jenis_kelamin", "Jenis Kelamin (L/P)", ("sex",), _field("sex"), 10),
    Column("alamat", "Alamat", ("address",), _field("address"), 36),
    Column("desa", "Desa/Kelurahan", ("village__name",), _field("village__name"), 22),
    Column(
        "kecamatan", "Kecamatan", ("village__parent__name",), _field("village__parent__name"), 20
    ),
    Column(
        "kabupaten",
        "Kabupaten/Kota",
        ("village__parent__parent__name",),
        _field("village__parent__parent__name"),
        22,
    ),
    Column("pekerjaan", "Pekerjaan", ("occupation__name",), _field("occupation__name"), 22),
    Column(
        "penghasilan",
        "Penghasilan yang Dilaporkan",
        ("programme__declared_income",),
        lambda row: int(row["programme__declared_income"]),
        16,
        text=False,
    ),
    Column(
        "program",
        "Program",
        ("programme__covers_jkk", "programme__covers_jkm", "programme__covers_jht"),
        _benefits,
        14,
    ),
    Column("no_hp", "No HP", ("phone",), _field("phone"), 16),
)

REGISTRATION_HEADERS = tuple(column.header for column in REGISTRATION_COLUMNS)
REGISTRATION_LOOKUPS = tuple(
    dict.fromkeys(lookup for column in REGISTRATION_COLUMNS for lookup in column.lookups)
)


def registration_cells(row: Row) -> list[str | int]:
    return [column.value(row) for column in REGISTRATION_COLUMNS]


# -- reading files back ---------------------------------------------------------------------

# The registration file's own headers, to read it back (the simulator, tests).
REGISTRATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    column.key: (column.header,) for column in REGISTRATION_COLUMNS
}


@dataclass(frozen=True)
class ResultColumn:
    key: str
    header: str  # how the simulator names it; files from BPJS may use any synonym


RESULT_COLUMNS: tuple[ResultColumn, ...] = (
    ResultColumn("nik", "NIK"),
    ResultColumn("nama", "Nama"),
    ResultColumn("kpj", "No KPJ"),
    ResultColumn("tanggal_mulai", "Tanggal Kepesertaan"),
    ResultColumn("status", "Status"),
    ResultColumn("alasan", "Keterangan"),
)

# fmt: off
RESULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": FIELD_SYNONYMS["nik"],
    "nama": FIELD_SYNONYMS["nama"] + ("Nama Tenaga Kerja", "Nama TK"),
    "kpj": ("KPJ", "No KPJ", "No. KPJ", "Nomor KPJ", "KPJ/No Kepesertaan", "No Kepesertaan",
            "No. Kepesertaan", "Nomor Kepesertaan", "Nomor Peserta", "No Peserta",
            "No. Peserta", "Nomor Kartu", "No Kartu Peserta", "NPP/KPJ"),
    "tanggal_mulai": ("Tanggal Kepesertaan", "Tgl Kepesertaan", "Tgl. Kepesertaan",
                      "Tanggal Mulai", "Tgl Mulai", "Tanggal Mulai Kepesertaan",
                      "Mulai Kepesertaan", "Tanggal Kepesertaan/Mulai", "TMT",
                      "TMT Kepesertaan", "Tanggal Efektif", "Tgl Efektif", "Tanggal Aktif",
                      "Tanggal Terdaftar", "Tgl Terdaftar", "Tanggal Daftar", "Tgl Daftar",
                      "Tanggal Kepesertaan (DD-MM-YYYY)"),
    "status": ("Status", "Status Pendaftaran", "Status Kepesertaan", "Status Proses",
               "Hasil", "Hasil Pendaftaran", "Hasil Proses", "Hasil Validasi",
               "Status Validasi", "Keterangan Status"),
    "alasan": ("Keterangan", "Alasan", "Alasan Penolakan", "Alasan Ditolak", "Alasan Gagal",
               "Keterangan Gagal", "Keterangan Penolakan", "Catatan", "Pesan", "Remark",
               "Remarks", "Keterangan/Alasan"),
}
# fmt: on

# Status words, compared after case folding; refusals first because "tidak terdaftar"
# and "tidak berhasil" contain the words of success.
REJECTED_WORDS = (
    "ditolak", "tolak", "gagal", "tidak berhasil", "tidak terdaftar", "tidak valid",
    "tidak sesuai", "invalid", "batal", "failed", "rejected", "error",
)  # fmt: skip
REGISTERED_WORDS = (
    "berhasil", "diterima", "terdaftar", "sukses", "success", "aktif", "valid", "ok",
    "registered", "approved",
)  # fmt: skip
_SPACES = re.compile(r"\s+")


def result_status(text: str | None) -> str | None:
    """'registered', 'rejected', or None when the cell says neither (or is empty)."""
    if not text:
        return None
    folded = _SPACES.sub(" ", text.casefold().replace("_", " ")).strip()
    if any(word in folded for word in REJECTED_WORDS):
        return "rejected"
    if any(re.search(rf"\b{word}\b", folded) for word in REGISTERED_WORDS):
        return "registered"
    return None


# -- cells of the result file ---------------------------------------------------------------


def clean_kpj(text: str | None) -> str:
    """A KPJ as typed or exported: spaces and Excel's text apostrophe dropped, upper case."""
    return re.sub(r"\s+", "", (text or "").strip().lstrip("'‘’`")).upper()


KPJ_PATTERN = re.compile(r"[0-9A-Z][0-9A-Z.\-]{4,19}")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"), ("februari", "feb", "pebruari"), ("maret", "mar"),
            ("april", "apr"), ("mei",), ("juni", "jun"), ("juli", "jul"),
            ("agustus", "agu", "agt", "aug"), ("september", "sep", "sept"),
            ("oktober", "okt", "oct"), ("november", "nov", "nop"),
            ("desember", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMERIC_DAY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_WORD_DAY = re.compile(r"(\d{1,2})[ \-]+([A-Za-z]+)[ \-]+(\d{4})")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_day(text: str | None) -> date | None:
    """A date as BPJS files write it: 01-02-2026, 01/02/2026, 2026-02-01 (Excel dates are
    read as that), 1 Februari 2026, or an Excel day number; None when unreadable."""
    value = (text or "").strip()
    if not value:
        return None
    parts: tuple[int, int, int] | None = None
    if match := _NUMERIC_DAY.fullmatch(value):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    elif match := _ISO_DAY.fullmatch(value):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif (match := _WORD_DAY.fullmatch(value)) and match[2].casefold() in _MONTHS:
        parts = (int(match[3]), _MONTHS[match[2].casefold()], int(match[1]))
    elif value.isdigit() and 20_000 <= int(value) <= 80_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None

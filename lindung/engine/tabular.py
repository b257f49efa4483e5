"""Reading operators' spreadsheets (CSV, XLSX, XLS, ODS) into Arrow, every cell as text.

Operators send what their office systems export: CSV in UTF-8 or Windows' Latin-1, split by
commas or semicolons, workbooks with a title and merged cells above the header, NIKs typed as
numbers, formulas. Nothing here guesses what a value means: cells come back as text (or null
when empty) with their row number as the operator sees it in Excel, so a later step can say
"row 17: NIK is 15 digits". A file that cannot be read at all raises `TabularError` with an
Indonesian sentence saying what to do. No Django here.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 1_100_000
HEADER_SEARCH_ROWS = 20

_TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
_ZIP_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xlsb", ".ods"})
_WORKBOOK_EXTENSIONS = _ZIP_EXTENSIONS | {".xls"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` without importing Django."""
    return message


_MESSAGES: dict[str, str] = {
    "FILE_TYPE": gettext_noop(
        "Berkas {name} bukan CSV atau Excel yang bisa dibaca. Simpan ulang dari Excel sebagai "
        "XLSX (Buku Kerja Excel) atau CSV, lalu unggah lagi."
    ),
    "FILE_EMPTY": gettext_noop(
        "Berkas {name} kosong: tidak ada baris berisi data. Periksa bahwa Anda memilih berkas "
        "yang benar dan datanya ada di lembar pertama."
    ),
    "FILE_TOO_LARGE": gettext_noop(
        "Berkas {name} terlalu besar ({size} MB; batas {limit} MB). Bagi data menjadi "
        "beberapa berkas lalu unggah satu per satu."
    ),
    "FILE_CORRUPT": gettext_noop(
        "Berkas {name} rusak atau tidak lengkap sehingga tidak bisa dibuka. Buka di Excel, "
        "simpan ulang sebagai XLSX, lalu unggah lagi."
    ),
    "FILE_PASSWORD": gettext_noop(
        "Berkas {name} dilindungi kata sandi. Buka di Excel, hapus kata sandinya (File > Info "
        "> Lindungi Buku Kerja > Enkripsi dengan Kata Sandi, kosongkan), simpan, lalu unggah lagi."
    ),
    "FILE_ENCODING": gettext_noop(
        "Huruf di berkas {name} tidak bisa dibaca (pengodean teks tidak dikenal). Simpan ulang "
        "dari Excel sebagai CSV UTF-8 atau sebagai XLSX, lalu unggah lagi."
    ),
    "NO_HEADER": gettext_noop(
        "Baris judul kolom tidak ditemukan di {rows} baris pertama berkas {name}. Pastikan ada "
        "satu baris berisi nama kolom (mis. NIK, Nama) tepat di atas data."
    ),
    "TOO_MANY_ROWS": gettext_noop(
        "Berkas {name} berisi {rows} baris; batasnya {limit} baris per berkas. Bagi data "
        "menjadi beberapa berkas lalu unggah satu per satu."
    ),
}


class TabularError(ValueError):
    """The whole file is unusable; `message` says in Indonesian what the operator should do.

    `template` and `params` let the Django layer show the message in the user's language:
    `gettext(error.template).format(**error.params)`.
    """

    def __init__(
        self, code: str, message: str, template: str = "", params: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.template = template
        self.params = params or {}


def _error(code: str, **params: object) -> TabularError:
    texts = {name: str(value) for name, value in params.items()}
    template = _MESSAGES[code]
    return TabularError(code, template.format(**texts), template, texts)


@dataclass(frozen=True)
class RawSheet:
    headers: list[str]
    rows: pa.Table
    row_numbers: pa.Array[Any]
    header_row: int
    skipped_empty_rows: int
    sheet_name: str | None


# fmt: off
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "No. NIK", "No NIK", "Nomor NIK", "No KTP", "Nomor KTP", "No. KTP",
            "Nomor Induk Kependudukan", "NIK KTP"),
    "nama": ("Nama", "Nama Lengkap", "Nama Peserta", "Nama Pekerja", "Nama Sesuai KTP",
             "Nama Penerima", "Nama Anggota", "Nama ART"),
    "tanggal_lahir": ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir", "TGL_LAHIR",
                      "Tanggal Lahir (DD-MM-YYYY)", "Tanggal Lahir (HH-BB-TTTT)", "Tgl Lhr"),
    "tempat_lahir": ("Tempat Lahir", "Tmp Lahir", "Tmpt Lahir", "Tempat Lhr"),
    "jenis_kelamin": ("Jenis Kelamin", "JK", "L/P", "Kelamin", "Sex", "Gender"),
    "kode_wilayah": ("Kode Wilayah", "Kode Desa", "Kode Kelurahan", "Kode Desa/Kelurahan",
                     "Desa/Kelurahan", "Desa", "Kelurahan", "Kode Wilayah Desa"),
    "alamat": ("Alamat", "Alamat Lengkap", "Alamat Domisili", "Alamat Sesuai KTP"),
    "pekerjaan": ("Pekerjaan", "Jenis Pekerjaan", "Profesi", "Mata Pencaharian"),
    "kk": ("KK", "No KK", "No. KK", "Nomor KK", "Nomor Kartu Keluarga", "No Kartu Keluarga"),
    "no_hp": ("No HP", "No. HP", "Nomor HP", "Telepon", "No Telepon", "No. WA", "No WA",
              "Nomor Telepon", "HP"),
    "desil": ("Desil", "Peringkat Kesejahteraan", "Desil Kesejahteraan", "Desil Nasional"),
    "kpj": ("KPJ", "No KPJ", "No. KPJ", "Nomor KPJ", "Nomor Peserta", "No Peserta"),
    "segmen": ("Segmen", "Segmen Kepesertaan", "Kepesertaan", "Jenis Kepesertaan"),
    "aktif": ("Aktif", "Status", "Status Kepesertaan", "Status Aktif", "Status Peserta"),
    "kategori": ("Kategori", "Jenis", "Kategori Pengecualian", "Status Kepegawaian"),
    "tanggal_kejadian": ("Tanggal Kejadian", "Tanggal Meninggal", "Tgl Meninggal",
                         "Tanggal Kematian", "Tanggal Pindah", "Tgl Pindah", "Tgl Kejadian"),
    "program": ("Program", "Nama Program", "Pemberi Dana", "Sumber Dana"),
    "tujuan": ("Tujuan", "Tujuan Pindah", "Alamat Tujuan", "Pindah Ke", "Daerah Tujuan"),
}
# fmt: on


# --- header names --------------------------------------------------------------------------

_PARENTHESISED = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """'Tgl. Lahir', 'TGL_LAHIR' and 'tgl lahir' all become 'tgllahir'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return _NOT_ALNUM.sub("", folded)


def _header_keys(text: str) -> tuple[str, ...]:
    """The key of a header, and without its parenthesised hint ('Tanggal Lahir (DD-MM-YYYY)')."""
    full = header_key(text)
    short = header_key(_PARENTHESISED.sub("", text))
    return (full, short) if short and short != full else (full,)


def _synonym_keys(fields: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    return {
        field: {header_key(field), *(header_key(s) for s in synonyms)}
        for field, synonyms in fields.items()
    }


def guess_mapping(headers: list[str], fields: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    """For each field, the header that names it (first match, each header used once)."""
    keys = _synonym_keys(fields)
    used: set[str] = set()
    mapping: dict[str, str | None] = {}
    for field, known in keys.items():
        mapping[field] = None
        for header in headers:
            if header not in used and known.intersection(_header_keys(header)):
                mapping[field] = header
                used.add(header)
                break
    return mapping


def apply_mapping(sheet: RawSheet, mapping: Mapping[str, str | None]) -> pa.Table:
    """Columns named by field (unmapped fields as null text) plus `_row`, the file's row."""
    columns: dict[str, pa.Array[Any] | pa.ChunkedArray[Any]] = {}
    for field, header in mapping.items():
        if header is None:
            columns[field] = pa.nulls(sheet.rows.num_rows, pa.string())
        elif header in sheet.headers:
            columns[field] = sheet.rows.column(header)
        else:
            raise ValueError(f"kolom {header!r} tidak ada di berkas")
    columns["_row"] = sheet.row_numbers
    return pa.table(columns)


# --- reading -------------------------------------------------------------------------------


def read_sheet(
    source: Path | bytes,
    *,
    filename: str,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    fields: Mapping[str, Sequence[str]] | None = None,
) -> RawSheet:
    """The first non-empty sheet of a CSV/XLSX/XLS/ODS file, header found, cells as text.

    `fields` (default `FIELD_SYNONYMS`) names the headers that mark the header row: the first
    of the first 20 rows with at least two of them. Files with other headers still work: then
    the first row of two or more text cells (not numbers or dates) is the header.
    """
    name = Path(filename).name
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    if size > max_bytes:
        raise _error(
            "FILE_TOO_LARGE", name=name, size=_megabytes(size), limit=_megabytes(max_bytes)
        )
    if size == 0:
        raise _error("FILE_EMPTY", name=name)
    data = source.read_bytes() if isinstance(source, Path) else source
    grid, sheet_name = _read_grid(data, name)
    return _locate(grid, sheet_name, name, max_rows, FIELD_SYNONYMS if fields is None else fields)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _read_grid(data: bytes, name: str) -> tuple[pa.Table, str | None]:
    """All rows of the file as positional string columns c0..cN (row i = file row i + 1)."""
    extension = Path(name).suffix.lower()
    if data.startswith(_OLE_MAGIC) and extension in _ZIP_EXTENSIONS:
        # Excel saves a password-protected XLSX inside an OLE container instead of a zip.
        raise _error("FILE_PASSWORD", name=name)
    if data.startswith((_OLE_MAGIC, _ZIP_MAGIC)) and extension in _WORKBOOK_EXTENSIONS:
        return _read_workbook(data, name)
    if extension not in _TEXT_EXTENSIONS:
        raise _error("FILE_TYPE", name=name)
    return _read_csv(_decode(data, name), name), None


def _looks_like_text(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    return controls <= len(sample) // 100


# --- workbooks -----------------------------------------------------------------------------


def _read_workbook(data: bytes, name: str) -> tuple[pa.Table, str | None]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, sheet_name in enumerate(book.sheet_names):
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
            if _any_value(rows):
                return _grid_from_rows(rows), sheet_name
    except TabularError:
        raise
    except Exception as exc:  # calamine raises many kinds of errors for damaged files
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise _error("FILE_PASSWORD", name=name) from exc
        raise _error("FILE_CORRUPT", name=name) from exc
    raise _error("FILE_EMPTY", name=name)


def _any_value(rows: list[list[Any]]) -> bool:
    return any(cell != "" for row in rows for cell in row)


def _grid_from_rows(rows: list[list[Any]]) -> pa.Table:
    width = max((len(row) for row in rows), default=0)
    if any(len(row) != width for row in rows):
        rows = [row + [""] * (width - len(row)) for row in rows]
    columns = list(zip(*rows, strict=True)) if rows else []
    return pa.table({f"c{i}": _text_array(column) for i, column in enumerate(columns)})


def _text_array(values: Sequence[Any]) -> pa.Array[Any]:
    if all(type(value) is str for value in values):
        return _nulls_for_blanks(pa.array(values, pa.string()))
    return _nulls_for_blanks(pa.array([_cell_text(value) for value in values], pa.string()))


def _cell_text(value: Any) -> str:
    """One calamine cell as the operator reads it in Excel."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # A NIK typed as a number comes back as 1705016209900000.0: keep the digits, not an
        # exponent, so NIK validation can say what happened.
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _nulls_for_blanks(values: pa.Array[Any]) -> pa.Array[Any]:
    trimmed = pc.utf8_trim_whitespace(values)
    blank = pc.equal(trimmed, pa.scalar(""))
    result: pa.Array[Any] = pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)
    return result


# --- CSV -----------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _error("FILE_ENCODING", name=name) from exc
    if not _looks_like_text(data):
        if _looks_like_utf16(data):
            raise _error("FILE_ENCODING", name=name)
        raise _error("FILE_TYPE", name=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252; Latin-1 reads every byte.
        return data.decode("latin-1")


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[: _SNIFF_BYTES & ~1]
    zeros = sample[1::2].count(0) + sample[0::2].count(0)
    return zeros > len(sample) // 4 and (sample[1::2].count(0) == 0 or sample[0::2].count(0) == 0)


def _read_csv(text: str, name: str) -> pa.Table:
    # Trailing blank lines have no row of their own in Excel; dropping them keeps the fast
    # parser on files that end with an extra newline.
    text = text.rstrip("\r\n")
    if not text.strip():
        raise _error("FILE_EMPTY", name=name)
    delimiter = _sniff_delimiter(text[:_SNIFF_BYTES])
    try:
        return _read_csv_fast(text, delimiter)
    except pa.ArrowInvalid:
        # Rows of different lengths (a title line, a hand-edited row): the slow reader pads.
        return _read_csv_ragged(text, delimiter)


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:50]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        wide = [count for count in counts if count > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv_fast(text: str, delimiter: str) -> pa.Table:
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = [f"c{i}" for i in range(len(first))]
    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return pa.table({n: _nulls_for_blanks(table.column(n).combine_chunks()) for n in names})


def _read_csv_ragged(text: str, delimiter: str) -> pa.Table:
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _grid_from_rows(rows)


# --- header and rows -----------------------------------------------------------------------

_HEADER_LIKE = re.compile(r"[^\W\d_]")


def _locate(
    grid: pa.Table,
    sheet_name: str | None,
    name: str,
    max_rows: int,
    fields: Mapping[str, Sequence[str]],
) -> RawSheet:
    if grid.num_columns == 0 or grid.num_rows == 0:
        raise _error("FILE_EMPTY", name=name)
    filled = _filled_mask(grid)
    if not pc.any(filled).as_py():
        raise _error("FILE_EMPTY", name=name)
    top = [grid.slice(0, HEADER_SEARCH_ROWS).column(i).to_pylist() for i in range(grid.num_columns)]
    top_rows = [list(row) for row in zip(*top, strict=True)]
    header_index = _find_header(top_rows, fields)
    if header_index is None:
        raise _error("NO_HEADER", name=name, rows=HEADER_SEARCH_ROWS)
    body = grid.slice(header_index + 1)
    body_filled = filled.slice(header_index + 1)
    kept = pc.sum(body_filled).as_py() or 0
    if kept > max_rows:
        raise _error("TOO_MANY_ROWS", name=name, rows=f"{kept:,}", limit=f"{max_rows:,}")
    if kept == 0:
        raise _error("FILE_EMPTY", name=name)
    used = [pc.any(pc.is_valid(column)).as_py() for column in body.columns]
    headers, positions = _header_names(top_rows[header_index], used)
    numbers = pa.array(range(header_index + 2, header_index + 2 + body.num_rows), pa.int32())
    rows = body.filter(body_filled)
    return RawSheet(
        headers=headers,
        rows=pa.table({h: rows.column(p) for h, p in zip(headers, positions, strict=True)}),
        row_numbers=numbers.filter(body_filled),
        header_row=header_index + 1,
        skipped_empty_rows=body.num_rows - kept,
        sheet_name=sheet_name,
    )


def _filled_mask(grid: pa.Table) -> pa.Array[Any]:
    mask = pc.is_valid(grid.column(0))
    for column in grid.columns[1:]:
        mask = pc.or_(mask, pc.is_valid(column))
    return mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask


def _find_header(rows: list[list[str | None]], fields: Mapping[str, Sequence[str]]) -> int | None:
    known = set().union(*_synonym_keys(fields).values()) if fields else set()
    if known:
        for index, row in enumerate(rows):
            hits = sum(1 for cell in row if cell and known.intersection(_header_keys(cell)))
            if hits >= 2:
                return index
    for index, row in enumerate(rows):
        cells = [cell for cell in row if cell]
        if len(cells) >= 2 and all(_is_header_like(cell) for cell in cells):
            return index
    return None


def _is_header_like(cell: str) -> bool:
    return bool(_HEADER_LIKE.search(cell))


def _header_names(cells: list[str | None], used: list[bool]) -> tuple[list[str], list[int]]:
    """Unique header names and their column positions; unnamed columns with data are kept."""
    names: list[str] = []
    positions: list[int] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if cell is None and not used[position]:
            continue
        base = cell or f"Kolom {_column_letter(position)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
        positions.append(position)
    return names, positions


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

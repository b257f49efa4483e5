"""Cleaning the mapped columns of an extract, set-based, and saying why a row was refused.

A registry extract can hold a million rows: every rule runs as an Arrow compute kernel over
whole columns; Python only touches the rows that are refused, to write their reasons. The
NIK rule is the cleaning step of `lindung.people.nik` (spaces, dots, dashes and Excel's
apostrophe removed; 16 digits, not all zeros) expressed over a column, and a refused NIK
gets the same sentence `parse_nik` gives. A NIK with 16 digits is kept even if its date or
serial is wrong: extracts carry such NIKs and verification must still see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as arrow_compute
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lindung.engine.names import normalize_names
from lindung.people.nik import parse_nik
from lindung.references.models import ReferenceKind

_COMMON = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah", "kk")
FIELDS: dict[str, tuple[str, ...]] = {
    ReferenceKind.WELFARE: (*_COMMON, "desil"),
    ReferenceKind.BPJS: (*_COMMON, "kpj", "segmen", "aktif"),
    ReferenceKind.PROGRAMME: (*_COMMON, "program", "aktif"),
    ReferenceKind.EXCLUSION: (*_COMMON, "kategori"),
    ReferenceKind.DEATH: (*_COMMON, "tanggal_kejadian"),
    ReferenceKind.MOVE: (*_COMMON, "tanggal_kejadian", "tujuan"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    ReferenceKind.WELFARE: ("nik", "nama", "desil"),
    ReferenceKind.BPJS: ("nik", "nama"),
    ReferenceKind.PROGRAMME: ("nik", "nama", "program"),
    ReferenceKind.EXCLUSION: ("nik", "nama", "kategori"),
    ReferenceKind.DEATH: ("nik", "nama", "tanggal_kejadian"),
    ReferenceKind.MOVE: ("nik", "tanggal_kejadian"),
}
LABELS = {
    "nik": gettext_lazy("NIK"),
    "nama": gettext_lazy("Nama"),
    "tanggal_lahir": gettext_lazy("Tanggal lahir"),
    "jenis_kelamin": gettext_lazy("Jenis kelamin"),
    "kode_wilayah": gettext_lazy("Kode desa"),
    "kk": gettext_lazy("Nomor KK"),
    "desil": gettext_lazy("Desil"),
    "kpj": gettext_lazy("KPJ"),
    "segmen": gettext_lazy("Segmen"),
    "aktif": gettext_lazy("Status aktif"),
    "program": gettext_lazy("Program"),
    "kategori": gettext_lazy("Kategori"),
    "tanggal_kejadian": gettext_lazy("Tanggal kejadian"),
    "tujuan": gettext_lazy("Tujuan pindah"),
}
# Column in ReferenceRecord for each field, and its width where it is text.
COLUMNS = {
    "nik": "nik",
    "nama": "name",
    "tanggal_lahir": "birth_date",
    "jenis_kelamin": "sex",
    "kode_wilayah": "village_code",
    "kk": "kk",
    "desil": "desil",
    "kpj": "kpj",
    "segmen": "segment",
    "aktif": "active",
    "kategori": "category",
    "tanggal_kejadian": "event_date",
    "program": "detail",
    "tujuan": "detail",
}
_WIDTHS = {"nama": 200, "kpj": 20, "kategori": 60, "program": 200, "tujuan": 200}

# Keys are upper case with everything but letters and digits removed.
_SEXES = {
    **dict.fromkeys(("L", "LK", "LAKILAKI", "LAKI", "PRIA", "1", "M", "MALE"), "L"),
    **dict.fromkeys(("P", "PR", "PEREMPUAN", "WANITA", "2", "F", "FEMALE"), "P"),
}
_SEGMENTS = {
    **dict.fromkeys(("PU", "PENERIMAUPAH"), "pu"),
    **dict.fromkeys(("BPU", "BUKANPENERIMAUPAH"), "bpu"),
    **dict.fromkeys(("JAKON", "JASAKONSTRUKSI", "KONSTRUKSI"), "jakon"),
    **dict.fromkeys(("PMI", "PEKERJAMIGRANINDONESIA", "MIGRAN", "PEKERJAMIGRAN"), "pmi"),
}
_ACTIVE = {
    **dict.fromkeys(("AKTIF", "YA", "Y", "1", "TRUE", "YES", "BENAR"), True),
    **dict.fromkeys(
        ("NONAKTIF", "TIDAKAKTIF", "TIDAK", "T", "0", "FALSE", "NO", "N", "KELUAR", "SALAH"),
        False,
    ),
}
_EARLIEST = date(1900, 1, 1)
# pyarrow-stubs type each compute kernel per concrete array class; these columns change type
# from kernel to kernel, so they and the kernels are typed loosely.
Column = Any
pc: Any = arrow_compute
_CODES = {"nik": "NIK_FORMAT", "kk": "KK_FORMAT"}


@dataclass(frozen=True)
class Cleaned:
    """Accepted rows as ReferenceRecord columns, and the refused rows with their reasons."""

    records: pa.Table
    rejected_positions: list[int]
    reasons: list[list[dict[str, str]]]


@dataclass(frozen=True)
class _Column:
    values: Column
    bad: Column  # true where a non-empty cell could not be read
    explain: Callable[[str], str]  # the sentence for one bad cell


def clean(table: pa.Table, kind: str, *, today: date | None = None) -> Cleaned:
    """`table` is `tabular.apply_mapping` output: one text column per field, plus `_row`."""
    today = today or date.today()
    checked = {field: _CHECKS[field](_text(table, field), today) for field in FIELDS[kind]}
    required = REQUIRED[kind]
    problems: list[tuple[str, Column]] = []
    for field, column in checked.items():
        if field in required:
            problems.append((f"empty:{field}", pc.is_null(_text(table, field))))
        problems.append((field, column.bad))
    refused = _any(problems, table.num_rows)
    positions: list[int] = pc.indices_nonzero(refused).to_pylist()
    reasons = _reasons(positions, problems, checked, table)
    keep = pc.invert(refused)
    return Cleaned(_records(table, checked, keep), positions, reasons)


def _text(table: pa.Table, field: str) -> Column:
    column = table.column(field)
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _any(problems: list[tuple[str, Column]], rows: int) -> Column:
    refused: Column = pa.repeat(pa.scalar(False), rows)
    for _name, mask in problems:
        refused = pc.or_(refused, mask.fill_null(False))
    return refused


def _reasons(
    positions: list[int],
    problems: list[tuple[str, Column]],
    checked: dict[str, _Column],
    table: pa.Table,
) -> list[list[dict[str, str]]]:
    if not positions:
        return []
    index = pa.array(positions, pa.int64())
    reasons: list[list[dict[str, str]]] = [[] for _ in positions]
    for name, mask in problems:
        hits = pc.take(mask.fill_null(False), index).to_pylist()
        if not any(hits):
            continue
        field = name.removeprefix("empty:")
        raw = pc.take(_text(table, field), index).to_pylist()
        for i, (hit, value) in enumerate(zip(hits, raw, strict=True)):
            if hit:
                reasons[i].append(_reason(name, field, value, checked[field]))
    return reasons


def _reason(name: str, field: str, value: str | None, column: _Column) -> dict[str, str]:
    label = str(LABELS[field])
    if name.startswith("empty:"):
        message = _("%(label)s kosong; kolom ini wajib diisi.") % {"label": label}
        return {"code": "REQUIRED", "field": field, "message": message}
    code = _CODES.get(field, f"{field.upper()}_INVALID")
    return {"code": code, "field": field, "message": column.explain(value or "")}


def _records(table: pa.Table, checked: dict[str, _Column], keep: Column) -> pa.Table:
    columns: dict[str, Column] = {"row_number": _text(table, "_row").filter(keep)}
    for field, column in checked.items():
        columns[COLUMNS[field]] = column.values.filter(keep)
    names = columns.get("name")
    if names is not None:
        columns["name_normalized"] = pa.array(normalize_names(names.to_pylist()), pa.string())
    return pa.table(columns)


# --- one check per field -------------------------------------------------------------------


def _nik(values: Column, today: date) -> _Column:
    digits, ok = _sixteen_digits(values)

    def explain(value: str) -> str:
        findings = parse_nik(value, reference_date=today).findings
        formats = [f.render(_) for f in findings if f.code == "NIK_FORMAT"]
        return formats[0] if formats else _("NIK harus 16 angka.")

    return _Column(digits, _bad(values, ok), explain)


def _kk(values: Column, today: date) -> _Column:
    digits, ok = _sixteen_digits(values)

    def explain(value: str) -> str:
        return _("Nomor KK harus 16 angka; yang tertulis «%(value)s».") % {"value": value}

    return _Column(pc.if_else(ok, digits, "").fill_null(""), _bad(values, ok), explain)


def _sixteen_digits(values: Column) -> tuple[Column, Column]:
    text = pc.replace_substring_regex(values, "[\ufeff\u200b\u200c\u200d\u2060]", "")
    text = pc.replace_substring_regex(text, r"^['‘’`]\s*", "")
    grouped = pc.match_substring_regex(text, r"^[0-9]+(?:[ .\-]+[0-9]+)*$")
    digits = pc.replace_substring_regex(text, r"[ .\-]+", "")
    ok = pc.and_(
        pc.and_(grouped, pc.equal(pc.utf8_length(digits), 16)),
        pc.not_equal(digits, "0" * 16),
    )
    return pc.if_else(ok, digits, pa.scalar(None, pa.string())), ok


def _bad(values: Column, ok: Column) -> Column:
    """Non-empty cells that did not pass."""
    return pc.and_(pc.is_valid(values), pc.invert(ok.fill_null(False)))


def _text_field(field: str) -> Callable[[Column, date], _Column]:
    width = _WIDTHS.get(field, 200)

    def check(values: Column, today: date) -> _Column:
        ok = pc.less_equal(pc.utf8_length(values), width)

        def explain(value: str) -> str:
            return _("%(label)s terlalu panjang (%(count)d huruf; paling banyak %(width)d).") % {
                "label": LABELS[field],
                "count": len(value),
                "width": width,
            }

        return _Column(
            pc.if_else(ok, values, pa.scalar("")).fill_null(""), _bad(values, ok), explain
        )

    return check


def _date_field(field: str) -> Callable[[Column, date], _Column]:
    def check(values: Column, today: date) -> _Column:
        parsed = _dates(values)
        in_range = pc.and_(
            pc.greater_equal(parsed, pa.scalar(_EARLIEST, pa.date32())),
            pc.less_equal(parsed, pa.scalar(today, pa.date32())),
        )
        ok = in_range.fill_null(False)

        def explain(value: str) -> str:
            return _(
                "%(label)s «%(value)s» tidak bisa dibaca atau tidak masuk akal. Tulis sebagai "
                "HH-BB-TTTT (22-09-1990) atau TTTT-BB-HH (1990-09-22)."
            ) % {"label": LABELS[field], "value": value}

        return _Column(
            pc.if_else(ok, parsed, pa.scalar(None, pa.date32())), _bad(values, ok), explain
        )

    return check


def _dates(values: Column) -> Column:
    """YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or DD.MM.YYYY, a time part ignored; else null."""
    text = pc.replace_substring_regex(values, r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
    ymd = pc.extract_regex(text, r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$")
    dmy = pc.extract_regex(text, r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$")
    parts = {
        part: pc.coalesce(pc.struct_field(ymd, part), pc.struct_field(dmy, part))
        for part in ("y", "m", "d")
    }
    iso = pc.binary_join_element_wise(
        parts["y"],
        pc.utf8_lpad(parts["m"], width=2, padding="0"),
        pc.utf8_lpad(parts["d"], width=2, padding="0"),
        "-",
    )
    stamp = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 31-02 over into March: a date that does not print back is not a date.
    real = pc.equal(pc.strftime(stamp, format="%Y-%m-%d"), iso)
    return pc.if_else(real, pc.cast(stamp, pa.date32()), pa.scalar(None, pa.date32()))


def _lookup(
    table: dict[str, Any], arrow_type: pa.DataType, message: str, field: str
) -> Callable[[Column, date], _Column]:
    keys = pa.array(list(table), pa.string())
    results = pa.array(list(table.values()), arrow_type)

    def check(values: Column, today: date) -> _Column:
        key = pc.replace_substring_regex(pc.utf8_upper(values), "[^0-9A-Z]+", "")
        found = pc.take(results, pc.index_in(key, value_set=keys))
        ok = pc.is_valid(found)
        if pa.types.is_string(arrow_type):
            found = found.fill_null("")

        def explain(value: str) -> str:
            return _(message) % {"label": LABELS[field], "value": value}

        return _Column(found, _bad(values, ok), explain)

    return check


def village_codes(values: Column) -> Column:
    """'1705012001' or '17.05.01.2001' as the dotted code; null when it is neither."""
    parts = pc.extract_regex(values, r"^(?P<a>\d{2})\.?(?P<b>\d{2})\.?(?P<c>\d{2})\.?(?P<d>\d{4})$")
    return pc.binary_join_element_wise(
        *(pc.struct_field(parts, p) for p in ("a", "b", "c", "d")), "."
    )


def _village(values: Column, today: date) -> _Column:
    dotted = village_codes(values)
    ok = pc.is_valid(dotted)

    def explain(value: str) -> str:
        return _(
            "Kode desa «%(value)s» tidak dikenali; tulis 10 angka kode Kemendagri "
            "(1705012001) atau bertitik (17.05.01.2001). Jika kolom ini berisi nama desa, "
            "jangan petakan kolom itu sebagai kode desa."
        ) % {"value": value}

    return _Column(dotted.fill_null(""), _bad(values, ok), explain)


def _desil(values: Column, today: date) -> _Column:
    match = pc.extract_regex(values, r"(?i)^(?:desil\s*)?0*(?P<n>[1-9]|10)(?:[.,]0+)?$")
    number = pc.cast(pc.struct_field(match, "n"), pa.int16())

    def explain(value: str) -> str:
        return _("Desil «%(value)s» tidak dikenali; tulis angka 1 sampai 10.") % {"value": value}

    return _Column(number, _bad(values, pc.is_valid(number)), explain)


def _kpj(values: Column, today: date) -> _Column:
    compact = pc.replace_substring_regex(values, r"[\s.\-]+", "")
    return _text_field("kpj")(compact, today)


_CHECKS: dict[str, Callable[[Column, date], _Column]] = {
    "nik": _nik,
    "nama": _text_field("nama"),
    "tanggal_lahir": _date_field("tanggal_lahir"),
    "jenis_kelamin": _lookup(
        _SEXES,
        pa.string(),
        gettext_noop("%(label)s «%(value)s» tidak dikenali; tulis L atau P (Laki-laki/Perempuan)."),
        "jenis_kelamin",
    ),
    "kode_wilayah": _village,
    "kk": _kk,
    "desil": _desil,
    "kpj": _kpj,
    "segmen": _lookup(
        _SEGMENTS,
        pa.string(),
        gettext_noop("%(label)s «%(value)s» tidak dikenali; tulis PU, BPU, Jakon atau PMI."),
        "segmen",
    ),
    "aktif": _lookup(
        _ACTIVE,
        pa.bool_(),
        gettext_noop(
            "%(label)s «%(value)s» tidak dikenali; tulis Aktif atau Non Aktif (Ya/Tidak)."
        ),
        "aktif",
    ),
    "program": _text_field("program"),
    "kategori": _text_field("kategori"),
    "tanggal_kejadian": _date_field("tanggal_kejadian"),
    "tujuan": _text_field("tujuan"),
}

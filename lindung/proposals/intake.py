"""Deciding what becomes of each received row: accepted, rejected (with reasons the operator
can fix) or a duplicate of a proposal that already exists.

No database here: `services` looks everything up once (villages, occupations, existing
proposals, quota) and passes it in as a `Context`. Text is trimmed and dates are read for
the whole table at once in DuckDB; NIK, KK, sex, occupation and village cells are read once
per distinct value. What intake rejects is what cannot become a proposal: a NIK that is not
16 plausible digits, a missing name, birth date, sex or occupation, a village that is not
the sender's, a full quota. A NIK whose digits contradict the stated birth date or sex, or
an occupation the programme does not list, is accepted and left to automatic verification,
which decides by the programme's rules (the KTP itself may carry the contradiction).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lindung.engine.names import normalize_names
from lindung.people.nik import check_kk, format_date_id, parse_nik
from lindung.programs.models import QuotaKind
from lindung.proposals.models import Outcome

# The canonical columns of the template, in its order; the names are `FIELD_SYNONYMS` keys.
COLUMNS = (
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "kk",
    "alamat",
    "no_hp",
    "pekerjaan",
)
# A village code or an unambiguous village name (tabular's synonyms include "Desa").
VILLAGE_COLUMN = "kode_wilayah"
FIELDS = (*COLUMNS, VILLAGE_COLUMN)
REQUIRED = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "pekerjaan")
MAX_LENGTHS = {"nama": 150, "tempat_lahir": 100, "alamat": 255, "no_hp": 20, "pekerjaan": 100}
_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"]
_EARLIEST_BIRTH = date(1900, 1, 1)
_SEXES = {
    "L": "L", "LK": "L", "LAKILAKI": "L", "LAKI": "L", "PRIA": "L",
    "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P",
}  # fmt: skip
_VILLAGE_CODE = re.compile(r"([0-9]{2})\.?([0-9]{2})\.?([0-9]{2})\.?([0-9]{4})")
_VILLAGE_PREFIX = re.compile(r"^(DESA|DS|KELURAHAN|KEL)\b\.?\s*")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_NIK_REJECTS = frozenset({"NIK_FORMAT", "NIK_DATE", "NIK_SERIAL"})

Problem = dict[str, str]


def fold(text: str) -> str:
    """'Buruh  harian-lepas ' -> 'BURUH HARIAN LEPAS': how spellings are compared."""
    return _NOT_ALNUM.sub(" ", text.upper()).strip()


def occupation_spellings(occupations: list[tuple[int, str, str]]) -> dict[str, int]:
    """Folded name or keyword -> occupation id, from (id, name, comma-separated keywords).
    Names win over keywords; among keywords the first occupation to claim one keeps it."""
    spellings = {fold(name): pk for pk, name, _keywords in occupations}
    for pk, _name, keywords in occupations:
        for word in keywords.split(","):
            if word.strip():
                spellings.setdefault(fold(word), pk)
    return spellings


@dataclass(frozen=True)
class Context:
    today: date
    villages: Mapping[str, str]  # code -> name: the villages this batch may propose for
    fixed_village: str | None  # every row is for this village (a desa operator, --village)
    occupations: Mapping[str, int]  # `occupation_spellings`
    existing: Mapping[tuple[str, str], int]  # (village, nik) -> proposal id in the period
    quota_kind: str
    quota_size: int | None
    places_left: Mapping[str, int]  # quota key (village or district) -> places left now


@dataclass
class Decision:
    """What became of one row; `values` are the Proposal fields of an accepted row."""

    row_number: int
    outcome: str
    problems: list[Problem] = field(default_factory=list)
    values: dict[str, Any] | None = None
    existing_id: int | None = None  # duplicate of a proposal already in the database
    first_row: int | None = None  # duplicate of an accepted row earlier in this batch


def quota_key(kind: str, village: str) -> str | None:
    if kind == QuotaKind.VILLAGE:
        return village
    if kind == QuotaKind.DISTRICT:
        return village[:8]
    return None


def decide(table: pa.Table, context: Context) -> list[Decision]:
    """One decision per row of `table` (columns named by `FIELDS`, all text, plus `_row`)."""
    cells = _normalised(table)
    niks = _per_value(cells["nik"], lambda v: _nik(v, context.today), (None, None))
    kks = _per_value(cells["kk"], _kk, ("", None))
    sexes = _per_value(cells["jenis_kelamin"], _sex, None)
    occupations = _per_value(
        cells["pekerjaan"], lambda v: _occupation(v, context.occupations), None
    )
    villages = _per_value(cells["village"], _village_reader(context), _no_village(context))
    names = normalize_names(cells["nama"])
    state = _State(context)
    decisions = []
    for i, row_number in enumerate(cells["_row"]):
        problems = _problems(cells, i, context.today)
        nik, nik_problem = niks[i]
        kk, kk_problem = kks[i]
        village, village_problem = villages[i]
        problems += [p for p in (nik_problem, kk_problem, village_problem) if p]
        if cells["jenis_kelamin"][i] and sexes[i] is None:
            problems.append(_sex_problem(cells["jenis_kelamin"][i]))
        values = {
            "nik": nik,
            "kk": kk,
            "name": cells["nama"][i] or "",
            "name_normalized": names[i][:150],
            "birth_place": cells["tempat_lahir"][i] or "",
            "birth_date": cells["birth_date"][i],
            "sex": sexes[i],
            "address": cells["alamat"][i] or "",
            "phone": cells["no_hp"][i] or "",
            "occupation_id": occupations[i],
            "occupation_text": cells["pekerjaan"][i] or "",
            "village_id": village,
        }
        decisions.append(state.decide(int(row_number), problems, values))
    return decisions


class _State:
    """What earlier rows of the batch used up: places in the quota and (village, NIK) pairs."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.left = dict(context.places_left)
        self.seen: dict[tuple[str, str], int] = {}

    def decide(self, row_number: int, problems: list[Problem], values: dict[str, Any]) -> Decision:
        village, nik = values["village_id"], values["nik"]
        if village and nik:
            duplicate = self._duplicate(row_number, village, nik)
            if duplicate is not None:
                return duplicate
        if problems:
            return Decision(row_number, Outcome.REJECTED, problems)
        key = quota_key(self.context.quota_kind, village)
        if key is not None:
            left = self.left.get(key, self.context.quota_size or 0)
            if left <= 0:
                return Decision(row_number, Outcome.REJECTED, [self._quota_full(key)])
            self.left[key] = left - 1
        self.seen[(village, nik)] = row_number
        return Decision(row_number, Outcome.ACCEPTED, [], values)

    def _duplicate(self, row_number: int, village: str, nik: str) -> Decision | None:
        existing = self.context.existing.get((village, nik))
        if existing is not None:
            message = _(
                "NIK ini sudah diusulkan desa/kelurahan ini pada periode ini (usulan #%(id)s); "
                "baris ini tidak membuat usulan baru."
            ) % {"id": existing}
            problem = {"code": "ALREADY_PROPOSED", "field": "nik", "message": message}
            return Decision(row_number, Outcome.DUPLICATE, [problem], existing_id=existing)
        first = self.seen.get((village, nik))
        if first is not None:
            message = _(
                "NIK ini sudah ada di baris %(row)s berkas ini untuk desa/kelurahan yang sama; "
                "baris ini tidak membuat usulan baru."
            ) % {"row": first}
            problem = {"code": "DUPLICATE_IN_FILE", "field": "nik", "message": message}
            return Decision(row_number, Outcome.DUPLICATE, [problem], first_row=first)
        return None

    def _quota_full(self, key: str) -> Problem:
        size = self.context.quota_size or 0
        left = self.context.places_left.get(key, size)
        if self.context.quota_kind == QuotaKind.DISTRICT:
            area = _("kecamatan %(code)s") % {"code": key}
        else:
            area = self.context.villages.get(key, key)
        message = _(
            "Kuota %(area)s penuh: %(size)s orang per periode, tersisa %(left)s tempat saat "
            "kiriman ini diterima dan sudah terpakai oleh baris sebelumnya. Tarik dulu usulan "
            "lain yang belum diputuskan Dinas (tombol «Tarik usulan» di halaman usulan itu), "
            "atau usulkan orang ini di periode berikutnya."
        ) % {"area": area, "size": size, "left": max(left, 0)}
        return {"code": "QUOTA_FULL", "field": "", "message": message}


# -- whole-table normalisation ----------------------------------------------------------


def _normalised(table: pa.Table) -> dict[str, list[Any]]:
    """Trimmed text (empty = None) for every field, the village cell, and the read date."""
    con = duckdb.connect()
    try:
        con.register("source", table)
        trimmed = ", ".join(
            f"nullif(trim(regexp_replace({c}, '[\\s\u00a0\ufeff]+', ' ', 'g')), '') AS {c}"
            for c in FIELDS
        )
        result = con.sql(
            f"""
            WITH t AS (SELECT _row, {trimmed} FROM source)
            SELECT *, kode_wilayah AS village,
                try_strptime(tanggal_lahir, $formats)::DATE AS birth_date
            FROM t
            """,  # noqa: S608 - column names are ours, not the file's
            params={"formats": _DATE_FORMATS},
        ).fetch_arrow_table()
    finally:
        con.close()
    return {name: result[name].to_pylist() for name in result.column_names}


def _per_value(values: list[str | None], read: Callable[[str], Any], empty: Any) -> list[Any]:
    """`read` once per distinct value, `empty` for empty cells."""
    seen: dict[str, Any] = {}
    out = []
    for value in values:
        if value is None:
            out.append(empty)
        elif value in seen:
            out.append(seen[value])
        else:
            out.append(seen.setdefault(value, read(value)))
    return out


def _problems(cells: dict[str, list[Any]], i: int, today: date) -> list[Problem]:
    problems = []
    for column in REQUIRED:
        if cells[column][i] is None:
            problems.append(_empty(column))
    for column, limit in MAX_LENGTHS.items():
        text = cells[column][i]
        if text is not None and len(text) > limit:
            message = _(
                "Isian kolom %(column)s terlalu panjang: %(n)s huruf, paling banyak %(max)s."
            )
            problems.append(
                {
                    "code": "TOO_LONG",
                    "field": column,
                    "message": message % {"column": column, "n": len(text), "max": limit},
                }
            )
    typed, born = cells["tanggal_lahir"][i], cells["birth_date"][i]
    if typed is not None:
        problem = _birth_problem(typed, born, today)
        if problem:
            problems.append(problem)
    return problems


_EMPTY_MESSAGES = {
    "nik": gettext_noop("NIK kosong; isi 16 angka NIK sesuai KTP."),
    "nama": gettext_noop("Nama kosong; isi nama lengkap sesuai KTP."),
    "tanggal_lahir": gettext_noop(
        "Tanggal lahir kosong; isi sesuai KTP dengan format HH/BB/TTTT, mis. 22/11/1990."
    ),
    "jenis_kelamin": gettext_noop("Jenis kelamin kosong; isi L (laki-laki) atau P (perempuan)."),
    "pekerjaan": gettext_noop("Pekerjaan kosong; pilih pekerjaan dari daftar di templat."),
}
_EMPTY_CODES = {
    "nik": "NIK_FORMAT",
    "nama": "NAME_EMPTY",
    "tanggal_lahir": "BIRTH_DATE_EMPTY",
    "jenis_kelamin": "SEX_EMPTY",
    "pekerjaan": "OCCUPATION_EMPTY",
}


def _empty(column: str) -> Problem:
    return {"code": _EMPTY_CODES[column], "field": column, "message": _(_EMPTY_MESSAGES[column])}


def _birth_problem(typed: str, born: date | None, today: date) -> Problem | None:
    if born is None or born < _EARLIEST_BIRTH:
        message = _(
            "Tanggal lahir «%(text)s» tidak terbaca sebagai tanggal; tulis HH/BB/TTTT dengan "
            "tahun 4 angka, mis. 22/11/1990."
        ) % {"text": typed[:40]}
        return {"code": "BIRTH_DATE_INVALID", "field": "tanggal_lahir", "message": message}
    if born > today:
        message = _("Tanggal lahir %(day)s belum terjadi; periksa tanggal lahir di KTP.") % {
            "day": format_date_id(born)
        }
        return {"code": "BIRTH_DATE_INVALID", "field": "tanggal_lahir", "message": message}
    return None


def _sex_problem(typed: str) -> Problem:
    message = _("Jenis kelamin «%(text)s» tidak dikenal; isi L (laki-laki) atau P (perempuan).")
    return {"code": "SEX_INVALID", "field": "jenis_kelamin", "message": message % {"text": typed}}


# -- per distinct value --------------------------------------------------------------------


def _sex(text: str) -> str | None:
    return _SEXES.get(_NOT_ALNUM.sub("", text.upper()))


def _kk(text: str) -> tuple[str, Problem | None]:
    findings = [f for f in check_kk(text) if f.code == "KK_FORMAT"]
    if findings:
        return "", {"code": "KK_FORMAT", "field": "kk", "message": findings[0].render(_)}
    return re.sub(r"[^0-9]", "", text), None


def _nik(text: str, today: date) -> tuple[str | None, Problem | None]:
    info = parse_nik(text, reference_date=today)
    for finding in info.findings:
        if finding.severity == "error" and finding.code in _NIK_REJECTS:
            return None, {"code": finding.code, "field": "nik", "message": finding.render(_)}
    return info.nik, None


def _occupation(text: str, spellings: Mapping[str, int]) -> int | None:
    """The occupation a cell names, by its whole text or any '/'-separated part of it
    ('PETANI/PEKEBUN' is Petani); None when it names none of the list."""
    for part in [text, *re.split(r"[/,;]", text)]:
        found = spellings.get(fold(part))
        if found is not None:
            return found
    return None


def dotted_village_code(text: str) -> str | None:
    """'1705012002' or '17.05.01.2002' -> '17.05.01.2002'; None when it is not a code."""
    match = _VILLAGE_CODE.fullmatch(text.strip())
    return ".".join(match.groups()) if match else None


def _village_reader(context: Context) -> Callable[[str], tuple[str | None, Problem | None]]:
    by_name: dict[str, list[str]] = {}
    for code, name in context.villages.items():
        by_name.setdefault(_village_name_key(name), []).append(code)

    def read(text: str) -> tuple[str | None, Problem | None]:
        code = dotted_village_code(text)
        if code is not None:
            found = [code] if code in context.villages else []
        else:
            found = by_name.get(_village_name_key(text), [])
        if len(found) > 1:
            return None, _village_problem(
                "VILLAGE_AMBIGUOUS",
                _(
                    "Nama desa/kelurahan «%(text)s» ada lebih dari satu di wilayah Anda "
                    "(%(codes)s); tulis kode wilayahnya."
                )
                % {"text": text, "codes": ", ".join(sorted(found))},
            )
        if not found:
            return None, _village_problem(
                "VILLAGE_UNKNOWN",
                _(
                    "«%(text)s» bukan desa/kelurahan di wilayah kerja Anda untuk program ini; "
                    "tulis kode wilayah desa (mis. 17.05.01.2002) atau namanya."
                )
                % {"text": text},
            )
        code = found[0]
        fixed = context.fixed_village
        if fixed is not None and code != fixed:
            return None, _village_problem(
                "VILLAGE_MISMATCH",
                _(
                    "Baris ini untuk %(row)s, tetapi kiriman ini untuk %(fixed)s; hapus isi "
                    "kolom desa atau kirim baris ini dari desa tersebut."
                )
                % {"row": context.villages[code], "fixed": context.villages.get(fixed, fixed)},
            )
        return code, None

    return read


def _no_village(context: Context) -> tuple[str | None, Problem | None]:
    if context.fixed_village is not None:
        return context.fixed_village, None
    message = _("Kolom kode_wilayah kosong; tulis kode wilayah desa (mis. 17.05.01.2002).")
    return None, _village_problem("VILLAGE_EMPTY", message)


def _village_name_key(text: str) -> str:
    return fold(_VILLAGE_PREFIX.sub("", text.upper().strip()))


def _village_problem(code: str, message: str) -> Problem:
    return {"code": code, "field": "kode_wilayah", "message": message}

"""Reading and checking NIK and KK numbers, no Django.

NIK: PPRRSS DDMMYY XXXX, province/regency/district of issue, birth date (day + 40 for
women), two-digit year and a serial from 0001. KK: PPRRSS, the card's issue date (no + 40)
and a serial. Findings carry an Indonesian sentence; the templates are marked with
`gettext_noop` so `makemessages` collects them, and `Finding.render(gettext)` translates one
where it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Severity = Literal["error", "warning"]
SexCode = Literal["L", "P"]

MAX_AGE_YEARS = 120
_FEMALE_DAY_OFFSET = 40
_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` without importing Django."""
    return message


_TEMPLATES: dict[str, str] = {
    "empty": gettext_noop("{label} kosong; isi 16 angka sesuai {document}."),
    "not_digits": gettext_noop(
        "{label} hanya boleh berisi angka 0-9; ditemukan {chars}. Ketik ulang sesuai {document}."
    ),
    "excel": gettext_noop(
        "{label} terbaca sebagai angka Excel ({text}), sehingga digit terakhirnya hilang. "
        "Format kolom {label} sebagai Teks, lalu ketik ulang {label} sesuai {document}."
    ),
    "length": gettext_noop("{label} harus 16 angka; yang diketik {count} angka."),
    "zeros": gettext_noop("{label} tidak boleh nol semua; ketik {label} sesuai {document}."),
    "province": gettext_noop(
        "Kode provinsi di {label} (digit 1-2) tidak boleh 00; periksa {label} di {document}."
    ),
    "nik_date": gettext_noop(
        "Tanggal lahir di NIK (digit 7-12) tidak valid: {digits}. Periksa NIK di KTP; "
        "untuk perempuan tanggalnya ditambah 40 (mis. 62 = tanggal 22)."
    ),
    "nik_future": gettext_noop(
        "Tanggal lahir di NIK ({birth}) belum terjadi; periksa digit 7-12 NIK di KTP."
    ),
    "nik_too_old": gettext_noop(
        "Tanggal lahir di NIK ({birth}) berarti umur lebih dari {years} tahun; "
        "periksa digit 7-12 NIK di KTP."
    ),
    "serial": gettext_noop(
        "Nomor urut di {label} (digit 13-16) tidak boleh 0000; periksa {label} di {document}."
    ),
    "region_unknown": gettext_noop(
        "Kode wilayah {region} di NIK (digit 1-6) tidak ada di daftar wilayah; "
        "bisa jadi kode lama. Pastikan NIK sama dengan yang di KTP."
    ),
    "dob_mismatch": gettext_noop(
        "Tanggal lahir {stated} tidak sama dengan tanggal lahir di NIK ({birth}); "
        "perbaiki NIK atau tanggal lahirnya."
    ),
    "sex_mismatch": gettext_noop(
        "Jenis kelamin {stated} tidak sama dengan NIK ({nik_sex}; pada NIK perempuan "
        "tanggal lahir ditambah 40). Perbaiki NIK atau jenis kelaminnya."
    ),
    "kk_date": gettext_noop(
        "Tanggal terbit di nomor KK (digit 7-12) tidak valid: {digits}; periksa nomor KK di "
        "kartu keluarga."
    ),
    "kk_future": gettext_noop(
        "Tanggal terbit di nomor KK ({issued}) belum terjadi; periksa nomor KK di kartu keluarga."
    ),
}
_SEX_WORDS = {"L": gettext_noop("laki-laki"), "P": gettext_noop("perempuan")}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    # Kept so the Django layer can show the message in the user's language.
    template: str = field(default="", compare=False, repr=False)
    params: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    def render(self, translate: Callable[[str], str]) -> str:
        """The message through `translate` (e.g. Django's `gettext`)."""
        if not self.template:
            return self.message
        # The document names filled into the template are words to translate too.
        params = tuple(
            (name, translate(value) if name in _TRANSLATED_PARAMS else value)
            for name, value in self.params
        )
        return _fill(translate(self.template), params)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


def _fill(template: str, params: tuple[tuple[str, str], ...]) -> str:
    text = template.format(**dict(params))
    # Labels like "nomor KK" may open the sentence.
    return text[:1].upper() + text[1:]


def _finding(code: str, key: str, severity: Severity = "error", /, **params: object) -> Finding:
    template = _TEMPLATES[key]
    texts = tuple((name, str(value)) for name, value in params.items())
    return Finding(code, severity, _fill(template, texts), template, texts)


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_code: str | None = None
    province_code: str | None = None
    regency_code: str | None = None
    birth_date: date | None = None
    sex: SexCode | None = None
    serial: int | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "nik": self.nik,
            "region_code": self.region_code,
            "province_code": self.province_code,
            "regency_code": self.regency_code,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "serial": self.serial,
            "findings": [f.to_dict() for f in self.findings],
        }


def format_date_id(value: date) -> str:
    """`22 November 1990`, the house style, without needing a Django locale."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


# --- cleaning, shared by NIK and KK -------------------------------------------------------

_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_TEXT_PREFIXES = "'‘’`"  # Excel's "this is text" apostrophe, sometimes auto-curled
_GROUPED_DIGITS = re.compile(r"[0-9]+(?:[ .\-]+[0-9]+)*")
_SEPARATORS = re.compile(r"[ .\-]+")
# 1.70501E+15, 1,70501E+15 (Indonesian Excel) or a float's "1705014211900000.0".
_EXCEL_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+|[0-9]{15,16}[.,]0+")
_MAX_SHOWN = 5


@dataclass(frozen=True)
class _Document:
    label: str
    document: str
    prefix: str

    @property
    def names(self) -> dict[str, str]:
        return {"label": self.label, "document": self.document}


_NIK = _Document("NIK", gettext_noop("KTP"), "NIK")
_KK = _Document(gettext_noop("nomor KK"), gettext_noop("kartu keluarga"), "KK")
_TRANSLATED_PARAMS = frozenset({"label", "document"})


def _clean(raw: object, doc: _Document) -> tuple[str, Finding | None]:
    """The 16 digits, or the input and the format finding that explains why not."""
    given = "" if raw is None else str(raw)
    text = given
    text = text.strip().strip(_INVISIBLE).strip()
    if text[:1] and text[0] in _TEXT_PREFIXES:
        text = text[1:].strip()
    code = f"{doc.prefix}_FORMAT"
    names = doc.names
    if not text:
        return given, _finding(code, "empty", **names)
    if _EXCEL_NUMBER.fullmatch(text):
        return given, _finding(code, "excel", text=text, **names)
    if not _GROUPED_DIGITS.fullmatch(text):
        return given, _finding(code, "not_digits", chars=_odd_characters(text), **names)
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 16:
        return given, _finding(code, "length", count=len(digits), **names)
    if digits == "0" * 16:
        return digits, _finding(code, "zeros", **names)
    return digits, None


def _odd_characters(text: str) -> str:
    odd: list[str] = []
    for char in text:
        if not ("0" <= char <= "9" or char in " .-") and char not in odd:
            odd.append(char)
            if len(odd) == _MAX_SHOWN:
                break
    return ", ".join(f"«{c}»" if c.isprintable() and not c.isspace() else repr(c) for c in odd)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that is not a leap year
        return day.replace(year=day.year - years, day=28)


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_century(yy: int, month: int, day: int, reference: date) -> date | None:
    """20yy unless that is after `reference`, else 19yy; None when neither is a real date."""
    recent = _real_date(2000 + yy, month, day)
    if recent is not None and recent <= reference:
        return recent
    return _real_date(1900 + yy, month, day) or recent


# --- NIK -----------------------------------------------------------------------------------


def parse_nik(
    raw: str | None,
    *,
    reference_date: date | None = None,
    birth_date: date | None = None,
    sex: str | None = None,
    region_exists: Callable[[str], bool] | None = None,
) -> NikInfo:
    """Read a NIK as typed and say what is wrong with it. Never raises for a bad string.

    `birth_date` and `sex` are what the form or spreadsheet states; they are compared with
    the NIK. A `sex` other than L/P (any case) is not compared: that column has its own check.
    `region_exists` gets the dotted district code ('17.05.01'); an unknown one is only a
    warning because a NIK keeps the code of the district that issued it, which may be gone.
    """
    reference = reference_date or date.today()
    digits, problem = _clean(raw, _NIK)
    if problem is not None:
        return NikInfo(nik=digits, findings=(problem,))
    findings: list[Finding] = []
    province = digits[0:2]
    region = f"{province}.{digits[2:4]}.{digits[4:6]}"
    if province == "00":
        findings.append(_finding("NIK_FORMAT", "province", **_NIK.names))
    elif region_exists is not None and not region_exists(region):
        findings.append(_finding("NIK_REGION_UNKNOWN", "region_unknown", "warning", region=region))
    nik_sex, born, date_findings = _birth(digits[6:12], reference, birth_date)
    findings += date_findings
    serial = int(digits[12:16])
    if serial == 0:
        findings.append(_finding("NIK_SERIAL", "serial", **_NIK.names))
    stated_sex = (sex or "").strip().upper()
    if nik_sex is not None and stated_sex in _SEX_WORDS and stated_sex != nik_sex:
        findings.append(
            _finding(
                "NIK_SEX_MISMATCH",
                "sex_mismatch",
                stated=_SEX_WORDS[stated_sex],
                nik_sex=_SEX_WORDS[nik_sex],
            )
        )
    known_region = province != "00"
    return NikInfo(
        nik=digits,
        region_code=region if known_region else None,
        province_code=province if known_region else None,
        regency_code=region[:5] if known_region else None,
        birth_date=born,
        sex=nik_sex,
        serial=serial,
        findings=tuple(findings),
    )


def _birth(
    ddmmyy: str, reference: date, stated: date | None
) -> tuple[SexCode | None, date | None, list[Finding]]:
    """Sex, birth date and date findings from digits 7-12 of a NIK."""
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex: SexCode | None = None
    if 1 <= day <= 31:
        sex = "L"
    elif 1 <= day - _FEMALE_DAY_OFFSET <= 31:
        sex, day = "P", day - _FEMALE_DAY_OFFSET
    if sex is None:
        return None, None, [_finding("NIK_DATE", "nik_date", digits=ddmmyy)]
    # A stated birth date that fits the six digits settles the century for centenarians.
    born: date | None = stated
    if stated is None or (stated.day, stated.month, stated.year % 100) != (day, month, yy):
        born = _resolve_century(yy, month, day, reference)
    if born is None:
        return sex, None, [_finding("NIK_DATE", "nik_date", digits=ddmmyy)]
    if born > reference:
        return sex, None, [_finding("NIK_DATE", "nik_future", birth=format_date_id(born))]
    if born < _years_before(reference, MAX_AGE_YEARS):
        too_old = _finding(
            "NIK_DATE", "nik_too_old", birth=format_date_id(born), years=MAX_AGE_YEARS
        )
        return sex, None, [too_old]
    if stated is not None and stated != born:
        mismatch = _finding(
            "NIK_DOB_MISMATCH",
            "dob_mismatch",
            stated=format_date_id(stated),
            birth=format_date_id(born),
        )
        return sex, born, [mismatch]
    return sex, born, []


_DISTRICT_CODE = re.compile(r"([0-9]{2})\.?([0-9]{2})\.?([0-9]{2})")


def compose_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """The NIK for these parts; the inverse of `parse_nik`, for synthetic data and tests."""
    match = _DISTRICT_CODE.fullmatch(district_code)
    if match is None or match.group(1) == "00":
        raise ValueError(f"kode kecamatan tidak valid: {district_code!r}")
    if sex not in _SEX_WORDS:
        raise ValueError(f"jenis kelamin harus 'L' atau 'P': {sex!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"nomor urut harus 1-9999: {serial!r}")
    day = birth_date.day + (_FEMALE_DAY_OFFSET if sex == "P" else 0)
    return (
        "".join(match.groups()) + f"{day:02d}{birth_date:%m}{birth_date.year % 100:02d}{serial:04d}"
    )


def mask_nik(nik: str) -> str:
    """`1705********0003`: enough to tell records apart, not enough to use the NIK."""
    text = nik.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


# --- KK ------------------------------------------------------------------------------------


def check_kk(raw: str | None, *, reference_date: date | None = None) -> tuple[Finding, ...]:
    """Findings for a family card number as typed; empty when it looks right."""
    reference = reference_date or date.today()
    digits, problem = _clean(raw, _KK)
    if problem is not None:
        return (problem,)
    findings: list[Finding] = []
    if digits[0:2] == "00":
        findings.append(_finding("KK_FORMAT", "province", **_KK.names))
    ddmmyy = digits[6:12]
    issued = _resolve_century(int(ddmmyy[4:6]), int(ddmmyy[2:4]), int(ddmmyy[0:2]), reference)
    if issued is None:
        findings.append(_finding("KK_DATE", "kk_date", digits=ddmmyy))
    elif issued > reference:
        findings.append(_finding("KK_DATE", "kk_future", issued=format_date_id(issued)))
    if digits[12:16] == "0000":
        findings.append(_finding("KK_SERIAL", "serial", **_KK.names))
    return tuple(findings)

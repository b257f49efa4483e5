"""A decree's attachment (lampiran) as the PDF the Bupati signs and as a spreadsheet.

The attachment is a legal document in Indonesian whatever language the reader's screen
uses. Its rows are read in one query (`attachment_rows`) and grouped by kecamatan and
desa/kelurahan in the order the entries were numbered.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import weasyprint
import xlsxwriter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.people.nik import format_date_id, mask_nik
from lindung.regions import codes
from lindung.regions.models import Region

from .models import Decree, DecreeChange, DecreeEntry, DecreeKind, EndReason


class _NoFontSubsetNotice(logging.Filter):
    """WeasyPrint says on every PDF that it subsets fonts with fontTools where Debian's
    HarfBuzz lacks the subset library; the PDF is the same, so the notice is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_NoFontSubsetNotice())

LANGUAGE = "id"
_ENTRY_FIELDS = (
    "number",
    "change",
    "membership__village_id",
    "membership__village__name",
    "membership__village__parent_id",
    "membership__village__parent__name",
    "membership__name",
    "membership__nik",
    "membership__birth_place",
    "membership__birth_date",
    "membership__sex",
    "membership__occupation__name",
    "membership__end_reason",
    "membership__ended_on",
    "membership__replaces__name",
    "membership__replaces__nik",
)


@dataclass(frozen=True)
class Row:
    """One line of the attachment, with `no` counted within its section."""

    no: int
    change: str
    district_code: str
    district: str
    village_code: str
    village: str
    name: str
    nik: str
    birth_place: str
    birth_date: date
    sex: str
    occupation: str
    end_reason: str
    ended_on: date | None
    replaces_name: str
    replaces_nik: str

    @property
    def born(self) -> str:
        day = format_date_id(self.birth_date)
        return f"{self.birth_place}, {day}" if self.birth_place else day

    @property
    def ended_text(self) -> str:
        return format_date_id(self.ended_on) if self.ended_on else ""

    @property
    def replaces(self) -> str:
        return f"{self.replaces_name} ({self.replaces_nik})" if self.replaces_name else ""


@dataclass
class Village:
    label: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class District:
    label: str
    villages: list[Village] = field(default_factory=list)


@dataclass
class Section:
    change: str
    heading: str
    total_label: str
    # Column widths in percent: No, Nama, NIK, Tempat/Tanggal Lahir, L/P, then the rest.
    widths: tuple[int, ...] = (6, 27, 20, 24, 5, 18)
    count: int = 0
    districts: list[District] = field(default_factory=list)

    @property
    def words(self) -> str:
        return terbilang(self.count)


def attachment_rows(decree: Decree, *, full_nik: bool) -> list[Row]:
    """Every line of `decree`, NIKs masked unless `full_nik`, in one query."""
    shown = (lambda v: v) if full_nik else mask_nik
    entries = DecreeEntry.objects.filter(decree=decree).order_by("number")
    rows: list[Row] = []
    counted: dict[str, int] = {}
    reasons = dict(EndReason.choices)
    for values in entries.values_list(*_ENTRY_FIELDS).iterator(chunk_size=5_000):
        (_n, change, village_code, village, district_code, district, name, nik, place,
         born, sex, job, reason, ended_on, replaces_name, replaces_nik) = values  # fmt: skip
        counted[change] = counted.get(change, 0) + 1
        rows.append(
            Row(
                no=counted[change],
                change=change,
                district_code=district_code,
                district=district,
                village_code=village_code,
                village=village,
                name=name,
                nik=shown(nik),
                birth_place=place,
                birth_date=born,
                sex=sex,
                occupation=job or "",
                end_reason=str(reasons.get(reason, reason)) if reason else "",
                ended_on=ended_on,
                replaces_name=replaces_name or "",
                replaces_nik=shown(replaces_nik) if replaces_nik else "",
            )
        )
    return rows


def head_title(signer_title: str) -> str:
    """Whose decree it is, from the signer's title: "Pj. Bupati Seluma" -> "BUPATI SELUMA".

    An acting or deputy head signs the head's decree, so the office is what counts."""
    found = _HEAD.search(signer_title)
    text = found.group(0) if found else _ACTING.sub("", signer_title.strip())
    return " ".join(text.split()).upper()


_HEAD = re.compile(r"\b(?:bupati|wali\s*kota|gubernur)\b.*", re.IGNORECASE)
_ACTING = re.compile(
    r"^(?:plt\.?|plh\.?|pj\.?|penjabat|pelaksana\s+(?:tugas|harian)|a\.\s*n\.)\s+",
    re.IGNORECASE,
)

_ONES = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
)  # fmt: skip


def terbilang(n: int) -> str:
    """A count in Indonesian words, as legal documents write it: 125 -> "seratus dua puluh
    lima"."""
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    for size, word, one in (
        (1_000_000_000, "miliar", "satu miliar"),
        (1_000_000, "juta", "satu juta"),
        (1_000, "ribu", "seribu"),
        (100, "ratus", "seratus"),
        (10, "puluh", ""),
    ):
        if n >= size:
            high, rest = divmod(n, size)
            head = one if high == 1 and one else f"{terbilang(high)} {word}"
            return head if rest == 0 else f"{head} {terbilang(rest)}"
    raise AssertionError(n)  # pragma: no cover - every n >= 20 meets a size above


def _village_label(code: str, name: str) -> str:
    kind = Region.Kind(codes.village_kind(code))
    return f"{kind.label} {name}"


def _sections(decree: Decree, rows: list[Row]) -> list[Section]:
    if decree.kind == DecreeKind.ORIGINAL:
        sections = {DecreeChange.ADDED: Section(DecreeChange.ADDED, "", _("Jumlah peserta"))}
    else:
        sections = {
            DecreeChange.ENDED: Section(
                DecreeChange.ENDED,
                _("A. Peserta yang dikeluarkan"),
                _("Jumlah peserta yang dikeluarkan"),
                widths=(5, 22, 20, 20, 5, 16, 12),
            ),
            DecreeChange.ADDED: Section(
                DecreeChange.ADDED,
                _("B. Peserta pengganti"),
                _("Jumlah peserta pengganti"),
                widths=(5, 20, 20, 18, 5, 11, 21),
            ),
        }
    for row in rows:
        section = sections[DecreeChange(row.change)]
        section.count += 1
        if not section.districts or section.districts[-1].label != _district_label(row):
            section.districts.append(District(_district_label(row)))
        villages = section.districts[-1].villages
        label = _village_label(row.village_code, row.village)
        if not villages or villages[-1].label != label:
            villages.append(Village(label))
        villages[-1].rows.append(row)
    return list(sections.values())


def _district_label(row: Row) -> str:
    return _("Kecamatan %(name)s") % {"name": row.district}


def attachment_context(decree: Decree, *, full_nik: bool) -> dict[str, Any]:
    """What the attachment says, for the PDF template and the spreadsheet's title rows."""
    decree = Decree.objects.select_related("programme__owner", "period", "amends").get(pk=decree.pk)
    rows = attachment_rows(decree, full_nik=full_nik)
    sections = _sections(decree, rows)
    head = head_title(decree.signer_title)
    amended = decree.amends
    reference = ""
    if amended is not None:
        reference = _(
            "Perubahan atas Keputusan %(head)s Nomor %(number)s tanggal %(date)s tentang "
            "%(title)s, berlaku mulai %(effective)s."
        ) % {
            "head": head.title(),
            "number": amended.number,
            "date": format_date_id(amended.signed_on),
            "title": amended.title,
            "effective": format_date_id(decree.effective_on),
        }
    heading = (
        (_("DAFTAR PESERTA") if amended is None else _("DAFTAR PERUBAHAN PESERTA"))
        + " "
        + decree.programme.name.upper()
    )
    area = decree.programme.owner.name.upper()
    return {
        "decree": decree,
        "head": head,
        "signed": format_date_id(decree.signed_on),
        "heading": heading,
        "period": decree.period.name.upper(),
        # "... KABUPATEN SELUMA" once: programmes named after their area don't repeat it.
        "area": "" if heading.endswith(area) else area,
        "reference": reference,
        "sections": [s for s in sections if s.count or amended is not None],
        "full_nik": full_nik,
        "signer_title": decree.signer_title.upper(),
        "rows": rows,
    }


def attachment_html(decree: Decree, *, full_nik: bool) -> str:
    with translation.override(LANGUAGE):
        context = attachment_context(decree, full_nik=full_nik)
        return render_to_string("membership/decree_attachment.html", context)


# Up to this many lines an attachment is rendered while the person waits (WeasyPrint: a few
# seconds per thousand lines); above it, a background job renders it once and the download
# waits for the stored file. A decree never changes after it is recorded, so neither does
# its attachment.
RENDER_WHILE_WAITING = 3_000


def stored_pdf_path(decree: Decree, *, full_nik: bool) -> Path:
    """Named by the decree's id and a digest of what identifies it (programme, number, when
    it was recorded): a database rebuilt or restored from an older copy reuses ids, and its
    decree 1 must never be served the attachment, with other people's NIKs, of the decree 1
    that was there before."""
    identity = f"{decree.pk}|{decree.programme_id}|{decree.number}|{decree.created_at.isoformat()}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    folder = Path(settings.VAR_DIR) / "decrees"
    return folder / f"sk-{decree.pk}-{digest}-{'nik-lengkap' if full_nik else 'nik-samar'}.pdf"


def queued_marker(decree: Decree, *, full_nik: bool) -> Path:
    """Present while a background job renders the attachment."""
    return stored_pdf_path(decree, full_nik=full_nik).with_suffix(".queued")


def stored_pdf(decree: Decree, *, full_nik: bool) -> bytes | None:
    """The stored attachment, or None when it has not been rendered yet."""
    path = stored_pdf_path(decree, full_nik=full_nik)
    return path.read_bytes() if path.is_file() else None


def store_pdf(decree: Decree, *, full_nik: bool) -> Path:
    """Render the attachment and keep it (written to a temporary name, then renamed, so a
    half-written file is never served)."""
    path = stored_pdf_path(decree, full_nik=full_nik)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(attachment_pdf(decree, full_nik=full_nik))
    partial.replace(path)
    return path


def attachment_pdf(decree: Decree, *, full_nik: bool) -> bytes:
    """The attachment as an A4 PDF, "Halaman X dari Y" at the foot of every page."""
    html = attachment_html(decree, full_nik=full_nik)
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


_XLSX_COLUMNS = (
    # (title, width, key)
    (gettext_lazy("No."), 6, "no"),
    (gettext_lazy("Kecamatan"), 18, "district"),
    (gettext_lazy("Desa/Kelurahan"), 20, "village"),
    (gettext_lazy("Nama"), 28, "name"),
    (gettext_lazy("NIK"), 19, "nik"),
    (gettext_lazy("Tempat Lahir"), 16, "birth_place"),
    (gettext_lazy("Tanggal Lahir"), 13, "birth_date"),
    (gettext_lazy("L/P"), 5, "sex"),
    (gettext_lazy("Pekerjaan"), 18, "occupation"),
)
_XLSX_AMENDMENT_COLUMNS = (
    (gettext_lazy("Perubahan"), 14, "change"),
    (gettext_lazy("Alasan Berhenti"), 28, "end_reason"),
    (gettext_lazy("Berhenti Mulai"), 13, "ended_on"),
    (gettext_lazy("Menggantikan"), 28, "replaces_name"),
    (gettext_lazy("NIK yang Digantikan"), 19, "replaces_nik"),
)
_HEADER_ROW = 4


def attachment_xlsx(decree: Decree, *, full_nik: bool) -> bytes:
    """The attachment as one sheet: title rows, a frozen header, one row per entry."""
    with translation.override(LANGUAGE):
        context = attachment_context(decree, full_nik=full_nik)
        return _xlsx(context)


def _xlsx(context: dict[str, Any]) -> bytes:
    decree: Decree = context["decree"]
    columns = list(_XLSX_COLUMNS)
    if decree.kind == DecreeKind.AMENDMENT:
        columns += _XLSX_AMENDMENT_COLUMNS
    changes = {DecreeChange.ADDED: _("Pengganti"), DecreeChange.ENDED: _("Dikeluarkan")}
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as book:
        sheet = book.add_worksheet(_("Lampiran"))
        bold = book.add_format({"bold": True})
        header = book.add_format({"bold": True, "border": 1, "bg_color": "#E8E8E8"})
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        for col, (_title, width, key) in enumerate(columns):
            sheet.set_column(col, col, width, text if key in ("nik", "replaces_nik") else None)
        sheet.write_string(
            0,
            0,
            _("LAMPIRAN KEPUTUSAN %(head)s NOMOR %(number)s TANGGAL %(date)s")
            % {"head": context["head"], "number": decree.number, "date": context["signed"]},
            bold,
        )
        sheet.write_string(1, 0, _("TENTANG %(title)s") % {"title": decree.title.upper()}, bold)
        sheet.write_string(2, 0, f"{context['heading']} - {context['period']}")
        for col, (title, _width, _key) in enumerate(columns):
            sheet.write_string(_HEADER_ROW, col, str(title), header)
        for r, row in enumerate(context["rows"], start=_HEADER_ROW + 1):
            for col, (_title, _width, key) in enumerate(columns):
                value = getattr(row, key)
                if key == "no":
                    sheet.write_number(r, col, value)
                elif isinstance(value, date):
                    sheet.write_datetime(r, col, value, day)
                elif key == "change":
                    sheet.write_string(r, col, str(changes[DecreeChange(value)]))
                elif value:
                    sheet.write_string(r, col, str(value), text if "nik" in key else None)
        sheet.freeze_panes(_HEADER_ROW + 1, 0)
    return out.getvalue()

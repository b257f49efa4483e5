"""Spreadsheets operators fill and fix: the proposal template (XLSX with drop-downs and an
instructions sheet, or CSV) and the rejected rows of a batch with what to fix in each.

NIK and KK columns are formatted as Text so Excel keeps all 16 digits; the drop-downs read
their lists from a second sheet because Excel limits a list typed into a validation to 255
characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.programs.models import Programme, ProposalPeriod, QuotaKind
from lindung.proposals.intake import COLUMNS, VILLAGE_COLUMN

MAX_TEMPLATE_ROWS = 100_000
TEXT_FORMAT = 49  # Excel's built-in "Text" (@): typed digits stay text, all 16 of them
_TEXT_COLUMNS = ("nik", "kk", "no_hp")
_WIDTHS = {"nama": 28, "alamat": 32, "tempat_lahir": 18, "pekerjaan": 26, "kode_wilayah": 16}
# Cells starting with these run as formulas when a spreadsheet opens them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TemplateInfo:
    """What the instructions sheet tells the operator."""

    programme: Programme
    period: ProposalPeriod | None
    occupations: list[str]
    villages: dict[str, str]  # code -> name the sender may propose for
    places_left: dict[str, int | None]  # village code -> places left; None = no quota
    multi_village: bool  # a village column is needed (Dinas, kecamatan)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*COLUMNS, VILLAGE_COLUMN) if self.multi_village else COLUMNS


def _descriptions() -> dict[str, tuple[str, str]]:
    """Column -> (required, what to write), in Indonesian."""
    required, optional = _("wajib"), _("boleh kosong")
    return {
        "nik": (
            required,
            _(
                "16 angka sesuai KTP. Kolom ini berformat Teks: ketik atau tempel sebagai "
                "teks, jangan sebagai angka (Excel akan membulatkan angka terakhir)."
            ),
        ),
        "nama": (required, _("Nama lengkap sesuai KTP.")),
        "tempat_lahir": (optional, _("Tempat lahir sesuai KTP.")),
        "tanggal_lahir": (required, _("Tanggal lahir sesuai KTP: HH/BB/TTTT, mis. 22/11/1990.")),
        "jenis_kelamin": (required, _("L (laki-laki) atau P (perempuan); pilih dari daftar.")),
        "kk": (optional, _("Nomor kartu keluarga, 16 angka, berformat Teks.")),
        "alamat": (optional, _("Alamat tempat tinggal: dusun/RT/RW.")),
        "no_hp": (optional, _("Nomor HP yang bisa dihubungi.")),
        "pekerjaan": (required, _("Pilih dari daftar pekerjaan program (lembar Daftar).")),
        "kode_wilayah": (
            required,
            _(
                "Kode desa/kelurahan Kemendagri (mis. 17.05.01.2002) atau nama desa bila "
                "tidak ada desa lain bernama sama di wilayah Anda; lihat lembar Daftar."
            ),
        ),
    }


def template_xlsx(info: TemplateInfo) -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        # The data sheet comes first: it is the one a reader of the file takes.
        _data_sheet(book, info, _list_ranges(info))
        _lists_sheet(book, info)
        _instructions_sheet(book, info)
    return out.getvalue()


def template_csv(info: TemplateInfo) -> bytes:
    """The header row only, UTF-8 with BOM and ';' as Excel in Indonesian settings expects."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow(info.columns)
    return out.getvalue().encode("utf-8-sig")


def _data_sheet(book: Any, info: TemplateInfo, lists: dict[str, str]) -> None:
    sheet = book.add_worksheet(_("Data"))
    header = book.add_format({"bold": True, "bg_color": "#E8F0E8", "border": 1})
    text = book.add_format({"num_format": TEXT_FORMAT})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    last = MAX_TEMPLATE_ROWS
    for col, name in enumerate(info.columns):
        fmt = text if name in _TEXT_COLUMNS else day if name == "tanggal_lahir" else None
        sheet.set_column(col, col, _WIDTHS.get(name, 16), fmt)
        sheet.write_string(0, col, name, header)
        if name == "tanggal_lahir":
            sheet.data_validation(1, col, last, col, _date_hint())
        elif name == "jenis_kelamin":
            sheet.data_validation(1, col, last, col, _choice(["L", "P"]))
        elif name in lists:
            sheet.data_validation(1, col, last, col, _choice(lists[name]))
    sheet.freeze_panes(1, 0)


def _date_hint() -> dict[str, Any]:
    return {
        "validate": "any",
        "input_title": _("Tanggal lahir"),
        "input_message": _("Tulis HH/BB/TTTT, mis. 22/11/1990."),
    }


def _choice(source: list[str] | str) -> dict[str, Any]:
    return {
        "validate": "list",
        "source": source,
        "error_title": _("Pilih dari daftar"),
        "error_message": _("Isian ini harus dipilih dari daftar."),
    }


def _list_ranges(info: TemplateInfo) -> dict[str, str]:
    """Column -> the cells of the lists sheet its drop-down offers."""
    title = _("Daftar")
    ranges = {"pekerjaan": f"='{title}'!$A$2:$A${len(info.occupations) + 1}"}
    if info.multi_village:
        ranges[VILLAGE_COLUMN] = f"='{title}'!$C$2:$C${len(info.villages) + 1}"
    return ranges


def _lists_sheet(book: Any, info: TemplateInfo) -> None:
    """The occupations and, for many villages, the villages with their places left."""
    sheet = book.add_worksheet(_("Daftar"))
    bold = book.add_format({"bold": True})
    sheet.set_column(0, 0, 40)
    sheet.set_column(2, 4, 22)
    sheet.write_string(0, 0, _("Pekerjaan"), bold)
    for row, name in enumerate(info.occupations, start=1):
        sheet.write_string(row, 0, name)
    if info.multi_village:
        for col, label in enumerate((VILLAGE_COLUMN, _("Desa/kelurahan"), _("Sisa kuota"))):
            sheet.write_string(0, 2 + col, label, bold)
        for row, (code, name) in enumerate(info.villages.items(), start=1):
            sheet.write_string(row, 2, code)
            sheet.write_string(row, 3, name)
            left = info.places_left.get(code)
            sheet.write_string(row, 4, _("tanpa kuota") if left is None else str(left))


def _instructions_sheet(book: Any, info: TemplateInfo) -> None:
    sheet = book.add_worksheet(_("Petunjuk"))
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 90, wrap)
    row = 0
    for line in _summary_lines(info):
        sheet.write_string(row, 0, line, bold if row == 0 else None)
        row += 1
    row += 1
    for col, label in enumerate((_("Kolom"), _("Isian"), _("Artinya"))):
        sheet.write_string(row, col, label, bold)
    descriptions = _descriptions()
    for name in info.columns:
        row += 1
        required, meaning = descriptions[name]
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, required)
        sheet.write_string(row, 2, meaning)
    row += 2
    for line in _rules():
        sheet.write_string(row, 0, line)
        row += 1


def _summary_lines(info: TemplateInfo) -> list[str]:
    programme, period = info.programme, info.period
    lines = [_("Templat usulan pekerja: %(name)s") % {"name": programme.name}]
    if period is not None:
        lines.append(
            _("Periode usulan: %(name)s, dibuka %(opens)s sampai %(closes)s.")
            % {
                "name": period.name,
                "opens": date_format(period.opens_on, "j F Y"),
                "closes": date_format(period.closes_on, "j F Y"),
            }
        )
    else:
        lines.append(_("Saat ini tidak ada periode usulan yang dibuka."))
    lines.append(_quota_line(info))
    return lines


def _quota_line(info: TemplateInfo) -> str:
    programme = info.programme
    if programme.quota_kind == QuotaKind.NONE:
        return _("Program ini tidak membatasi jumlah usulan per desa.")
    if info.multi_village:
        return _(
            "Kuota: %(size)s orang %(kind)s per periode; sisa kuota tiap desa ada di lembar Daftar."
        ) % {"size": programme.quota_size, "kind": programme.get_quota_kind_display().lower()}
    left = next(iter(info.places_left.values()), None)
    return _("Kuota: %(size)s orang per periode; sisa tempat saat templat diunduh: %(left)s.") % {
        "size": programme.quota_size,
        "left": "-" if left is None else left,
    }


def _rules() -> list[str]:
    return [
        _("Cara mengisi:"),
        _("1. Isi satu orang per baris di lembar Data, mulai baris 2. Jangan ubah baris judul."),
        _(
            "2. NIK: 16 angka, digit 7-12 adalah tanggal lahir (perempuan: tanggal ditambah "
            "40). Jangan tempel NIK sebagai angka; bila Excel menampilkan 1,70501E+15, "
            "NIK sudah rusak: ketik ulang."
        ),
        _("3. Simpan sebagai .xlsx lalu unggah di menu Usulan › Unggah berkas."),
        _(
            "4. Setelah diunggah, setiap baris mendapat hasil: diterima, ditolak (dengan "
            "alasan) atau sudah diusulkan. Unduh baris yang ditolak, perbaiki, lalu unggah "
            "lagi; baris yang sudah diterima tidak akan dobel."
        ),
    ]


# -- rejected rows -------------------------------------------------------------------------


def _safe(value: str) -> str:
    # A CSV cell typed as "=HYPERLINK(...)" must not run as a formula when Excel opens it.
    return "'" + value if value.startswith(_FORMULA_START) else value


def rejected_headers(raws: Iterable[dict[str, str]]) -> list[str]:
    """The original headers, in the order first seen, then the row and problem columns."""
    headers: dict[str, None] = {}
    for raw in raws:
        headers.update(dict.fromkeys(raw))
    return [*headers, _("baris_asal"), _("masalah")]


def _problem_text(problems: Sequence[dict[str, str]]) -> str:
    return " | ".join(p["message"] for p in problems)


def rejected_xlsx(rows: Sequence[tuple[int, dict[str, str], list[dict[str, str]]]]) -> bytes:
    """(row number, raw cells, problems) per rejected row, as a file to fix and upload."""
    headers = rejected_headers(raw for _row, raw, _problems in rows)
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        sheet = book.add_worksheet(_("Data"))
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": TEXT_FORMAT})
        problem = book.add_format({"font_color": "#9C0006", "text_wrap": True})
        for col, name in enumerate(headers):
            sheet.set_column(col, col, 60 if col == len(headers) - 1 else 18, text)
            sheet.write_string(0, col, name, bold)
        for r, (number, raw, problems) in enumerate(rows, start=1):
            for col, name in enumerate(headers[:-2]):
                # write_string stores text, never a formula, whatever the cell starts with.
                sheet.write_string(r, col, raw.get(name, ""), text)
            sheet.write_number(r, len(headers) - 2, number)
            sheet.write_string(r, len(headers) - 1, _problem_text(problems), problem)
        sheet.freeze_panes(1, 0)
    return out.getvalue()


def rejected_csv(rows: Sequence[tuple[int, dict[str, str], list[dict[str, str]]]]) -> bytes:
    headers = rejected_headers(raw for _row, raw, _problems in rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for number, raw, problems in rows:
        cells = [_safe(raw.get(name, "")) for name in headers[:-2]]
        writer.writerow([*cells, number, _problem_text(problems)])
    return out.getvalue().encode("utf-8-sig")

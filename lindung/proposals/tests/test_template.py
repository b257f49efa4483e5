"""The generated template reads back as the import expects: NIK as text, drop-downs present."""

from __future__ import annotations

import io
import re
import zipfile

from django.utils import timezone
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import VILLAGE_A
from lindung.engine.tabular import read_sheet
from lindung.proposals import selectors, template_xlsx
from lindung.proposals.intake import COLUMNS
from lindung.proposals.models import Proposal
from lindung.proposals.services import batch_import, sender_for
from lindung.proposals.tests.conftest import Setup, csv_bytes, nik, person


def _info(setup: Setup, user: str) -> template_xlsx.TemplateInfo:
    info = selectors.template_info(setup.users[user], setup.programme, timezone.localdate())
    assert info is not None
    return info


def test_the_xlsx_template_reads_back_with_its_columns_and_sheets(setup: Setup) -> None:
    data = template_xlsx.template_xlsx(_info(setup, "desa"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["Data", "Daftar", "Petunjuk"]
    assert book.get_sheet_by_index(0).to_python()[0] == list(COLUMNS)
    assert [row[0] for row in book.get_sheet_by_name("Daftar").to_python()[1:]] == [
        "Nelayan",
        "Petani",
    ]
    instructions = "\n".join(
        str(c) for row in book.get_sheet_by_name("Petunjuk").to_python() for c in row
    )
    assert (
        setup.period.name in instructions and "sisa tempat saat templat diunduh: 3" in instructions
    )


def test_nik_is_a_text_column_with_drop_downs_for_occupation_and_sex(setup: Setup) -> None:
    data = template_xlsx.template_xlsx(_info(setup, "desa"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert sheet.count("<dataValidation ") == 3  # date hint, L/P, occupation
    assert '"L,P"' in sheet and "Daftar&apos;!$A$2:$A$3" in sheet.replace("'", "&apos;")
    for column in ("A", "F"):  # nik, kk
        assert _number_format(sheet, styles, COLUMNS.index(column_name(column)) + 1) == "49"


def column_name(letter: str) -> str:
    return COLUMNS["ABCDEFGHI".index(letter)]


def _number_format(sheet: str, styles: str, column: int) -> str:
    """The number format id Excel applies to new cells typed into `column` (1-based)."""
    style = re.search(rf'<col min="{column}" max="{column}"[^>]* style="(\d+)"', sheet)
    assert style is not None
    cell_formats = re.findall(r"<xf numFmtId=\"(\d+)\"", styles.split("<cellXfs")[1])
    return str(cell_formats[int(style.group(1))])


def test_the_dinas_template_has_a_village_column_with_its_list(setup: Setup) -> None:
    info = _info(setup, "manager")
    assert info.multi_village and info.columns[-1] == "kode_wilayah"
    data = template_xlsx.template_xlsx(info)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<dataValidation ") == 4
    villages = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Daftar")
    codes = [row[2] for row in villages.to_python()[1:] if row[2]]
    assert VILLAGE_A in codes and len(codes) == len(info.villages)


def test_a_filled_template_imports(setup: Setup) -> None:
    """The operator's round trip: template -> rows typed into it -> upload."""
    template = template_xlsx.template_csv(_info(setup, "desa"))
    typed = template + ";".join(person(1).get(c, "") for c in COLUMNS).encode() + b"\r\n"
    assert read_sheet(typed, filename="t.csv").headers == list(COLUMNS)
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    assert batch_import(sender=sender, data=typed, file_name="t.csv").batch.accepted_count == 1
    assert Proposal.objects.get().nik == nik(1)


def test_rejected_rows_come_back_with_their_cells_and_what_to_fix(setup: Setup) -> None:
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    rows = [person(1), person(2, nik="12345"), person(3, nama="=HYPERLINK(1)")]
    batch = batch_import(sender=sender, data=csv_bytes(rows), file_name="a.csv").batch
    rejected = [(r.row_number, r.raw, r.problems) for r in selectors.rejected_rows(batch)]
    assert [r[0] for r in rejected] == [3]
    book = CalamineWorkbook.from_filelike(io.BytesIO(template_xlsx.rejected_xlsx(rejected)))
    header, row = book.get_sheet_by_index(0).to_python()
    assert header[-2:] == ["baris_asal", "masalah"]
    assert row[0] == "12345" and row[-2] == 3 and "16 angka" in str(row[-1])
    text = template_xlsx.rejected_csv(rejected).decode("utf-8-sig")
    assert "12345" in text and "16 angka" in text

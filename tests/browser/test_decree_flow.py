"""The programme manager looks at the effect of the determination, determines the period,
records the Bupati's decree and downloads its attachment as PDF and XLSX."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import World, build_world
from lindung.membership.models import Decree, Determination
from lindung.membership.tests.conftest import (
    NAMES,
    VILLAGE_OF,
    import_welfare,
    make_eligible,
    make_period,
    make_programme,
)

from .conftest import Shots, Site, form_field, nav

pytestmark = pytest.mark.browser

DETERMINED = (1, 2, 3, 6, 7, 8, 9, 10)  # 3 per village, by desil then age: see its conftest
DECREE_NUMBER = "100.3.3.2/166/KPTS/2026"


@pytest.fixture
def eligible(live_site: str, settings: Any, tmp_path: Path) -> World:
    """The membership app's period: eleven eligible proposals from three villages, a
    programme that takes three per village."""
    settings.VAR_DIR = tmp_path  # the rendered attachment is stored here
    world = build_world()
    programme = make_programme()
    period = make_period(programme)
    import_welfare(world.users["manager"], timezone.localdate())
    make_eligible(programme, period, list(VILLAGE_OF))
    return world


def _first_of_next_month() -> date:
    today = timezone.localdate()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _download(page: Page, shots: Shots, link: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link, exact=True).click()
    download = info.value
    target = shots.folder / download.suggested_filename
    download.save_as(target)
    return target.read_bytes()


def test_the_manager_determines_the_period_and_downloads_the_decree(
    site: Site, eligible: World, shots: Shots
) -> None:
    page = site.person(eligible.users["manager"].username, shots=shots)
    nav(page, "Peserta")
    page.get_by_role("link", name="Penetapan peserta", exact=True).click()
    expect(page.get_by_role("heading", name="Penetapan peserta")).to_be_visible()
    shots(page, "periods to determine")

    page.get_by_role("link", name="Lihat dampak dan tetapkan").click()
    # Protection starts on the first of next month unless the manager says otherwise.
    expect(form_field(page, "Perlindungan mulai (tanggal 1)")).to_have_value(
        _first_of_next_month().isoformat()
    )
    form_field(page, "Jumlah bulan yang dibiayai").fill("3")
    page.get_by_role("button", name="Lihat dampak").click()
    expect(page.get_by_role("heading", name="Dampak penetapan")).to_be_visible()
    shots(page, "effect of the determination")
    page.get_by_role("button", name="Tetapkan 8 peserta").click()
    expect(page.locator("ul.messages")).to_contain_text("Penetapan tersimpan.")
    determination = Determination.objects.get()
    assert determination.counts["determined"] == 8 and determination.months == 3
    shots(page, "determined")

    page.get_by_role("link", name="Keputusan (SK)").click()
    page.get_by_role("link", name="Catat SK penetapan").click()
    expect(page.get_by_role("heading", name="Catat SK penetapan peserta")).to_be_visible()
    form_field(page, "Nomor keputusan").fill(DECREE_NUMBER)
    form_field(page, "Ditetapkan di").fill("Tais")
    expect(form_field(page, "Jabatan penanda tangan")).to_have_value("Bupati Seluma")
    form_field(page, "Nama penanda tangan").fill("Teddy Rahman, S.E., M.M.")
    shots(page, "decree form")
    page.get_by_role("button", name="Catat SK").click()
    expect(page.locator("ul.messages")).to_contain_text(
        f"SK {DECREE_NUMBER} dicatat dengan 8 peserta."
    )
    expect(page.get_by_role("heading", name=f"SK {DECREE_NUMBER}")).to_be_visible()
    shots(page, "decree recorded")

    pdf = _download(page, shots, "Lampiran PDF")
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert DECREE_NUMBER in text
    assert all(NAMES[s] in text for s in DETERMINED), text
    assert NAMES[4] not in text  # waiting, not in the decree

    xlsx = _download(page, shots, "Lampiran XLSX")
    assert xlsx.startswith(b"PK")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()
    cells = {str(cell) for row in rows for cell in row}
    assert {NAMES[s] for s in DETERMINED} <= cells
    assert Decree.objects.get().number == DECREE_NUMBER
    shots(page, "attachments downloaded")

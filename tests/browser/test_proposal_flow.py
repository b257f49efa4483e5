"""A village operator proposes two workers through the form; the Dinas runs the automatic
verification; the operator reads each proposal's result on its page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from lindung.accounts.tests.helpers import World, build_world
from lindung.programs.models import ProposalPeriod
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.proposals.tests.conftest import born, make_period, make_programme, nik
from lindung.verification.tests.conftest import NAMES, import_references

from .conftest import Shots, Site, form_field, nav

pytestmark = pytest.mark.browser

CLEAN, BPJS_MEMBER = 1, 2  # serials of the verification scenario: see its conftest


@dataclass
class Open:
    world: World
    period: ProposalPeriod


@pytest.fixture
def open_period(live_site: str) -> Open:
    """Seluma with an open period of a programme that needs the welfare registry, and the
    reference extracts the checks read (DTSEN, BPJS participants, deaths, exclusions)."""
    world = build_world()
    programme = make_programme(max_desil=5, requires_registry=True)
    period = make_period(programme)
    import_references(world.users["manager"])
    return Open(world, period)


def _propose(page: Page, shots: Shots, serial: int) -> None:
    nav(page, "Usulan")
    page.get_by_role("link", name="Usulan baru").click()
    expect(page.get_by_role("heading", name="Usulan baru")).to_be_visible()
    form_field(page, "NIK").fill(nik(serial))
    form_field(page, "Nama").fill(NAMES[serial])
    form_field(page, "Tempat lahir").fill("Tais")
    form_field(page, "Tanggal lahir").fill(born(serial).isoformat())
    page.get_by_label("Laki-laki").check()
    form_field(page, "Pekerjaan").select_option(label="Petani")
    form_field(page, "Alamat").fill(f"Jl. Niur No. {serial}")
    # The NIK is read back as it is typed (htmx): its region and birth date agree.
    expect(page.locator("#nik-parse")).to_contain_text("Susunan NIK benar")
    shots(page, f"form filled {serial}")
    page.get_by_role("button", name="Kirim usulan").click()
    expect(page.get_by_text(f"Usulan {NAMES[serial]} sudah diterima.")).to_be_visible()
    expect(page.get_by_text("Belum diverifikasi sistem.")).to_be_visible()
    shots(page, f"proposal received {serial}")


def _run_verification(site: Site, shots: Shots, verifier: str) -> None:
    page = site.person(verifier)
    nav(page, "Verifikasi")
    page.get_by_role("button", name="Verifikasi semua usulan yang belum ditelaah").click()
    progress = page.locator("#progress")
    expect(progress).to_contain_text("100%")
    expect(progress).to_contain_text("2 usulan diperiksa: 1 bersih")
    shots(page, "verification done")
    page.get_by_role("link", name="Lihat hasil").click()
    expect(page.get_by_role("heading", name=re.compile("Hasil verifikasi"))).to_be_visible()
    shots(page, "verification results")


def _open_proposal(page: Page, name: str) -> None:
    nav(page, "Usulan")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def _status(page: Page) -> Locator:
    return page.get_by_role("main").locator("p").filter(has_text="Status:")


def test_a_village_operator_proposes_and_reads_the_verification_result(
    site: Site, open_period: Open, shots: Shots
) -> None:
    users: dict[str, Any] = open_period.world.users
    desa = site.person(users["desa"].username, shots=shots)
    _propose(desa, shots, CLEAN)
    _propose(desa, shots, BPJS_MEMBER)
    assert set(Proposal.objects.values_list("nik", "status")) == {
        (nik(CLEAN), ProposalStatus.SUBMITTED),
        (nik(BPJS_MEMBER), ProposalStatus.SUBMITTED),
    }

    _run_verification(site, shots, users["verifier"].username)

    _open_proposal(desa, NAMES[CLEAN])
    expect(_status(desa)).to_contain_text("Sudah diperiksa sistem")
    expect(desa.get_by_text("Tidak ada temuan.")).to_be_visible()
    shots(desa, "clean proposal result")

    _open_proposal(desa, NAMES[BPJS_MEMBER])
    finding = desa.locator("li.finding")
    expect(finding).to_contain_text("BPJS_ACTIVE")
    expect(finding).to_contain_text("KPJ 23011234567")
    # The village reads the reason; deciding is the Dinas's work.
    expect(desa.get_by_role("button", name="Layak")).to_have_count(0)
    shots(desa, "rejected proposal reason")

"""A worker, without an account, asks the public page whether they are covered: with their
NIK and birth date they read "registered and protected", never their name; a member still
being registered with BPJS and a wrong birth date get their own plain answers."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lindung.membership.models import Membership, MemberStatus
from lindung.membership.tests.conftest import NAMES, Determined, born, nik
from lindung.membership.tests.lifecycle_helpers import build_determined

from .conftest import Shots, Site

pytestmark = pytest.mark.browser

COVERED, BEING_REGISTERED = 1, 6  # both determined in the membership app's scenario


@pytest.fixture
def members(live_site: str) -> Determined:
    """A determined period in which member 1 is registered with BPJS since the first of
    this month and member 6 still waits for BPJS."""
    determined = build_determined()
    Membership.objects.filter(pk=determined.member(COVERED).pk).update(
        status=MemberStatus.REGISTERED,
        kpj="23010000001",
        coverage_start=timezone.localdate().replace(day=1),
    )
    return determined


def _ask(page: Page, shots: Shots, serial: int, birth_date: str, step: str) -> None:
    page.get_by_label(re.compile(r"^NIK")).fill(nik(serial))
    page.get_by_label(re.compile(r"^Tanggal lahir")).fill(birth_date)
    shots(page, f"{step} asked")
    page.get_by_role("button", name=re.compile(r"^Cek")).click()
    expect(page.get_by_role("heading", name="Hasil cek status")).to_be_visible()
    shots(page, f"{step} answer")


def _another(page: Page) -> None:
    page.get_by_role("link", name="Cek NIK lain").click()
    expect(page.get_by_label(re.compile(r"^NIK"))).to_be_empty()


def test_the_public_page_answers_a_covered_member(
    site: Site, members: Determined, shots: Shots
) -> None:
    page = site.new_page()
    page.goto("/cek/")
    expect(page.get_by_role("heading", name=re.compile("Cek status"))).to_be_visible()
    shots(page, "public form")

    _ask(page, shots, COVERED, born(COVERED).isoformat(), "covered")
    answer = page.get_by_role("main")
    expect(answer).to_contain_text(re.compile(r"terdaftar dan terlindungi", re.IGNORECASE))
    expect(answer).to_contain_text("Pekerja Rentan Seluma")
    expect(answer).not_to_contain_text(NAMES[COVERED])  # nothing that names the person
    expect(answer).not_to_contain_text(nik(COVERED))

    _another(page)
    _ask(page, shots, BEING_REGISTERED, born(BEING_REGISTERED).isoformat(), "pending")
    expect(page.get_by_role("main")).to_contain_text("sedang didaftarkan")

    _another(page)
    wrong = born(COVERED).replace(year=born(COVERED).year + 1).isoformat()
    _ask(page, shots, COVERED, wrong, "wrong birth date")
    expect(page.get_by_role("main")).to_contain_text("Data tidak ditemukan")

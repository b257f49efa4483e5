"""The Dinas verifier opens the proposals waiting for a decision, is refused "eligible" for
one the checks found already covered by BPJS, and decides a clean one eligible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from lindung.accounts.tests.helpers import build_world
from lindung.proposals.models import Action, Proposal, ProposalStatus
from lindung.proposals.tests.conftest import make_period, make_programme, nik
from lindung.verification.services import verification_execute, verification_run
from lindung.verification.tests.conftest import NAMES, Scenario, import_references, propose

from .conftest import Shots, Site, nav

pytestmark = pytest.mark.browser

CLEAN, BPJS_MEMBER = 1, 2  # serials of the verification scenario: see its conftest


@pytest.fixture
def verified(live_site: str) -> Scenario:
    """The verification app's scenario (seven proposals from three villages, each placed
    where one check finds them), with the automatic checks already run."""
    world = build_world()
    programme = make_programme(max_desil=5, requires_registry=True)
    period = make_period(programme)
    import_references(world.users["manager"])
    scenario = Scenario(world, programme, period, propose(world, programme, period))
    run = verification_run(actor=None, period=period, background=False)
    verification_execute(run.pk)
    return scenario


def _row(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def test_the_verifier_decides_a_checked_proposal_eligible(
    site: Site, verified: Scenario, shots: Shots
) -> None:
    page = site.person(verified.users["verifier"].username, shots=shots)
    nav(page, "Verifikasi")
    page.get_by_role("link", name="Keputusan Dinas").click()
    expect(page.get_by_role("heading", name="Keputusan Dinas")).to_be_visible()
    expect(_row(page, NAMES[CLEAN])).to_contain_text("Sudah diperiksa sistem")
    shots(page, "decision queue")

    # Already an active BPJS participant: "eligible" is refused with the reason.
    _row(page, NAMES[BPJS_MEMBER]).get_by_role("button", name="Layak", exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text("Belum dapat dinyatakan layak: BPJS_ACTIVE")
    expect(_row(page, NAMES[BPJS_MEMBER])).to_be_visible()
    shots(page, "eligible refused")

    _row(page, NAMES[CLEAN]).get_by_role("button", name="Layak", exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text("Keputusan disimpan.")
    expect(_row(page, NAMES[CLEAN])).to_have_count(0)  # no longer waiting
    shots(page, "decided eligible")

    clean = Proposal.objects.get(nik=nik(CLEAN))
    assert clean.status == ProposalStatus.ELIGIBLE
    assert clean.events.filter(action=Action.DECIDED, actor=verified.users["verifier"]).exists()
    assert Proposal.objects.get(nik=nik(BPJS_MEMBER)).status == ProposalStatus.VERIFIED

    nav(page, "Usulan")
    page.get_by_role("link", name=NAMES[CLEAN], exact=True).click()
    status = page.get_by_role("main").locator("p").filter(has_text="Status:")
    expect(status).to_contain_text(re.compile(r"Status:\s*Layak"))
    expect(page.get_by_role("row").filter(has_text="Uji Verifier").last).to_contain_text("Layak")
    shots(page, "proposal eligible")

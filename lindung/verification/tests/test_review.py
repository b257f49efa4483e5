"""Kecamatan and Dinas actions after the machine: every step recorded, the second of two
reviewers acting at once refused, eligibility refused while a finding stands in the way."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lindung.core.tests.worlds import shared_world
from lindung.proposals.models import Proposal, ProposalEvent, ProposalStatus
from lindung.proposals.services import ConflictError
from lindung.verification import review
from lindung.verification.models import Finding, Resolution
from lindung.verification.selectors import decided
from lindung.verification.services import verification_run
from lindung.verification.tests.conftest import Scenario

pytestmark = pytest.mark.django_db


@shared_world
def verified(scenario: Scenario) -> Scenario:
    verification_run(actor=scenario.users["verifier"], period=scenario.period)
    return scenario


def _decide(s: Scenario, serial: int, *, eligible: bool, note: str = "") -> Proposal:
    proposal = s.proposal(serial)
    return review.proposal_decide(
        actor=s.users["verifier"],
        proposal=proposal,
        expected_version=proposal.version,
        eligible=eligible,
        note=note,
    )


def test_the_kecamatan_forwards_a_checked_proposal(verified: Scenario) -> None:
    proposal = verified.proposal(1)
    review.proposal_forward(
        actor=verified.users["kecamatan"], proposal=proposal, expected_version=proposal.version
    )
    assert verified.proposal(1).status == ProposalStatus.FORWARDED
    event = ProposalEvent.objects.filter(proposal=proposal).latest("id")
    assert (event.action, event.actor) == ("forwarded", verified.users["kecamatan"])


def test_returning_needs_a_note_for_the_village(verified: Scenario) -> None:
    proposal = verified.proposal(2)
    kecamatan = verified.users["kecamatan"]
    with pytest.raises(review.ReviewError, match="Tulis catatan"):
        review.proposal_return(
            actor=kecamatan, proposal=proposal, expected_version=proposal.version, note=" "
        )
    review.proposal_return(
        actor=kecamatan, proposal=proposal, expected_version=proposal.version, note="Cek KPJ."
    )
    stored = verified.proposal(2)
    assert stored.status == ProposalStatus.RETURNED
    assert ProposalEvent.objects.filter(proposal=stored).latest("id").note == "Cek KPJ."


def test_the_kecamatan_cannot_act_on_another_kecamatans_village(verified: Scenario) -> None:
    proposal = verified.proposal(4)  # village B, Kecamatan Seluma
    with pytest.raises(PermissionDenied):
        review.proposal_forward(
            actor=verified.users["kecamatan"], proposal=proposal, expected_version=2
        )


def test_an_unverified_proposal_cannot_be_forwarded_or_decided(scenario: Scenario) -> None:
    proposal = scenario.proposal(1)
    with pytest.raises(review.ReviewError, match="jalankan verifikasi dulu"):
        review.proposal_forward(
            actor=scenario.users["kecamatan"], proposal=proposal, expected_version=1
        )
    with pytest.raises(review.ReviewError, match="jalankan verifikasi dulu"):
        _decide(scenario, 1, eligible=True)


def test_the_verifier_decides_a_clean_proposal_eligible(verified: Scenario) -> None:
    _decide(verified, 1, eligible=True)
    assert verified.proposal(1).status == ProposalStatus.ELIGIBLE


def test_eligible_is_refused_while_a_reject_finding_stands(verified: Scenario) -> None:
    with pytest.raises(review.ReviewError, match="BPJS_ACTIVE"):
        _decide(verified, 2, eligible=True)
    assert verified.proposal(2).status == ProposalStatus.VERIFIED


def test_an_overridden_finding_no_longer_stands_and_the_reason_is_kept(
    verified: Scenario,
) -> None:
    finding = Finding.objects.get(code="BPJS_ACTIVE")
    proposal = verified.proposal(2)
    with pytest.raises(review.ReviewError, match="Tulis alasan"):
        review.finding_override(
            actor=verified.users["verifier"], finding=finding, expected_version=2, note=""
        )
    review.finding_override(
        actor=verified.users["verifier"],
        finding=finding,
        expected_version=proposal.version,
        note="KPJ sudah nonaktif sejak Mei; surat BPJS terlampir.",
    )
    finding.refresh_from_db()
    assert finding.resolution == Resolution.OVERRIDDEN
    assert finding.resolved_by == verified.users["verifier"]
    event = ProposalEvent.objects.filter(proposal=proposal).latest("id")
    assert event.action == "overridden" and "nonaktif" in event.note
    _decide(verified, 2, eligible=True)
    assert verified.proposal(2).status == ProposalStatus.ELIGIBLE


def test_not_eligible_needs_a_reason(verified: Scenario) -> None:
    with pytest.raises(review.ReviewError, match="alasan"):
        _decide(verified, 3, eligible=False)
    _decide(verified, 3, eligible=False, note="Meninggal dunia menurut Dukcapil.")
    assert verified.proposal(3).status == ProposalStatus.NOT_ELIGIBLE


def test_a_resolved_match_moves_the_proposal_out_of_review(verified: Scenario) -> None:
    finding = Finding.objects.get(code="NAME_MISMATCH")
    proposal = verified.proposal(7)
    assert proposal.status == ProposalStatus.REVIEW
    with pytest.raises(review.ReviewError, match="NAME_MISMATCH"):
        _decide(verified, 7, eligible=True)
    review.finding_resolve(
        actor=verified.users["verifier"],
        finding=finding,
        expected_version=proposal.version,
        same_person=False,
        note="NIK milik Gunawan Hadi; minta desa memperbaiki.",
    )
    stored = verified.proposal(7)
    assert stored.status == ProposalStatus.VERIFIED
    event = ProposalEvent.objects.filter(proposal=stored).latest("id")
    assert event.action == "match_resolved" and event.detail["resolution"] == "dismissed"
    # Not the person whose NIK it is: the NIK is wrong, so still not eligible.
    with pytest.raises(review.ReviewError, match="NAME_MISMATCH"):
        _decide(verified, 7, eligible=True)


def test_two_reviewers_acting_at_once_cannot_both_win(verified: Scenario) -> None:
    seen_by_first = verified.proposal(1)
    seen_by_second = verified.proposal(1)
    review.proposal_forward(
        actor=verified.users["kecamatan"],
        proposal=seen_by_first,
        expected_version=seen_by_first.version,
    )
    with pytest.raises(ConflictError, match="baru saja diubah oleh orang lain"):
        review.proposal_return(
            actor=verified.users["kecamatan"],
            proposal=seen_by_second,
            expected_version=seen_by_second.version,
            note="Terlambat.",
        )
    assert verified.proposal(1).status == ProposalStatus.FORWARDED


def test_a_match_resolved_twice_keeps_the_first_answer(verified: Scenario) -> None:
    first = Finding.objects.get(code="NAME_MISMATCH")
    second = Finding.objects.get(code="NAME_MISMATCH")
    version = verified.proposal(7).version
    review.finding_resolve(
        actor=verified.users["verifier"], finding=first, expected_version=version, same_person=True
    )
    with pytest.raises(ConflictError):
        review.finding_resolve(
            actor=verified.users["manager"],
            finding=second,
            expected_version=version,
            same_person=False,
        )
    assert Finding.objects.get(code="NAME_MISMATCH").resolution == Resolution.CONFIRMED


def test_the_counts_add_up_after_decisions(verified: Scenario) -> None:
    _decide(verified, 1, eligible=True)
    _decide(verified, 3, eligible=False, note="Meninggal.")
    counts = decided(Proposal.objects.all())
    assert (counts.total, counts.eligible, counts.not_eligible, counts.pending) == (7, 1, 1, 5)
    assert counts.total == counts.eligible + counts.not_eligible + counts.pending


@pytest.mark.parametrize("role", ["auditor", "leadership", "desa", "finance"])
def test_roles_without_the_capability_cannot_decide(verified: Scenario, role: str) -> None:
    proposal = verified.proposal(1)
    with pytest.raises(PermissionDenied):
        review.proposal_decide(
            actor=verified.users[role], proposal=proposal, expected_version=2, eligible=True
        )

"""Verification knows who is already covered: ALREADY_MEMBER rests on active memberships."""

from __future__ import annotations

from lindung.membership.models import Membership, MemberStatus
from lindung.membership.tests.conftest import (
    Determined,
    make_eligible,
    make_period,
    make_programme,
    nik,
)
from lindung.proposals.models import Proposal
from lindung.verification.models import Finding
from lindung.verification.services import verification_execute, verification_run


def test_a_member_proposed_to_another_programme_is_flagged(determined: Determined) -> None:
    other = make_programme(name="Program Provinsi (uji)")
    period = make_period(other)
    make_eligible(other, period, [1, 4])  # 1 is a member of the first programme, 4 is waiting
    Proposal.objects.filter(period=period).update(status="submitted")
    run = verification_run(actor=determined.users["verifier"], period=period, background=False)
    verification_execute(run.pk)
    flagged = Finding.objects.filter(code="ALREADY_MEMBER", current=True)
    assert [f.proposal.nik for f in flagged] == [nik(1)]
    finding = flagged.get()
    assert finding.evidence_kind == "member"
    assert finding.evidence_id == determined.member(1).pk
    assert finding.template == "already_member_other"


def test_an_ended_membership_no_longer_counts(determined: Determined) -> None:
    Membership.objects.filter(nik=nik(1)).update(
        status=MemberStatus.ENDED, ended_on="2026-01-01", end_reason="withdrawn"
    )
    other = make_programme(name="Program Provinsi (uji)")
    period = make_period(other)
    make_eligible(other, period, [1])
    Proposal.objects.filter(period=period).update(status="submitted")
    run = verification_run(actor=determined.users["verifier"], period=period, background=False)
    verification_execute(run.pk)
    assert not Finding.objects.filter(code="ALREADY_MEMBER").exists()

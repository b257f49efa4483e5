"""The verification job end to end: references and proposals in through their services,
findings, statuses, events and the snapshots used out."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lindung.proposals.models import Proposal, ProposalEvent, ProposalStatus
from lindung.references.models import ReferenceKind, Snapshot
from lindung.verification.models import Finding, RunStatus, VerificationRun
from lindung.verification.services import verification_execute, verification_run
from lindung.verification.tests.conftest import EXPECTED, Scenario

pytestmark = pytest.mark.django_db


def _current_codes(scenario: Scenario, serial: int) -> set[str]:
    findings = Finding.objects.filter(proposal=scenario.proposal(serial), current=True)
    return set(findings.values_list("code", flat=True))


def test_a_period_run_finds_what_each_proposal_was_placed_to_show(
    scenario: Scenario, run: VerificationRun
) -> None:
    assert run.status == RunStatus.DONE and run.progress == 100
    for serial, code in EXPECTED.items():
        assert _current_codes(scenario, serial) == ({code} if code else set()), serial


def test_findings_carry_their_evidence_and_message(run: VerificationRun) -> None:
    bpjs = Finding.objects.get(code="BPJS_ACTIVE")
    assert bpjs.severity == "reject" and bpjs.evidence_kind == "bpjs"
    assert bpjs.evidence_id is not None
    assert "KPJ 23011234567" in bpjs.message
    mismatch = Finding.objects.get(code="NAME_MISMATCH")
    assert mismatch.severity == "review" and "Gunawan Hadi" in mismatch.message
    assert mismatch.template == "name_mismatch" and mismatch.params


def test_the_run_moves_statuses_and_records_one_event_per_proposal(
    scenario: Scenario, run: VerificationRun
) -> None:
    assert scenario.proposal(7).status == ProposalStatus.REVIEW
    # Reject findings do not decide: that is the Dinas verifier's call.
    for serial in (1, 2, 3, 4, 5, 6):
        assert scenario.proposal(serial).status == ProposalStatus.VERIFIED, serial
        assert scenario.proposal(serial).version == 2
    events = ProposalEvent.objects.filter(action="verified")
    assert events.count() == 7
    event = events.get(proposal=scenario.proposal(2))
    assert (event.from_status, event.to_status) == ("submitted", "verified")
    assert event.actor == scenario.users["verifier"]
    assert event.detail == {"run": run.pk, "outcome": "reject"}


def test_the_run_records_the_snapshots_it_used(run: VerificationRun) -> None:
    used = set(run.snapshots.values_list("kind", flat=True))
    assert used == {
        ReferenceKind.WELFARE,
        ReferenceKind.BPJS,
        ReferenceKind.DEATH,
        ReferenceKind.EXCLUSION,
    }
    assert run.snapshots.count() == Snapshot.objects.count()


def test_the_counts_add_up(run: VerificationRun) -> None:
    counts = run.counts
    assert counts["proposals"] == 7
    assert counts["ok"] + counts["warn"] + counts["review"] + counts["reject"] == 7
    assert counts["status_verified"] + counts["status_review"] == 7
    assert counts["findings"] == Finding.objects.filter(run=run).count() == 6
    assert run.seconds["total"] > 0


def test_a_batch_run_checks_that_batch_only(scenario: Scenario) -> None:
    run = verification_run(actor=scenario.users["verifier"], batch=scenario.batches["A"])
    assert run.counts["proposals"] == 3
    statuses = dict(Proposal.objects.values_list("nik", "status"))
    assert list(statuses.values()).count(ProposalStatus.SUBMITTED) == 4
    assert run.area_id == scenario.batches["A"].area_id


def test_a_second_run_replaces_the_current_findings_and_keeps_the_old_ones(
    scenario: Scenario, run: VerificationRun
) -> None:
    first = run
    second = verification_run(actor=scenario.users["verifier"], period=scenario.period)
    assert second.pk != first.pk
    assert Finding.objects.filter(run=first, current=True).count() == 0
    assert Finding.objects.filter(run=first).count() == 6
    assert Finding.objects.filter(run=second, current=True).count() == 6
    event = ProposalEvent.objects.filter(proposal=scenario.proposal(7)).last()
    assert event is not None and (event.from_status, event.to_status) == ("review", "review")


def test_proposals_someone_acted_on_are_not_checked_again(
    scenario: Scenario, run: VerificationRun
) -> None:
    Proposal.objects.filter(nik__in=[scenario.proposal(1).nik]).update(status="forwarded")
    again = verification_run(actor=scenario.users["verifier"], period=scenario.period)
    assert again.counts["proposals"] == 6
    assert scenario.proposal(1).status == "forwarded"


def test_a_queued_run_shows_its_state_until_the_job_does_it(scenario: Scenario) -> None:
    run = verification_run(actor=None, period=scenario.period, background=False)
    assert (run.status, run.progress) == (RunStatus.QUEUED, 0)
    assert run.step == "Menunggu giliran"
    # A second request while it waits gets the same run, not a second one.
    assert verification_run(actor=None, period=scenario.period).pk == run.pk
    done = verification_execute(run.pk)
    assert (done.status, done.progress, done.step) == (RunStatus.DONE, 100, "Selesai")
    assert done.started_at is not None and done.finished_at is not None


def test_a_programme_needing_the_registry_without_one_fails_with_a_reason(
    scenario: Scenario,
) -> None:
    Snapshot.objects.filter(kind=ReferenceKind.WELFARE).update(status="failed")
    run = verification_run(actor=None, period=scenario.period)
    assert run.status == RunStatus.FAILED
    assert "impor data kesejahteraan" in run.error
    assert not Finding.objects.exists()
    assert Proposal.objects.filter(status=ProposalStatus.SUBMITTED).count() == 7


def test_only_the_dinas_may_run_verification(scenario: Scenario) -> None:
    for role in ("desa", "kecamatan", "auditor", "finance"):
        with pytest.raises(PermissionDenied):
            verification_run(actor=scenario.users[role], period=scenario.period)
    assert not VerificationRun.objects.exists()


def test_a_proposal_a_reviewer_moved_during_the_run_keeps_its_new_status(
    scenario: Scenario, run: VerificationRun
) -> None:
    import pyarrow as pa

    from lindung.engine.verify import FINDINGS_SCHEMA
    from lindung.verification import writeback

    first, second = scenario.proposal(1), scenario.proposal(2)
    read = {first.pk: first.status, second.pk: second.status}
    # While the run was checking, a kecamatan operator forwarded the first proposal.
    Proposal.objects.filter(pk=first.pk).update(status=ProposalStatus.FORWARDED)
    summary = pa.table(
        {
            "proposal_id": pa.array([first.pk, second.pk], pa.int64()),
            "outcome": ["ok", "review"],
            "welfare_id": pa.array([None, None], pa.int64()),
            "desil": pa.array([None, None], pa.int16()),
        }
    )
    events_before = ProposalEvent.objects.count()
    moved = writeback.write(run, FINDINGS_SCHEMA.empty_table(), summary, read)
    assert scenario.proposal(1).status == ProposalStatus.FORWARDED
    assert scenario.proposal(2).status == ProposalStatus.REVIEW
    assert moved == {ProposalStatus.VERIFIED: 0, ProposalStatus.REVIEW: 1}
    assert ProposalEvent.objects.count() == events_before + 1

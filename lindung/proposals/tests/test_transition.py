"""Status changes: recorded step by step, and two people acting at once cannot both win."""

from __future__ import annotations

import pytest

from lindung.proposals.models import Proposal, ProposalEvent
from lindung.proposals.services import (
    ConflictError,
    batch_import,
    proposal_transition,
    sender_for,
)
from lindung.proposals.tests.conftest import Setup, csv_bytes, person


@pytest.fixture
def proposal(setup: Setup) -> Proposal:
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    batch_import(sender=sender, data=csv_bytes([person(1)]), file_name="a.csv")
    return Proposal.objects.get()


def test_a_transition_moves_the_status_and_records_who_did_it(
    setup: Setup, proposal: Proposal
) -> None:
    kecamatan = setup.users["kecamatan"]
    proposal_transition(
        actor=kecamatan,
        proposal=proposal,
        to_status="forwarded",
        action="forwarded",
        note="Lengkap.",
        expected_version=1,
    )
    stored = Proposal.objects.get()
    assert (stored.status, stored.version) == ("forwarded", 2)
    event = ProposalEvent.objects.filter(proposal=proposal).latest("id")
    assert (event.actor, event.from_status, event.to_status) == (
        kecamatan,
        "submitted",
        "forwarded",
    )
    assert event.note == "Lengkap."


def test_the_second_of_two_transitions_from_the_same_version_fails(
    setup: Setup, proposal: Proposal
) -> None:
    first_reviewer = Proposal.objects.get()
    second_reviewer = Proposal.objects.get()
    proposal_transition(
        actor=setup.users["verifier"],
        proposal=first_reviewer,
        to_status="eligible",
        action="decided",
        expected_version=first_reviewer.version,
    )
    with pytest.raises(ConflictError, match="baru saja diubah oleh orang lain"):
        proposal_transition(
            actor=setup.users["manager"],
            proposal=second_reviewer,
            to_status="not_eligible",
            action="decided",
            expected_version=second_reviewer.version,
        )
    stored = Proposal.objects.get()
    assert (stored.status, stored.version) == ("eligible", 2)
    assert ProposalEvent.objects.filter(action="decided").count() == 1


def test_events_cannot_be_changed_or_deleted(proposal: Proposal) -> None:
    event = ProposalEvent.objects.get()
    event.note = "diubah"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()

"""Deciding the plain cases of a whole period at once, the same way one-by-one would."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lindung.proposals.models import Proposal, ProposalEvent, ProposalStatus
from lindung.verification import review
from lindung.verification.tests.conftest import Scenario
from lindung.verification.tests.test_review import verified  # noqa: F401 - fixture


def test_bulk_eligible_takes_only_what_nothing_stands_in_the_way_of(
    verified: Scenario,  # noqa: F811
) -> None:
    before = {p.pk: p.status for p in Proposal.objects.all()}
    versions = dict(Proposal.objects.values_list("pk", "version"))
    done = review.proposals_decide_bulk(
        actor=verified.users["verifier"], period=verified.period, eligible=True
    )
    eligible = Proposal.objects.filter(status=ProposalStatus.ELIGIBLE)
    assert done == eligible.count() >= 1
    assert verified.proposal(1) in eligible
    for proposal in eligible:
        assert review.blocking_findings(proposal) == []
        event = ProposalEvent.objects.filter(proposal=proposal).last()
        assert event is not None and event.detail == {"bulk": True}
        assert proposal.version == versions[proposal.pk] + 1
    # Everything else keeps its status: a person still has to look at it.
    for proposal in Proposal.objects.exclude(status=ProposalStatus.ELIGIBLE):
        assert proposal.status == before[proposal.pk]


def test_bulk_not_eligible_records_the_finding_as_the_reason(
    verified: Scenario,  # noqa: F811
) -> None:
    review.proposals_decide_bulk(
        actor=verified.users["verifier"], period=verified.period, eligible=False
    )
    dead = verified.proposal(3)
    assert dead.status == ProposalStatus.NOT_ELIGIBLE
    event = ProposalEvent.objects.filter(proposal=dead).last()
    assert event is not None and event.note  # the DECEASED finding's message
    assert "meninggal" in event.note.lower()
    # The NAME_MISMATCH case waits for the clerical review.
    assert verified.proposal(7).status == ProposalStatus.REVIEW
    assert verified.proposal(1).status == ProposalStatus.VERIFIED


def test_bulk_decisions_stay_in_the_area_and_role(verified: Scenario) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied):
        review.proposals_decide_bulk(
            actor=verified.users["kecamatan"], period=verified.period, eligible=True
        )
    with pytest.raises(PermissionDenied):
        review.proposals_decide_bulk(
            actor=verified.users["verifier"],
            period=verified.period,
            eligible=True,
            area_code="17.06",
        )
    assert not Proposal.objects.filter(status=ProposalStatus.ELIGIBLE).exists()


def test_the_bulk_button_decides_and_reports(verified: Scenario) -> None:  # noqa: F811
    from django.urls import reverse

    from lindung.accounts.tests.helpers import client_for

    client = client_for(verified.users["verifier"])
    page = client.get(reverse("verification:decisions"))
    assert "Putuskan sekaligus" in page.content.decode()
    response = client.post(
        reverse("verification:decide_bulk"),
        {"period": verified.period.pk, "decision": "eligible"},
        follow=True,
    )
    assert "diputuskan layak" in response.content.decode()
    assert verified.proposal(1).status == ProposalStatus.ELIGIBLE
    response = client.post(reverse("verification:decide_bulk"), {"period": "x"}, follow=True)
    assert "Pilih periode dan keputusan" in response.content.decode()

"""JKM cases opened by a death: once per member, whoever ends the membership and however
often; from a confirmed Dukcapil extract with source death_record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.claims.models import Claim, ClaimAction, ClaimBenefit, ClaimSource, ClaimStatus
from lindung.claims.services import claim_open_jkm
from lindung.claims.tests.conftest import open_jkm
from lindung.contributions.tests.conftest import Billable
from lindung.membership.models import EndReason, ExitCandidate
from lindung.membership.services import (
    exit_candidate_accept,
    exits_from_snapshot,
    membership_end,
)
from lindung.membership.tests.conftest import Determined, nik
from lindung.membership.tests.lifecycle_helpers import import_deaths


def test_a_jkm_claim_opens_once_per_member(determined: Determined) -> None:
    member = determined.member(2)
    died = timezone.localdate() - timedelta(days=2)
    first = claim_open_jkm(
        actor=determined.users["manager"], membership=member, event_date=died, note="Akta 1"
    )
    assert (first.benefit, first.status, first.event_date) == (
        ClaimBenefit.JKM,
        ClaimStatus.REPORTED,
        died,
    )
    again = claim_open_jkm(actor=None, membership=member, event_date=timezone.localdate())
    assert again.pk == first.pk and again.event_date == died  # the first stands
    assert Claim.objects.count() == 1
    assert first.documents.count() == 7 and first.components.count() == 3


def test_the_database_refuses_a_second_jkm_case_but_not_a_second_jkk(
    determined: Determined,
) -> None:
    member = determined.member(2)
    day = timezone.localdate()
    Claim.objects.create(membership=member, benefit=ClaimBenefit.JKM, event_date=day)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(membership=member, benefit=ClaimBenefit.JKM, event_date=day)
    for _ in range(2):  # accidents can happen more than once
        Claim.objects.create(membership=member, benefit=ClaimBenefit.JKK, event_date=day)
    assert Claim.objects.filter(membership=member).count() == 3


def test_claims_of_different_members_are_separate(determined: Determined) -> None:
    day = timezone.localdate()
    for serial in (2, 8):
        claim_open_jkm(actor=None, membership=determined.member(serial), event_date=day)
    assert Claim.objects.filter(benefit=ClaimBenefit.JKM).count() == 2


def test_a_confirmed_death_from_dukcapil_opens_a_case_with_source_death_record(
    covered: Billable,
) -> None:
    died = date(2026, 1, 12)
    exits_from_snapshot(actor=None, snapshot=import_deaths({nik(2): died}))
    candidate = ExitCandidate.objects.get()
    exit_candidate_accept(actor=covered.users["verifier"], candidate=candidate, expected_version=1)
    claim = Claim.objects.get(membership=covered.member(2))
    assert (claim.benefit, claim.source, claim.status, claim.event_date) == (
        ClaimBenefit.JKM,
        ClaimSource.DEATH_RECORD,
        ClaimStatus.REPORTED,
        died,
    )
    assert claim.created_by == covered.users["verifier"]
    assert claim.note.startswith("Dukcapil")  # the extract and row as evidence
    assert sum(c.expected_amount or 0 for c in claim.components.all()) == 42_000_000
    assert claim.events.get().action == ClaimAction.OPENED
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CLAIM_OPEN, object_id=str(claim.pk)
    ).exists()


def test_a_death_ended_by_hand_opens_a_manual_case(covered: Billable) -> None:
    member = covered.member(8)
    membership_end(
        actor=covered.users["manager"],
        membership=member,
        expected_version=member.version,
        reason=EndReason.DEATH,
        effective_on=date(2026, 1, 5),
        evidence="Akta kematian 17/2026",
    )
    claim = Claim.objects.get(membership=member)
    assert (claim.source, claim.note) == (ClaimSource.MANUAL, "Akta kematian 17/2026")


def test_a_death_a_village_reported_first_is_confirmed_not_duplicated(
    covered: Billable,
) -> None:
    reported = open_jkm(covered)  # the village reports the death on 20 November 2025
    exits_from_snapshot(actor=None, snapshot=import_deaths({nik(2): date(2025, 11, 20)}))
    member = covered.member(2)
    exit_candidate_accept(
        actor=None, candidate=ExitCandidate.objects.get(), expected_version=member.version
    )
    claim = Claim.objects.get(membership=member)
    assert claim.pk == reported.pk and claim.source == ClaimSource.MANUAL
    assert list(claim.events.values_list("action", flat=True)) == [
        ClaimAction.OPENED,
        ClaimAction.CONFIRMED,
    ]

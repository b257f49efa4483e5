"""Opening JKM claims: once per member, whatever calls it and how often."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.claims.models import Claim, ClaimBenefit, ClaimStatus
from lindung.claims.services import claim_open_jkm
from lindung.membership.tests.conftest import Determined
from lindung.membership.tests.lifecycle_helpers import build_determined


@pytest.fixture
def determined(db: None) -> Determined:
    """The membership tests' determined period: members to claim for."""
    return build_determined()


def test_a_jkm_claim_opens_once_per_member(determined: Determined) -> None:
    member = determined.member(2)
    died = timezone.localdate() - timedelta(days=2)
    first = claim_open_jkm(
        actor=determined.users["manager"], membership=member, event_date=died, note="Akta 1"
    )
    assert (first.benefit, first.status, first.event_date) == (
        ClaimBenefit.JKM,
        ClaimStatus.OPEN,
        died,
    )
    again = claim_open_jkm(actor=None, membership=member, event_date=timezone.localdate())
    assert again.pk == first.pk and again.event_date == died  # the first stands
    assert Claim.objects.count() == 1


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

"""The claims step of the demo, on the test programme with two January deaths."""

from __future__ import annotations

from datetime import date

from lindung.claims.demo import build_claims_demo
from lindung.claims.models import Claim, ClaimBenefit, ClaimSource, ClaimStatus
from lindung.contributions.tests.conftest import Billable
from lindung.membership.models import ExitCandidate
from lindung.membership.services import exit_candidate_accept, exits_from_snapshot
from lindung.membership.tests.conftest import nik
from lindung.membership.tests.lifecycle_helpers import import_deaths


def test_the_demo_works_the_death_cases_and_adds_two_accidents(covered: Billable) -> None:
    snapshot = import_deaths({nik(3): date(2026, 1, 5), nik(9): date(2026, 1, 12)})
    exits_from_snapshot(actor=None, snapshot=snapshot)
    for candidate in ExitCandidate.objects.order_by("id"):
        exit_candidate_accept(
            actor=None, candidate=candidate, expected_version=candidate.membership.version
        )
    users = covered.users
    summary = build_claims_demo(
        programme=covered.programme,
        users={
            "manager": users["manager"],
            "verifier": users["verifier"],
            "bpjs": users["bpjs"],
            "desa": users["desa"],
        },
    )
    jkm = Claim.objects.filter(benefit=ClaimBenefit.JKM, source=ClaimSource.DEATH_RECORD)
    assert sorted(jkm.values_list("status", flat=True)) == [
        ClaimStatus.COMPLETE,
        ClaimStatus.PAID,
    ]
    paid = jkm.get(status=ClaimStatus.PAID)
    assert sum(c.paid_amount or 0 for c in paid.components.all()) == 42_000_000
    assert paid.heirs.count() == 2
    jkk = Claim.objects.filter(benefit=ClaimBenefit.JKK)
    assert sorted(jkk.values_list("status", flat=True)) == [
        ClaimStatus.PAID,
        ClaimStatus.REJECTED,
    ]
    farmer = jkk.get(status=ClaimStatus.PAID)
    assert farmer.created_by == users["desa"]  # a member of the desa operator's village
    assert summary["claims_total"] == 4
    assert summary["claims_paid"] == 42_000_000 + 7_850_000 + 450_000
    assert summary["claims"]["by_status"] == {"paid": 2, "complete": 1, "rejected": 1}

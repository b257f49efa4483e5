"""Seluma's test programme (see membership/tests/conftest.py) with its 8 members registered
at BPJS from 1 October 2025 and an APBD 2025 budget line paying exactly 3 months of them:
8 x Rp16.800 x 3 = Rp403.200. The waiting list keeps serials 4, 5 (village A) and 11 (B)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lindung.core.tests.worlds import shared_world
from lindung.membership.models import Membership, MemberStatus
from lindung.membership.tests.conftest import Determined, determined, proposed  # noqa: F401
from lindung.programs import services as programme_services
from lindung.programs.models import BudgetLine, BudgetStatus, FundingSource

RATE = 16_800
MEMBERS = 8
COVERAGE_START = date(2025, 10, 1)


def kpj_of(membership: Membership) -> str:
    return f"25{membership.pk:09d}"


@dataclass
class Billable(Determined):
    budget_line: BudgetLine

    def members(self) -> list[Membership]:
        return list(Membership.objects.filter(programme=self.programme).order_by("id"))


@shared_world
def billable(determined: Determined) -> Billable:  # noqa: F811
    return register_and_fund(determined)


def register_and_fund(chosen: Determined, *, not_sent: tuple[int, ...] = ()) -> Billable:
    """Every determined member registered at BPJS from October 2025 except the serials in
    `not_sent`, and an approved APBD line for three months of them all."""
    members = list(Membership.objects.filter(programme=chosen.programme))
    assert len(members) == MEMBERS
    left_out = {chosen.member(serial).nik for serial in not_sent}
    for member in members:
        if member.nik not in left_out:
            member.status = MemberStatus.REGISTERED
            member.kpj = kpj_of(member)
            member.coverage_start = COVERAGE_START
    Membership.objects.bulk_update(members, ["status", "kpj", "coverage_start"])
    line = programme_services.budget_line_create(
        actor=chosen.users["manager"],
        programme=chosen.programme,
        fiscal_year=2025,
        funding_source=FundingSource.APBD,
        name="Tahap 1",
        pagu=MEMBERS * RATE * 3,
        status=BudgetStatus.APPROVED,
        dpa_number="900/01/DPA/2025",
    )
    return Billable(
        chosen.world,
        chosen.programme,
        chosen.period,
        chosen.determination,
        line,
    )

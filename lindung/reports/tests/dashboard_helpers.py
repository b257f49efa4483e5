"""Seluma's billable programme (contributions conftest) made into a dashboard fixture whose
every figure can be counted by hand.

| village (kecamatan)            | members (serial: age band on 15-01-2026, sex)        |
|---|---|
| A  Niur (Sukaraja)             | 1: 55+ L, 2: <25 L, 3: 25–34 L                       |
| A2 Lubuk Sahung (Sukaraja)     | 6: 35–44 P (45 tomorrow), 7: 45–54 P (45 today)      |
| B  Pasar Tais (Seluma)         | 8: 55+ L Nelayan, 9: ended (death), 10: 55+ L        |

All registered at BPJS; occupation Petani unless said. Sukaraja has 21 villages, Seluma 7,
the regency 202: with 3 places per village the targets are 63, 21 and 606.
Money: October 2025 billed and paid in full (8 x Rp16.800 = Rp134.400) from the APBD 2025
line of Rp403.200. Claims: member 9's JKM case, paid Rp42.000.000; member 1's JKK case,
reported. Proposals: serial 5 (on the waiting list) sent back to review; waiting list 4, 5, 11.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lindung.accounts.models import User
from lindung.claims.models import (
    Claim,
    ClaimBenefit,
    ClaimComponent,
    ClaimComponentKind,
    ClaimStatus,
)
from lindung.contributions import payments
from lindung.contributions.models import Bill
from lindung.contributions.tests.bills_helpers import OCT, approved_bill
from lindung.contributions.tests.conftest import Billable
from lindung.membership.models import EndReason, Membership
from lindung.membership.services import membership_end
from lindung.membership.tests.conftest import nik
from lindung.programs.models import Occupation, Programme
from lindung.proposals.models import Proposal, ProposalStatus

ON = date(2026, 1, 15)
BILLED = 8 * 16_800
JKM_PAID = 42_000_000
BIRTHS = {
    2: date(2003, 5, 1),
    3: date(1995, 5, 1),
    6: date(1981, 1, 16),
    7: date(1981, 1, 15),
}


@dataclass
class Dash:
    billable: Billable
    bill: Bill

    @property
    def programme(self) -> Programme:
        return self.billable.programme

    @property
    def users(self) -> dict[str, User]:
        return self.billable.users


def member(serial: int) -> Membership:
    return Membership.objects.get(nik=nik(serial))


def build_dash(billable: Billable) -> Dash:
    users = billable.users
    bill = approved_bill(billable, OCT)
    payments.payment_record(
        actor=users["finance"],
        programme=billable.programme,
        budget_line=billable.budget_line,
        sp2d_number="001/SP2D-LS/2025",
        sp2d_date=date(2025, 11, 5),
        amount=bill.total,
        allocations=[(bill, bill.total)],
    )
    for serial, born in BIRTHS.items():
        Membership.objects.filter(nik=nik(serial)).update(birth_date=born)
    Membership.objects.filter(nik=nik(8)).update(occupation=Occupation.objects.get(name="Nelayan"))
    died = member(9)
    membership_end(
        actor=users["manager"],
        membership=died,
        expected_version=died.version,
        reason=EndReason.DEATH,
        effective_on=date(2025, 11, 1),
    )
    jkm = Claim.objects.get(membership=died, benefit=ClaimBenefit.JKM)
    Claim.objects.filter(pk=jkm.pk).update(status=ClaimStatus.PAID, decided_on=date(2025, 12, 1))
    for kind, amount in (
        (ClaimComponentKind.JKM_LUMP_SUM, 20_000_000),
        (ClaimComponentKind.JKM_PERIODIC, 12_000_000),
        (ClaimComponentKind.JKM_FUNERAL, 10_000_000),
    ):
        ClaimComponent.objects.update_or_create(
            claim=jkm, kind=kind, defaults={"paid_amount": amount}
        )
    jkk = Claim.objects.create(
        membership=member(1), benefit=ClaimBenefit.JKK, event_date=date(2025, 12, 3)
    )
    # Recorded as paid on a case that is not paid yet: must not count as claims paid.
    ClaimComponent.objects.create(
        claim=jkk, kind=ClaimComponentKind.JKK_MEDICAL, paid_amount=500_000
    )
    Proposal.objects.filter(nik=nik(5)).update(status=ProposalStatus.REVIEW)
    return Dash(billable, bill)


def shows_money(html: str) -> bool:
    """Whether `html` shows an amount ("Rp117.600"). Not a bare "Rp": a random CSRF token
    contains those two letters now and then."""
    return re.search(r"Rp\s?\d", html) is not None

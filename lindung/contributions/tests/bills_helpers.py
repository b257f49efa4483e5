"""Months and small steps the bill tests share."""

from __future__ import annotations

from datetime import date

from lindung.accounts.models import User
from lindung.contributions.billing import bill_approve, bill_draft
from lindung.contributions.models import Bill
from lindung.contributions.tests.conftest import Billable
from lindung.membership.models import EndReason, Membership, MemberStatus

SEP, OCT, NOV, DEC = date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)
JAN = date(2026, 1, 1)
JKK, JKM = 10_000, 6_800


def approved_bill(billable: Billable, month: date, role: str = "finance") -> Bill:
    actor: User = billable.users[role]
    bill = bill_draft(actor=actor, programme=billable.programme, month=month)
    return bill_approve(actor=actor, bill=bill, version=bill.version)


def end_member(member: Membership, on: date) -> None:
    """The member's record as a retroactive end leaves it (the lifecycle tests cover how)."""
    Membership.objects.filter(pk=member.pk).update(
        status=MemberStatus.ENDED, ended_on=on, end_reason=EndReason.DEATH
    )

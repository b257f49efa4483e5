"""Bills for the payment and forecast tests, written directly (not through the billing
service, which is tested on its own): lines inserted while the bill is a draft, then the
bill approved, as the database guards require."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from lindung.contributions.models import Bill, BillLine, BillStatus, LineKind
from lindung.contributions.tests.conftest import RATE, Billable
from lindung.membership.models import Membership

JKK = 10_000
JKM = RATE - JKK
BILL_TOTAL = 8 * RATE  # Rp134.400


def make_bill(
    billable: Billable,
    month: date,
    *,
    approved: bool = True,
    members: list[Membership] | None = None,
    adjustments: list[tuple[Membership, date, int]] | None = None,
) -> Bill:
    """A bill of `month` with a regular line of Rp16.800 for each of `members` (default:
    all 8) and `adjustments` (member, month corrected, signed JKK+JKM amount)."""
    chosen = billable.members() if members is None else members
    extra = adjustments or []
    bill = Bill.objects.create(
        programme=billable.programme, month=month, budget_line=billable.budget_line
    )
    lines = [
        BillLine(
            bill=bill,
            membership=m,
            village_id=m.village_id,
            kind=LineKind.REGULAR,
            month=month,
            jkk=JKK,
            jkm=JKM,
            jht=0,
            total=RATE,
        )
        for m in chosen
    ]
    lines += [
        BillLine(
            bill=bill,
            membership=m,
            village_id=m.village_id,
            kind=LineKind.ADJUSTMENT,
            month=corrected,
            jkk=amount,
            jkm=0,
            jht=0,
            total=amount,
        )
        for m, corrected, amount in extra
    ]
    BillLine.objects.bulk_create(lines)
    bill.members = len(chosen)
    bill.adjustment_lines = len(extra)
    bill.adjustment_total = sum(amount for _m, _c, amount in extra)
    bill.jkk = JKK * len(chosen) + bill.adjustment_total
    bill.jkm = JKM * len(chosen)
    bill.total = bill.jkk + bill.jkm
    if approved:
        bill.status = BillStatus.APPROVED
        bill.approved_at = timezone.now()
    bill.save()
    return bill


def bills(billable: Billable, count: int) -> list[Bill]:
    """`count` approved bills from October 2025 on."""
    return [make_bill(billable, date(2025, 10 + n, 1)) for n in range(count)]

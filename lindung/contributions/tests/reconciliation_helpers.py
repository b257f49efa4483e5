"""Bills made directly in the database, so the reconciliation tests do not depend on the
billing services: a draft with one regular line per member, then approved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone

from lindung.accounts.models import User
from lindung.contributions.models import Bill, BillLine, BillStatus, LineKind
from lindung.membership.models import Membership
from lindung.programs.models import Programme

JKK, JKM = 10_000, 6_800
RATE = JKK + JKM


def approved_bill(
    programme: Programme,
    month: date,
    members: Iterable[Membership],
    *,
    approved_by: User | None = None,
    adjustment: dict[int, int] | None = None,
) -> Bill:
    """An approved bill of `month` with a regular line of Rp16.800 per member, and for each
    membership id in `adjustment` a correction line for the month before of that amount
    (all of it JKK)."""
    members = list(members)
    adjustment = adjustment or {}
    lines = [
        BillLine(
            membership=m,
            village_id=m.village_id,
            kind=LineKind.REGULAR,
            month=month,
            jkk=JKK,
            jkm=JKM,
            jht=0,
            total=RATE,
        )
        for m in members
    ]
    earlier = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    by_id = {m.pk: m for m in members}
    lines += [
        BillLine(
            membership=by_id[pk],
            village_id=by_id[pk].village_id,
            kind=LineKind.ADJUSTMENT,
            month=earlier,
            jkk=amount,
            jkm=0,
            jht=0,
            total=amount,
        )
        for pk, amount in adjustment.items()
    ]
    jkk = sum(line.jkk for line in lines)
    jkm = sum(line.jkm for line in lines)
    bill = Bill.objects.create(
        programme=programme,
        month=month,
        members=len(members),
        adjustment_lines=len(adjustment),
        jkk=jkk,
        jkm=jkm,
        jht=0,
        adjustment_total=sum(adjustment.values()),
        total=jkk + jkm,
    )
    for line in lines:
        line.bill = bill
    BillLine.objects.bulk_create(lines)
    Bill.objects.filter(pk=bill.pk).update(
        status=BillStatus.APPROVED, approved_at=timezone.now(), approved_by=approved_by
    )
    bill.refresh_from_db()
    return bill


def draft_bill(programme: Programme, month: date) -> Bill:
    return Bill.objects.create(programme=programme, month=month)


def csv_bytes(
    rows: list[list[str]], header: Iterable[str] = ("No KPJ", "NIK", "Nama", "Iuran")
) -> bytes:
    """A small invoice CSV, every cell as given."""
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()

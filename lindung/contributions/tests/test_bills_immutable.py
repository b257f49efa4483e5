"""An approved bill cannot be changed by any path: not the ORM, not a queryset, not raw
SQL, not the service. Each attempt runs in its own savepoint so the next can follow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from lindung.contributions.billing import bill_draft
from lindung.contributions.models import Bill, BillLine, LineKind
from lindung.contributions.tests.bills_helpers import NOV, OCT, approved_bill
from lindung.contributions.tests.conftest import MEMBERS, RATE, Billable

GUARD = "tagihan yang sudah disetujui tidak boleh diubah"


def _refused(attempt: Callable[[], object], error: type[Exception] = DatabaseError) -> None:
    with pytest.raises(error), transaction.atomic():
        attempt()


def _unchanged(bill: Bill) -> None:
    fresh = Bill.objects.get(pk=bill.pk)
    assert (fresh.status, fresh.members, fresh.total, fresh.version) == (
        bill.status,
        bill.members,
        bill.total,
        bill.version,
    )
    lines = BillLine.objects.filter(bill=bill)
    assert lines.count() == MEMBERS
    assert sorted(set(lines.values_list("total", flat=True))) == [RATE]


def _sql(statement: str, *params: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_bill_row_refuses_every_change(billable: Billable) -> None:
    bill = approved_bill(billable, OCT)

    def save() -> None:
        changed = Bill.objects.get(pk=bill.pk)
        changed.jkk, changed.total = 0, changed.jkm
        changed.save()

    def back_to_draft() -> None:
        Bill.objects.filter(pk=bill.pk).update(status="draft", approved_at=None)

    with pytest.raises(DatabaseError, match=GUARD), transaction.atomic():
        save()
    _refused(back_to_draft)
    _refused(lambda: Bill.objects.filter(pk=bill.pk).update(budget_line=None))
    _refused(
        lambda: _sql(
            "UPDATE contributions_bill SET total = 0, jkk = 0, jkm = 0 WHERE id = %s", bill.pk
        )
    )
    _refused(lambda: _sql("DELETE FROM contributions_bill WHERE id = %s", bill.pk))
    _unchanged(bill)


def test_deleting_the_bill_through_the_orm_is_refused(billable: Billable) -> None:
    bill = approved_bill(billable, OCT)
    # Its lines protect it in the ORM, and the database refuses the lines' deletion.
    _refused(lambda: Bill.objects.get(pk=bill.pk).delete(), ProtectedError)
    _refused(lambda: Bill.objects.filter(pk=bill.pk).delete(), ProtectedError)
    _refused(lambda: BillLine.objects.filter(bill=bill).delete())
    _unchanged(bill)


def test_the_lines_refuse_update_delete_and_insert(billable: Billable) -> None:
    bill = approved_bill(billable, OCT)
    line = BillLine.objects.filter(bill=bill).first()
    assert line is not None

    def save_line() -> None:
        line.jkk, line.total = line.jkk - 1, line.total - 1
        line.save()

    _refused(save_line)
    _refused(lambda: BillLine.objects.filter(bill=bill).update(jkk=0, jkm=0, total=0))
    _refused(
        lambda: _sql(
            "UPDATE contributions_billline SET jkm = 0, total = jkk WHERE bill_id = %s", bill.pk
        )
    )
    _refused(lambda: _sql("DELETE FROM contributions_billline WHERE bill_id = %s", bill.pk))
    _refused(lambda: BillLine.objects.get(pk=line.pk).delete())

    def insert() -> None:
        BillLine.objects.create(
            bill=bill,
            membership=line.membership,
            village=line.village,
            kind=LineKind.ADJUSTMENT,
            month=NOV,
            jkk=1,
            jkm=0,
            jht=0,
            total=1,
        )

    _refused(insert)
    _unchanged(bill)


def test_a_line_cannot_be_moved_into_an_approved_bill(billable: Billable) -> None:
    approved = approved_bill(billable, OCT)
    draft = bill_draft(actor=billable.users["finance"], programme=billable.programme, month=NOV)
    _refused(lambda: BillLine.objects.filter(bill=draft).update(bill=approved))
    _unchanged(approved)
    assert BillLine.objects.filter(bill=draft).count() == MEMBERS


def test_the_service_refuses_to_draft_an_approved_month_again(billable: Billable) -> None:
    bill = approved_bill(billable, OCT)
    _refused(
        lambda: bill_draft(
            actor=billable.users["manager"], programme=billable.programme, month=OCT
        ),
        ValidationError,
    )
    _unchanged(bill)


def test_a_draft_stays_editable(billable: Billable) -> None:
    # The guard is for approved bills only: a draft's lines are replaced when it is redone.
    draft = bill_draft(actor=billable.users["finance"], programme=billable.programme, month=OCT)
    assert BillLine.objects.filter(bill=draft).delete()[0] == MEMBERS
    Bill.objects.filter(pk=draft.pk).update(members=0)
    assert Bill.objects.get(pk=draft.pk).members == 0


def test_a_line_must_name_a_real_member_and_village(billable: Billable) -> None:
    """Bill lines have no per-row foreign keys (a bill is one COPY of up to a million
    lines); the database still refuses a line for a member or village that does not exist,
    checked once per statement."""
    bill = bill_draft(actor=billable.users["manager"], programme=billable.programme, month=OCT)
    line = BillLine.objects.filter(bill=bill).first()
    assert line is not None
    insert = (
        "INSERT INTO contributions_billline "
        "(bill_id, membership_id, village_id, kind, month, jkk, jkm, jht, total) "
        "VALUES (%s, %s, %s, 'adjustment', %s, 0, 0, 0, 0)"
    )

    def add(membership_id: int, village: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(insert, [bill.pk, membership_id, village, NOV])

    with pytest.raises(DatabaseError, match="tidak ada"), transaction.atomic():
        add(999_999_999, line.village_id)
    with pytest.raises(DatabaseError, match="tidak ada"), transaction.atomic():
        add(line.membership_id, "99.99.99.9999")
    add(line.membership_id, line.village_id)  # a real member and village: accepted
    assert BillLine.objects.filter(bill=bill, month=NOV).count() == 1

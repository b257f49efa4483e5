"""Recording and voiding payments (SP2D): partial payments, arrears, the limits a payment
must stay within, and the database refusing any other change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from lindung.audit.models import AuditEvent
from lindung.contributions import payments
from lindung.contributions.models import Payment, PaymentAllocation
from lindung.contributions.payments import (
    PaidState,
    arrears_by_month,
    coverage_months,
    paid_by_bill,
    payment_record,
    payment_void,
)
from lindung.contributions.tests.conftest import RATE, Billable
from lindung.contributions.tests.payments_helpers import BILL_TOTAL, bills, make_bill
from lindung.programs import services as programme_services
from lindung.programs.models import BudgetStatus, FundingSource

PAID_ON = date(2025, 11, 14)


def pay(billable: Billable, number: str, parts: list[tuple[object, int]], **kw: object) -> Payment:
    fields: dict[str, object] = {
        "actor": billable.users["finance"],
        "programme": billable.programme,
        "budget_line": billable.budget_line,
        "sp2d_number": number,
        "sp2d_date": PAID_ON,
        "amount": sum(amount for _bill, amount in parts),
        "allocations": parts,
    } | kw
    return payment_record(**fields)  # type: ignore[arg-type]


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def test_a_bill_paid_in_two_sp2d_shows_its_arrears_until_the_second(billable: Billable) -> None:
    october, november = bills(billable, 2)
    pay(billable, "001/SP2D", [(october, 100_000)])
    rows = {row.month: row for row in arrears_by_month(billable.programme)}
    assert (rows[october.month].billed, rows[october.month].paid) == (BILL_TOTAL, 100_000)
    assert rows[october.month].outstanding == BILL_TOTAL - 100_000
    assert rows[november.month].outstanding == BILL_TOTAL

    pay(billable, "002/SP2D", [(october, BILL_TOTAL - 100_000), (november, 4_400)])
    rows = {row.month: row for row in arrears_by_month(billable.programme)}
    assert rows[october.month].outstanding == 0
    assert rows[november.month].outstanding == BILL_TOTAL - 4_400
    assert paid_by_bill([october.pk, november.pk]) == {october.pk: BILL_TOTAL, november.pk: 4_400}
    assert [r.month for r in payments.payable_bills(billable.programme)] == [november.month]


def test_a_payment_is_audited_with_its_allocations(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    payment = pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    event = AuditEvent.objects.get(action=payments.AUDIT_RECORD, object_id=str(payment.pk))
    assert event.actor == billable.users["finance"]
    assert event.detail["amount"] == BILL_TOTAL
    assert event.detail["allocations"] == {str(october.pk): BILL_TOTAL}


def test_paying_more_than_a_bill_still_owes_is_refused(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    pay(billable, "001/SP2D", [(october, 100_000)])
    with pytest.raises(ValidationError) as error:
        pay(billable, "002/SP2D", [(october, 34_401)])
    assert "Rp34.400" in messages_of(error)  # what is left, so the clerk can correct it
    assert Payment.objects.count() == 1
    assert PaymentAllocation.objects.count() == 1


def test_exceeding_the_budget_line_is_refused_with_the_figures(billable: Billable) -> None:
    # Billed beyond the line (a fourth month charged to it): the line pays Rp403.200 at most.
    four = [*bills(billable, 3), make_bill(billable, date(2026, 1, 1))]
    pay(billable, "001/SP2D", [(four[0], BILL_TOTAL), (four[1], BILL_TOTAL)])
    pay(billable, "002/SP2D", [(four[2], BILL_TOTAL)])
    with pytest.raises(ValidationError) as error:
        pay(billable, "003/SP2D", [(four[3], 1)])
    text = messages_of(error)
    assert "Rp403.200" in text and "sisa Rp0" in text and "Rp1 " in text
    assert Payment.objects.count() == 2


def test_a_voided_payment_no_longer_counts(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    wrong = pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    payment_void(actor=billable.users["finance"], payment=wrong, reason="Nomor SP2D salah ketik")
    assert paid_by_bill([october.pk]) == {}
    assert arrears_by_month(billable.programme)[0].outstanding == BILL_TOTAL
    # The bill can be paid again, under the right number.
    pay(billable, "001/SP2D-LS", [(october, BILL_TOTAL)])
    assert paid_by_bill([october.pk]) == {october.pk: BILL_TOTAL}
    assert AuditEvent.objects.filter(action=payments.AUDIT_VOID, object_id=str(wrong.pk)).exists()


def test_a_payment_is_voided_once_and_only_with_a_reason(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    payment = pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    with pytest.raises(ValidationError, match="alasan"):
        payment_void(actor=billable.users["finance"], payment=payment, reason="  ")
    payment_void(actor=billable.users["finance"], payment=payment, reason="Dobel")
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        payment_void(actor=billable.users["finance"], payment=payment, reason="Lagi")
    payment.refresh_from_db()
    assert payment.void_reason == "Dobel"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"sp2d_date": timezone.localdate() + timedelta(days=1)}, "belum tiba"),
        ({"sp2d_number": "  "}, "Isi nomor SP2D"),
        ({"amount": BILL_TOTAL - 1}, "tidak sama"),
        ({"allocations": []}, "minimal satu tagihan"),
    ],
)
def test_bad_input_is_refused_and_leaves_nothing(
    billable: Billable, change: dict[str, object], expected: str
) -> None:
    (october,) = bills(billable, 1)
    with pytest.raises(ValidationError) as error:
        pay(billable, "001/SP2D", [(october, BILL_TOTAL)], **change)
    assert expected in messages_of(error)
    assert not Payment.objects.exists() and not PaymentAllocation.objects.exists()


def test_an_sp2d_number_is_recorded_once_per_programme(billable: Billable) -> None:
    october, november = bills(billable, 2)
    pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    with pytest.raises(ValidationError, match="sudah dicatat"):
        pay(billable, "001/SP2D", [(november, BILL_TOTAL)])


def test_a_draft_bill_cannot_be_paid(billable: Billable) -> None:
    draft = make_bill(billable, date(2025, 10, 1), approved=False)
    with pytest.raises(ValidationError, match="belum disetujui"):
        pay(billable, "001/SP2D", [(draft, BILL_TOTAL)])


def test_a_line_that_is_not_approved_cannot_pay(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    planned = programme_services.budget_line_create(
        actor=None,
        programme=billable.programme,
        fiscal_year=2025,
        funding_source=FundingSource.APBD,
        name="Perubahan",
        pagu=1_000_000,
        status=BudgetStatus.PLANNED,
    )
    with pytest.raises(ValidationError) as error:
        pay(billable, "001/SP2D", [(october, BILL_TOTAL)], budget_line=planned)
    assert "hanya pos yang disahkan" in messages_of(error)
    assert "dibebankan ke pos anggaran" in messages_of(error)


@pytest.mark.parametrize("role", ["manager", "auditor", "desa", "bpjs"])
def test_only_finance_and_admin_record_payments(billable: Billable, role: str) -> None:
    (october,) = bills(billable, 1)
    with pytest.raises(PermissionDenied):
        pay(billable, "001/SP2D", [(october, BILL_TOTAL)], actor=billable.users[role])
    assert not Payment.objects.exists()


def test_the_database_refuses_editing_or_deleting_a_payment(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    payment = pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    allocation = PaymentAllocation.objects.get()
    attempts: list[Callable[[], object]] = [
        lambda: Payment.objects.filter(pk=payment.pk).update(amount=1),
        lambda: Payment.objects.filter(pk=payment.pk).update(sp2d_number="X"),
        lambda: PaymentAllocation.objects.filter(pk=allocation.pk).update(amount=1),
        lambda: PaymentAllocation.objects.filter(pk=allocation.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="tidak boleh diubah"), transaction.atomic():
            attempt()
    raw = [
        ("UPDATE contributions_payment SET amount = 5 WHERE id = %s", payment.pk),
        ("DELETE FROM contributions_payment WHERE id = %s", payment.pk),
        ("DELETE FROM contributions_paymentallocation WHERE id = %s", allocation.pk),
    ]
    for sql, pk in raw:
        with (
            pytest.raises(DatabaseError, match="tidak boleh diubah"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
    payment.refresh_from_db()
    assert payment.amount == BILL_TOTAL and PaymentAllocation.objects.get().amount == BILL_TOTAL


def test_a_voided_payment_cannot_be_unvoided(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    payment = pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    payment_void(actor=None, payment=payment, reason="Salah")
    with pytest.raises(DatabaseError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(voided_at=None, void_reason="")
    assert Payment.objects.get().voided


def test_coverage_months_net_adjustments_and_say_what_is_paid(
    billable: Billable, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    member = billable.members()[0]
    october, november = bills(billable, 2)
    # December corrects October for this member (e.g. a rate fix): -Rp1.000.
    december = make_bill(billable, date(2025, 12, 1), adjustments=[(member, october.month, -1_000)])
    pay(billable, "001/SP2D", [(october, BILL_TOTAL)])
    pay(billable, "002/SP2D", [(november, 10_000)])
    with django_assert_num_queries(1):
        months = {row.month: row for row in coverage_months(member)}
    assert list(months) == [december.month, november.month, october.month]
    assert months[october.month].amount == RATE - 1_000
    # October's regular line is paid, its correction (in December's bill) is not yet.
    assert months[october.month].paid == PaidState.PARTLY
    assert months[november.month].paid == PaidState.PARTLY
    assert months[december.month].paid == PaidState.NONE
    assert months[december.month].approved

"""Settling BPJS invoice differences: one at a time or many with one reason, always audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from lindung.audit.models import AuditEvent
from lindung.contributions import reconciliation
from lindung.contributions.invoice_simulator import CHANGE, invoice_file
from lindung.contributions.models import (
    Bill,
    DifferenceKind,
    Invoice,
    InvoiceDifference,
    Resolution,
)
from lindung.contributions.reconciliation import (
    ReconciliationError,
    difference_resolve,
    differences_resolve,
    invoice_import,
)
from lindung.contributions.tests.conftest import Billable
from lindung.contributions.tests.reconciliation_helpers import RATE, approved_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(billable: Billable) -> Bill:
    return approved_bill(billable.programme, date(2025, 10, 1), billable.members())


@pytest.fixture
def invoice(billable: Billable, bill: Bill) -> Invoice:
    """Two KPJs we do not know, one member left out, one amount changed, and the total."""
    data = invoice_file(bill, extra=2, missing=1, changed=1)
    return invoice_import(
        actor=billable.users["bpjs"],
        bill=bill,
        number="TAG/2025/10",
        total=bill.total + 2 * RATE - RATE + CHANGE,  # two extra, one missing, one changed
        data=data,
        file_name="tagihan.csv",
    )


def _open(invoice: Invoice, kind: str) -> list[InvoiceDifference]:
    return list(invoice.differences.filter(kind=kind, resolution="").order_by("id"))


def test_a_difference_is_settled_with_a_reason_and_audited(
    billable: Billable, invoice: Invoice
) -> None:
    (difference,) = _open(invoice, DifferenceKind.OURS_ONLY)
    finance = billable.users["finance"]
    settled = difference_resolve(
        actor=finance,
        difference=difference,
        resolution=Resolution.OURS_CORRECT,
        reason="  Peserta aktif; BPJS diminta menagihnya di bulan berikutnya.  ",
    )
    stored = InvoiceDifference.objects.get(pk=difference.pk)
    assert stored.resolved and stored == settled
    assert stored.resolution == Resolution.OURS_CORRECT
    assert stored.reason == "Peserta aktif; BPJS diminta menagihnya di bulan berikutnya."
    assert stored.resolved_by == finance and stored.resolved_at is not None
    event = AuditEvent.objects.get(action=reconciliation.ACTION_RESOLVE)
    assert (event.actor, event.object_type, event.object_id) == (
        finance,
        "invoice_difference",
        str(difference.pk),
    )
    assert event.detail["reason"] == stored.reason
    assert event.detail["kind"] == "ours_only" and event.detail["invoice"] == invoice.pk


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reason_is_required(billable: Billable, invoice: Invoice, reason: str) -> None:
    (difference,) = _open(invoice, DifferenceKind.OURS_ONLY)
    with pytest.raises(ReconciliationError, match="Tulis alasannya"):
        difference_resolve(
            actor=billable.users["finance"],
            difference=difference,
            resolution=Resolution.ACCEPTED,
            reason=reason,
        )
    assert not InvoiceDifference.objects.get(pk=difference.pk).resolved
    assert not AuditEvent.objects.filter(action=reconciliation.ACTION_RESOLVE).exists()


def test_an_unknown_resolution_is_refused(billable: Billable, invoice: Invoice) -> None:
    (difference,) = _open(invoice, DifferenceKind.OURS_ONLY)
    with pytest.raises(ReconciliationError, match="Pilih penyelesaian"):
        difference_resolve(
            actor=billable.users["finance"],
            difference=difference,
            resolution="whatever",
            reason="alasan",
        )
    assert not InvoiceDifference.objects.get(pk=difference.pk).resolved


def test_a_settled_difference_cannot_be_settled_again(billable: Billable, invoice: Invoice) -> None:
    (difference,) = _open(invoice, DifferenceKind.AMOUNT)
    difference_resolve(
        actor=billable.users["finance"],
        difference=difference,
        resolution=Resolution.BPJS_CORRECT,
        reason="Tarif BPJS yang benar; dikoreksi bulan depan.",
    )
    # The same stale object a second reconciler still holds.
    with pytest.raises(ReconciliationError, match="sudah diselesaikan oleh finance-1705"):
        difference_resolve(
            actor=billable.users["bpjs"],
            difference=difference,
            resolution=Resolution.OURS_CORRECT,
            reason="Saya kira data kita benar.",
        )
    stored = InvoiceDifference.objects.get(pk=difference.pk)
    assert stored.resolution == Resolution.BPJS_CORRECT
    assert stored.resolved_by == billable.users["finance"]
    assert AuditEvent.objects.filter(action=reconciliation.ACTION_RESOLVE).count() == 1


@pytest.mark.parametrize("role", ["auditor", "leadership", "desa", "kecamatan", "verifier"])
def test_only_reconcilers_settle(billable: Billable, invoice: Invoice, role: str) -> None:
    (difference,) = _open(invoice, DifferenceKind.OURS_ONLY)
    with pytest.raises(PermissionDenied):
        difference_resolve(
            actor=billable.users[role],
            difference=difference,
            resolution=Resolution.ACCEPTED,
            reason="alasan",
        )
    with pytest.raises(PermissionDenied):
        differences_resolve(
            actor=billable.users[role],
            invoice=invoice,
            ids=[difference.pk],
            resolution=Resolution.ACCEPTED,
            reason="alasan",
        )
    assert invoice.differences.exclude(resolution="").count() == 0


# -- many at once ----------------------------------------------------------------------------


def test_many_differences_are_settled_with_one_reason_and_one_audit_event(
    billable: Billable, invoice: Invoice
) -> None:
    extra = _open(invoice, DifferenceKind.BPJS_ONLY)
    assert len(extra) == 2
    ids = [d.pk for d in extra]
    count = differences_resolve(
        actor=billable.users["bpjs"],
        invoice=invoice,
        ids=ids,
        resolution=Resolution.OURS_CORRECT,
        reason="Bukan peserta program ini; BPJS menghapusnya dari tagihan.",
    )
    assert count == 2
    settled = InvoiceDifference.objects.filter(pk__in=ids)
    assert {(d.resolution, d.resolved_by_id) for d in settled} == {
        (Resolution.OURS_CORRECT, billable.users["bpjs"].pk)
    }
    # The other differences are still open.
    assert invoice.differences.filter(resolution="").count() == invoice.differences.count() - 2
    (event,) = AuditEvent.objects.filter(action=reconciliation.ACTION_RESOLVE)
    assert (event.object_type, event.object_id) == ("invoice", str(invoice.pk))
    assert event.detail["count"] == 2 and event.detail["ids"] == sorted(ids)


def test_bulk_settling_is_all_or_nothing(billable: Billable, invoice: Invoice) -> None:
    first, second = _open(invoice, DifferenceKind.BPJS_ONLY)
    difference_resolve(
        actor=billable.users["finance"],
        difference=first,
        resolution=Resolution.ACCEPTED,
        reason="Sudah dijelaskan BPJS.",
    )
    with pytest.raises(ReconciliationError, match="1 selisih yang dipilih sudah diselesaikan"):
        differences_resolve(
            actor=billable.users["bpjs"],
            invoice=invoice,
            ids=[first.pk, second.pk],
            resolution=Resolution.OURS_CORRECT,
            reason="Bukan peserta program ini.",
        )
    assert not InvoiceDifference.objects.get(pk=second.pk).resolved
    assert InvoiceDifference.objects.get(pk=first.pk).resolution == Resolution.ACCEPTED


def test_bulk_settling_refuses_differences_of_another_invoice(
    billable: Billable, bill: Bill, invoice: Invoice
) -> None:
    other = invoice_import(
        actor=billable.users["bpjs"], bill=bill, number="TAG/LAIN", total=bill.total + 1
    )
    (foreign,) = other.differences.all()
    (ours,) = _open(invoice, DifferenceKind.OURS_ONLY)
    with pytest.raises(ReconciliationError, match="bukan milik tagihan BPJS ini"):
        differences_resolve(
            actor=billable.users["bpjs"],
            invoice=invoice,
            ids=[ours.pk, foreign.pk],
            resolution=Resolution.ACCEPTED,
            reason="alasan",
        )
    assert InvoiceDifference.objects.exclude(resolution="").count() == 0


@pytest.mark.parametrize(
    ("ids", "reason", "message"),
    [([], "alasan", "Pilih dulu"), ([1], " ", "Tulis alasannya")],
)
def test_bulk_settling_needs_a_choice_and_a_reason(
    billable: Billable, invoice: Invoice, ids: list[int], reason: str, message: str
) -> None:
    with pytest.raises(ReconciliationError, match=message):
        differences_resolve(
            actor=billable.users["bpjs"],
            invoice=invoice,
            ids=ids,
            resolution=Resolution.ACCEPTED,
            reason=reason,
        )


# -- selectors -------------------------------------------------------------------------------


def test_the_summary_and_the_filters(billable: Billable, invoice: Invoice) -> None:
    user = billable.users["auditor"]
    summary = reconciliation.summary(invoice)
    by_kind = {k.kind: (k.total, k.open) for k in summary.kinds}
    assert by_kind["bpjs_only"] == (2, 2) and by_kind["ours_only"] == (1, 1)
    assert by_kind["amount"] == (1, 1) and by_kind["total"] == (1, 1)
    assert by_kind["duplicate"] == by_kind["invalid"] == (0, 0)
    assert (summary.differences, summary.open, summary.resolved) == (5, 5, 0)
    assert summary.gap == RATE + CHANGE
    (amount,) = _open(invoice, DifferenceKind.AMOUNT)
    difference_resolve(
        actor=billable.users["finance"],
        difference=amount,
        resolution=Resolution.BPJS_CORRECT,
        reason="Tarif baru.",
    )
    after = reconciliation.summary(invoice)
    assert (after.open, after.resolved) == (4, 1)
    assert [d.pk for d in reconciliation.differences(user, invoice, state="resolved")] == [
        amount.pk
    ]
    assert reconciliation.differences(user, invoice, state="open").count() == 4
    assert reconciliation.differences(user, invoice, kind="bpjs_only").count() == 2
    assert reconciliation.differences(user, invoice, kind="nonsense").count() == 5
    assert list(reconciliation.invoices_for(user, invoice.bill)) == [invoice]
    assert reconciliation.invoice_for(user, invoice.pk) == invoice

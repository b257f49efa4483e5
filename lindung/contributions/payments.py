"""Payments (SP2D) against bills and budget lines: recording, voiding, and what is owed.

A payment is one SP2D from one budget line, split over one or more approved bills
(`PaymentAllocation`); a bill may be paid in several SP2D. Nothing recorded is edited: the
database refuses it (migration 0002), and a wrong payment is voided with a reason, after
which it no longer counts anywhere. Every recording and voiding is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import RECORD_PAYMENTS, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.engine.budget import format_rupiah
from lindung.membership.models import Membership
from lindung.programs.models import BudgetLine, BudgetStatus, Programme

from .models import Bill, BillLine, BillStatus, LineKind, Payment, PaymentAllocation
from .months import month_label

Errors = dict[str, list[str]]

# Audit actions of this module (AuditEvent.action is a 20-character code).
AUDIT_RECORD = AuditEvent.Action.PAYMENT_RECORD
AUDIT_VOID = AuditEvent.Action.PAYMENT_VOID


def paid_by_bill(bill_ids: Iterable[int]) -> dict[int, int]:
    """What has been paid towards each bill (voided payments do not count)."""
    rows = (
        PaymentAllocation.objects.filter(
            bill_id__in=list(bill_ids), payment__voided_at__isnull=True
        )
        .values("bill_id")
        .annotate(paid=Sum("amount"))
    )
    return {row["bill_id"]: int(row["paid"]) for row in rows}


def _paid_subquery() -> Coalesce:
    """The bill's paid amount as a correlated subquery (no join, so no row multiplication)."""
    paid = (
        PaymentAllocation.objects.filter(bill=OuterRef("pk"), payment__voided_at__isnull=True)
        .values("bill")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid), Value(0))


def _check_actor(actor: User | None, programme: Programme) -> None:
    """`actor` may record payments for `programme` (None = a system job or the CLI)."""
    if actor is None:
        return
    if not has_capability(actor, RECORD_PAYMENTS):
        raise PermissionDenied(_("Peran Anda tidak boleh mencatat pembayaran."))
    if not scoping.can_see_area(actor, programme.owner_id):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# -- services --------------------------------------------------------------------------------


def _input_errors(
    sp2d_number: str, sp2d_date: date | None, amount: int, allocations: Sequence[tuple[Bill, int]]
) -> Errors:
    errors: Errors = {}
    if not sp2d_number:
        _add(errors, "sp2d_number", _("Isi nomor SP2D."))
    if sp2d_date is None:
        _add(errors, "sp2d_date", _("Isi tanggal SP2D."))
    elif sp2d_date > timezone.localdate():
        _add(
            errors,
            "sp2d_date",
            _("Tanggal SP2D %(day)s belum tiba; catat pembayaran setelah SP2D terbit.")
            % {"day": sp2d_date.strftime("%d-%m-%Y")},
        )
    if amount <= 0:
        _add(errors, "amount", _("Jumlah dibayar harus lebih dari Rp0."))
    if not allocations:
        _add(errors, "allocations", _("Pilih minimal satu tagihan yang dibayar dengan SP2D ini."))
    ids = [bill.pk for bill, _amount in allocations]
    if len(set(ids)) != len(ids):
        _add(errors, "allocations", _("Satu tagihan hanya boleh disebut sekali per SP2D."))
    if any(part <= 0 for _bill, part in allocations):
        _add(errors, "allocations", _("Jumlah untuk setiap tagihan harus lebih dari Rp0."))
    allocated = sum(part for _bill, part in allocations)
    if allocations and amount > 0 and allocated != amount:
        _add(
            errors,
            "amount",
            _(
                "Jumlah SP2D %(amount)s tidak sama dengan jumlah yang dibagi ke tagihan "
                "%(allocated)s; samakan keduanya."
            )
            % {"amount": format_rupiah(amount), "allocated": format_rupiah(allocated)},
        )
    return errors


def _bill_errors(
    errors: Errors,
    programme: Programme,
    line: BudgetLine,
    allocations: Sequence[tuple[Bill, int]],
) -> None:
    # Lock the bills (in id order, so two clerks never wait on each other crosswise): a
    # second payment of the same bill waits here and then sees the first one's amount.
    wanted = {bill.pk: part for bill, part in allocations}
    bills = list(Bill.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    paid = paid_by_bill(wanted)
    for bill in bills:
        label = month_label(bill.month)
        if bill.programme_id != programme.pk:
            _add(
                errors, "allocations", _("Tagihan %(month)s milik program lain.") % {"month": label}
            )
            continue
        if bill.status != BillStatus.APPROVED:
            _add(
                errors,
                "allocations",
                _("Tagihan %(month)s belum disetujui; setujui dulu sebelum dibayar.")
                % {"month": label},
            )
            continue
        if bill.budget_line_id is not None and bill.budget_line_id != line.pk:
            _add(
                errors,
                "budget_line",
                _("Tagihan %(month)s dibebankan ke pos anggaran %(line)s; bayar dari pos itu.")
                % {"month": label, "line": str(bill.budget_line)},
            )
        outstanding = bill.total - paid.get(bill.pk, 0)
        if wanted[bill.pk] > outstanding:
            _add(
                errors,
                "allocations",
                _(
                    "Tagihan %(month)s tinggal %(outstanding)s yang belum dibayar "
                    "(tagihan %(total)s, sudah dibayar %(paid)s); %(amount)s terlalu banyak."
                )
                % {
                    "month": label,
                    "outstanding": format_rupiah(max(outstanding, 0)),
                    "total": format_rupiah(bill.total),
                    "paid": format_rupiah(paid.get(bill.pk, 0)),
                    "amount": format_rupiah(wanted[bill.pk]),
                },
            )
    if len(bills) != len(wanted):
        _add(errors, "allocations", _("Ada tagihan yang tidak ditemukan; muat ulang halaman."))


def _line_errors(errors: Errors, programme: Programme, line: BudgetLine, amount: int) -> None:
    if line.programme_id != programme.pk:
        _add(errors, "budget_line", _("Pos anggaran ini milik program lain."))
        return
    if line.status != BudgetStatus.APPROVED:
        _add(
            errors,
            "budget_line",
            _(
                "Pos anggaran %(line)s berstatus %(status)s; hanya pos yang disahkan (DPA) "
                "bisa dipakai."
            )
            % {"line": str(line), "status": line.get_status_display()},
        )
    paid = int(
        Payment.objects.filter(budget_line=line, voided_at__isnull=True).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    if amount > 0 and paid + amount > line.for_contributions:
        _add(
            errors,
            "amount",
            _(
                "Pos anggaran %(line)s untuk iuran %(available)s, sudah dibayar %(paid)s, sisa "
                "%(left)s; pembayaran %(amount)s melebihi sisa itu."
            )
            % {
                "line": str(line),
                "available": format_rupiah(line.for_contributions),
                "paid": format_rupiah(paid),
                "left": format_rupiah(line.for_contributions - paid),
                "amount": format_rupiah(amount),
            },
        )


@transaction.atomic
def payment_record(
    *,
    actor: User | None,
    programme: Programme,
    budget_line: BudgetLine,
    sp2d_number: str,
    sp2d_date: date | None,
    amount: int,
    allocations: Sequence[tuple[Bill, int]],
    note: str = "",
) -> Payment:
    """Record one SP2D paying `allocations` (bill, amount) from `budget_line`. All or
    nothing: any refusal raises ValidationError naming the field and what to fix."""
    _check_actor(actor, programme)
    number = (sp2d_number or "").strip()
    errors = _input_errors(number, sp2d_date, amount, allocations)
    # The budget line is locked first: two payments from one line queue up here, so the
    # second sees the first in the line's paid total and cannot push it over the pagu.
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
    _line_errors(errors, programme, line, amount)
    _bill_errors(errors, programme, line, allocations)
    taken = Payment.objects.filter(programme=programme, sp2d_number=number).first()
    if number and taken is not None:
        _add(
            errors,
            "sp2d_number",
            _("SP2D nomor %(number)s sudah dicatat (tanggal %(day)s); periksa nomornya.")
            % {"number": number, "day": taken.sp2d_date.strftime("%d-%m-%Y")},
        )
    if errors:
        raise ValidationError(errors)
    assert sp2d_date is not None
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                programme=programme,
                budget_line=line,
                sp2d_number=number,
                sp2d_date=sp2d_date,
                amount=amount,
                note=(note or "").strip(),
                created_by=actor,
            )
    except IntegrityError:  # the same number recorded by someone else a moment ago
        raise ValidationError(
            {"sp2d_number": [_("SP2D nomor %(number)s sudah dicatat.") % {"number": number}]}
        ) from None
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=payment, bill=bill, amount=part) for bill, part in allocations
    )
    audit_record(
        actor=actor,
        action=AUDIT_RECORD,
        object_type="payment",
        object_id=str(payment.pk),
        detail={
            "programme": programme.pk,
            "budget_line": line.pk,
            "sp2d_number": number,
            "sp2d_date": sp2d_date.isoformat(),
            "amount": amount,
            "allocations": {str(bill.pk): part for bill, part in allocations},
        },
    )
    return payment


@transaction.atomic
def payment_void(*, actor: User | None, payment: Payment, reason: str) -> Payment:
    """Void `payment` once, with a reason; it then counts nowhere."""
    _check_actor(actor, payment.programme)
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            {"reason": [_("Tulis alasan pembatalan, mis. nomor SP2D salah ketik.")]}
        )
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.voided_at is not None:
        raise ValidationError(
            _("SP2D %(number)s sudah dibatalkan pada %(day)s.")
            % {
                "number": locked.sp2d_number,
                "day": timezone.localtime(locked.voided_at).strftime("%d-%m-%Y %H:%M"),
            }
        )
    locked.voided_at = timezone.now()
    locked.voided_by = actor
    locked.void_reason = text
    locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_record(
        actor=actor,
        action=AUDIT_VOID,
        object_type="payment",
        object_id=str(locked.pk),
        detail={"sp2d_number": locked.sp2d_number, "amount": locked.amount, "reason": text},
    )
    return locked


# -- selectors -------------------------------------------------------------------------------


def payments_for(user: object, programme: Programme) -> QuerySet[Payment]:
    """The programme's payments `user` may see, newest SP2D first."""
    return scoping.visible(
        user,
        Payment.objects.filter(programme=programme).select_related(
            "budget_line", "created_by", "voided_by"
        ),
    ).order_by("-sp2d_date", "-id")


def payment_for(user: object, pk: int) -> Payment | None:
    """One payment, or None when it does not exist or lies outside the user's area."""
    found = scoping.visible(
        user,
        Payment.objects.select_related(
            "programme", "budget_line", "created_by", "voided_by"
        ).filter(pk=pk),
    )
    return found.first()


def allocations_of(payment: Payment) -> QuerySet[PaymentAllocation]:
    return payment.allocations.select_related("bill").order_by("bill__month")


def allocations_for(user: object, programme: Programme) -> QuerySet[PaymentAllocation]:
    """Every allocation of the programme's payments `user` may see, by SP2D then month."""
    return scoping.visible(
        user,
        PaymentAllocation.objects.filter(payment__programme=programme).select_related(
            "payment", "bill"
        ),
    ).order_by("-payment__sp2d_date", "-payment_id", "bill__month")


@dataclass(frozen=True)
class Arrears:
    bill_id: int
    month: date
    billed: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.billed - self.paid


def arrears_by_month(programme: Programme) -> list[Arrears]:
    """Each approved bill's month: billed, paid, outstanding (one query)."""
    rows = (
        Bill.objects.filter(programme=programme, status=BillStatus.APPROVED)
        .annotate(paid=_paid_subquery())
        .order_by("month")
        .values_list("pk", "month", "total", "paid")
    )
    return [Arrears(pk, month, int(total), int(paid)) for pk, month, total, paid in rows]


def payable_bills(programme: Programme) -> list[Arrears]:
    """Approved bills with something left to pay, oldest month first."""
    return [row for row in arrears_by_month(programme) if row.outstanding > 0]


class PaidState:
    FULL = "full"
    PARTLY = "partly"
    NONE = "none"


@dataclass(frozen=True)
class CoverageMonth:
    month: date
    amount: int  # net of adjustments
    status: str  # the bill status of the month's regular line (or of its adjustments)
    paid: str  # PaidState

    @property
    def approved(self) -> bool:
        return self.status == BillStatus.APPROVED


@dataclass
class _Month:
    status: str
    amount: int = 0
    states: set[str] = field(default_factory=set)


def coverage_months(membership: Membership) -> list[CoverageMonth]:
    """The months `membership` was billed for, newest first: the amount net of adjustment
    lines, the bill's status, and whether the bills holding those lines are paid in full,
    in part, or not at all. One query; a member has a line or two per month."""
    lines = (
        BillLine.objects.filter(membership=membership)
        .annotate(
            bill_status=F("bill__status"),
            bill_total=F("bill__total"),
            bill_paid=Subquery(
                PaymentAllocation.objects.filter(
                    bill=OuterRef("bill_id"), payment__voided_at__isnull=True
                )
                .values("bill")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
        )
        .order_by("-month", "kind")
        .values_list("month", "kind", "total", "bill_status", "bill_total", "bill_paid")
    )
    months: dict[date, _Month] = {}
    for month, kind, total, status, bill_total, bill_paid in lines:
        entry = months.setdefault(month, _Month(status=status))
        entry.amount += int(total)
        if kind == LineKind.REGULAR:
            entry.status = status
        paid = int(bill_paid or 0)
        if status != BillStatus.APPROVED or paid <= 0:
            entry.states.add(PaidState.NONE)
        else:
            entry.states.add(PaidState.FULL if paid >= int(bill_total) else PaidState.PARTLY)
    return [
        CoverageMonth(
            month,
            entry.amount,
            entry.status,
            next(iter(entry.states)) if len(entry.states) == 1 else PaidState.PARTLY,
        )
        for month, entry in months.items()
    ]

"""The money side: what the regency owes BPJS each month, what BPJS says it owes, what it paid.

- `Bill`: one programme's contributions for one month (the first day of it), drafted from
  the active members in one set-based step and approved by the Dinas. An approved bill and
  its lines never change again, by any path: database triggers refuse updates and deletes
  (migration 0002). A correction is an adjustment line in a later bill.
- `BillLine`: one member in one bill: a *regular* line for the bill's month, or an
  *adjustment* line correcting an earlier, approved month (signed amounts: a member ended
  retroactively gets a negative line, one registered retroactively a positive one).
- `Invoice` + `InvoiceDifference`: BPJS's own invoice for a month (its total and, when
  BPJS sends it, its member list with KPJ numbers), and every difference from our bill,
  each resolved with a recorded reason.
- `Payment` + `PaymentAllocation`: an SP2D from a budget line, covering one or more bills,
  in part or in full. A recorded payment is not edited; a wrong one is voided with a reason.
- `BudgetWarning`: a budget line found to cover fewer than two more months, raised once per
  line and month for the programme manager, until someone acknowledges it.

Money is whole rupiah in 64-bit integers; bill amounts are signed (adjustments).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.membership.models import Membership
from lindung.programs.models import BudgetLine, Programme
from lindung.regions.models import Region


class BillStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    APPROVED = "approved", _("Disetujui")


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Iuran bulan ini")
    ADJUSTMENT = "adjustment", _("Koreksi bulan sebelumnya")


def _user(verbose: Any) -> Any:
    """Who did it: a user, kept even if the account is later deactivated."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
    )


class Bill(models.Model):
    """A programme's contributions for one month. Totals are kept on the row (the lines
    summed when the draft was made) so lists and budget figures need no aggregation."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    month = models.DateField(_("bulan"), help_text=_("Hari pertama bulan yang ditagih."))
    budget_line = models.ForeignKey(
        BudgetLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        verbose_name=_("dibebankan ke pos anggaran"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BillStatus.choices, default=BillStatus.DRAFT
    )
    members = models.PositiveIntegerField(_("jumlah peserta"), default=0)
    adjustment_lines = models.PositiveIntegerField(_("jumlah baris koreksi"), default=0)
    jkk = models.BigIntegerField(_("JKK"), default=0)
    jkm = models.BigIntegerField(_("JKM"), default=0)
    jht = models.BigIntegerField(_("JHT"), default=0)
    adjustment_total = models.BigIntegerField(_("jumlah koreksi"), default=0)
    total = models.BigIntegerField(_("jumlah tagihan"), default=0)
    created_by = _user(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    approved_by = _user(_("disetujui oleh"))
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)

    class Meta:
        verbose_name = _("tagihan iuran")
        verbose_name_plural = _("tagihan iuran")
        ordering = ["programme_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="bill_once_per_month"),
            models.CheckConstraint(
                name="bill_status_is_known", condition=models.Q(status__in=BillStatus.values)
            ),
            models.CheckConstraint(
                name="bill_approved_has_time",
                condition=models.Q(status="draft", approved_at__isnull=True)
                | models.Q(status="approved", approved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="bill_total_adds_up",
                condition=models.Q(
                    total=models.F("jkk") + models.F("jkm") + models.F("jht"),
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("contributions:bill", args=[self.pk])

    @property
    def approved(self) -> bool:
        return self.status == BillStatus.APPROVED


class BillLine(models.Model):
    """One member in one bill. `month` is the month paid for: the bill's own month for a
    regular line, an earlier month for an adjustment.

    A bill holds up to a million lines, written in one COPY, so the table keeps only the
    indexes its reads need, and the references to the member and the village are checked
    set-based by the statement trigger of migration 0002 (one join per insert) instead of
    a foreign-key check per row: the village is the member's own, copied for grouping."""

    bill = models.ForeignKey(
        Bill, models.PROTECT, related_name="lines", verbose_name=_("tagihan"), db_index=False
    )
    membership = models.ForeignKey(
        Membership,
        models.PROTECT,
        related_name="bill_lines",
        verbose_name=_("peserta"),
        db_index=False,
        db_constraint=False,
    )
    village = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=LineKind.choices)
    month = models.DateField(_("bulan iuran"))
    jkk = models.BigIntegerField(_("JKK"))
    jkm = models.BigIntegerField(_("JKM"))
    jht = models.BigIntegerField(_("JHT"))
    total = models.BigIntegerField(_("jumlah"))

    class Meta:
        verbose_name = _("baris tagihan")
        verbose_name_plural = _("baris tagihan")
        ordering = ["bill_id", "village_id", "membership_id", "month"]
        indexes = [
            models.Index(fields=["membership", "month"], name="bill_line_member_month"),
        ]
        constraints = [
            # Also the index for a bill's lines (bill_id leads).
            models.UniqueConstraint(
                fields=["bill", "membership", "month"], name="bill_line_once_per_member_month"
            ),
            models.CheckConstraint(
                name="bill_line_kind_is_known", condition=models.Q(kind__in=LineKind.values)
            ),
            models.CheckConstraint(
                name="bill_line_total_adds_up",
                condition=models.Q(total=models.F("jkk") + models.F("jkm") + models.F("jht")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id}/{self.membership_id} {self.month:%Y-%m}"


class Invoice(models.Model):
    """BPJS's invoice (tagihan) for one month, as BPJS sent it."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    bill = models.ForeignKey(
        Bill, models.PROTECT, related_name="invoices", verbose_name=_("tagihan kita")
    )
    number = models.CharField(_("nomor tagihan BPJS"), max_length=100)
    issued_on = models.DateField(_("tanggal tagihan"), null=True, blank=True)
    total = models.BigIntegerField(_("jumlah menurut BPJS"))
    members = models.PositiveIntegerField(_("jumlah peserta menurut BPJS"), null=True, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64, blank=True)
    # rows, matched, bpjs_only, ours_only, amount, duplicate, invalid: rows = the sum.
    counts = models.JSONField(_("jumlah"), default=dict, blank=True)
    imported_by = _user(_("diunggah oleh"))
    imported_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = _("tagihan BPJS")
        verbose_name_plural = _("tagihan BPJS")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "number"], name="invoice_number_once_per_bill"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("contributions:invoice", args=[self.pk])


class DifferenceKind(models.TextChoices):
    BPJS_ONLY = "bpjs_only", _("Ditagih BPJS, bukan peserta aktif kita")
    OURS_ONLY = "ours_only", _("Peserta kita, tidak ditagih BPJS")
    AMOUNT = "amount", _("Jumlah iuran berbeda")
    DUPLICATE = "duplicate", _("Ditagih BPJS lebih dari sekali")
    INVALID = "invalid", _("Baris berkas BPJS tidak terbaca")
    TOTAL = "total", _("Jumlah tagihan berbeda")


class Resolution(models.TextChoices):
    OURS_CORRECT = "ours_correct", _("Data kita benar; BPJS diminta mengoreksi tagihannya")
    BPJS_CORRECT = "bpjs_correct", _("Data BPJS benar; dikoreksi di tagihan berikutnya")
    ACCEPTED = "accepted", _("Diterima dengan penjelasan")


class InvoiceDifference(models.Model):
    """One way BPJS's invoice differs from our bill, and how it was settled."""

    invoice = models.ForeignKey(
        Invoice, models.PROTECT, related_name="differences", verbose_name=_("tagihan BPJS")
    )
    kind = models.CharField(_("jenis selisih"), max_length=10, choices=DifferenceKind.choices)
    membership = models.ForeignKey(
        Membership,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("peserta"),
    )
    row_number = models.PositiveIntegerField(_("baris di berkas"), null=True, blank=True)
    kpj = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    name = models.CharField(_("nama"), max_length=150, blank=True)
    ours = models.BigIntegerField(_("menurut kita"), null=True, blank=True)
    theirs = models.BigIntegerField(_("menurut BPJS"), null=True, blank=True)
    detail = models.CharField(_("keterangan"), max_length=255, blank=True)
    resolution = models.CharField(
        _("penyelesaian"), max_length=15, choices=Resolution.choices, blank=True
    )
    reason = models.TextField(_("alasan"), blank=True)
    resolved_by = _user(_("diselesaikan oleh"))
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)

    class Meta:
        verbose_name = _("selisih tagihan")
        verbose_name_plural = _("selisih tagihan")
        ordering = ["invoice_id", "kind", "row_number", "id"]
        indexes = [models.Index(fields=["invoice", "kind"], name="invoice_diff_kind")]
        constraints = [
            models.CheckConstraint(
                name="invoice_diff_kind_is_known",
                condition=models.Q(kind__in=DifferenceKind.values),
            ),
            # Resolved means a choice, a reason and a time; open means none of them.
            models.CheckConstraint(
                name="invoice_diff_resolution_complete",
                condition=models.Q(resolution="", reason="", resolved_at__isnull=True)
                | (
                    models.Q(resolution__in=Resolution.values, resolved_at__isnull=False)
                    & ~models.Q(reason="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.kind} {self.kpj}"

    @property
    def resolved(self) -> bool:
        return bool(self.resolution)


class Payment(models.Model):
    """One SP2D paid to BPJS from a budget line."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    budget_line = models.ForeignKey(
        BudgetLine, models.PROTECT, related_name="payments", verbose_name=_("pos anggaran")
    )
    sp2d_number = models.CharField(_("nomor SP2D"), max_length=100)
    sp2d_date = models.DateField(_("tanggal SP2D"))
    amount = models.PositiveBigIntegerField(_("jumlah dibayar"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = _user(_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    voided_by = _user(_("dibatalkan oleh"))
    voided_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    void_reason = models.TextField(_("alasan pembatalan"), blank=True)

    class Meta:
        verbose_name = _("pembayaran (SP2D)")
        verbose_name_plural = _("pembayaran (SP2D)")
        ordering = ["programme_id", "-sp2d_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "sp2d_number"], name="payment_sp2d_once_per_programme"
            ),
            models.CheckConstraint(
                name="payment_amount_positive", condition=models.Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="payment_void_has_reason",
                condition=models.Q(voided_at__isnull=True, void_reason="")
                | (models.Q(voided_at__isnull=False) & ~models.Q(void_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return self.sp2d_number

    def get_absolute_url(self) -> str:
        return reverse("contributions:payment", args=[self.pk])

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class PaymentAllocation(models.Model):
    """The part of a payment that settles one bill."""

    payment = models.ForeignKey(
        Payment, models.PROTECT, related_name="allocations", verbose_name=_("pembayaran")
    )
    bill = models.ForeignKey(
        Bill, models.PROTECT, related_name="allocations", verbose_name=_("tagihan")
    )
    amount = models.PositiveBigIntegerField(_("jumlah"))

    class Meta:
        verbose_name = _("alokasi pembayaran")
        verbose_name_plural = _("alokasi pembayaran")
        ordering = ["payment_id", "bill_id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "bill"], name="allocation_once_per_bill"),
            models.CheckConstraint(
                name="allocation_amount_positive", condition=models.Q(amount__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}->{self.bill_id}"


class BudgetWarning(models.Model):
    """A budget line that covers fewer than two more months of contributions."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    budget_line = models.ForeignKey(
        BudgetLine, models.PROTECT, related_name="warnings", verbose_name=_("pos anggaran")
    )
    # The first month not yet billed when the warning was raised, and what was left then.
    month = models.DateField(_("bulan"))
    months_left = models.PositiveSmallIntegerField(_("sisa bulan"))
    remaining = models.BigIntegerField(_("sisa anggaran"))
    monthly_cost = models.BigIntegerField(_("iuran per bulan"))
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    acknowledged_by = _user(_("ditanggapi oleh"))
    acknowledged_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)

    class Meta:
        verbose_name = _("peringatan anggaran")
        verbose_name_plural = _("peringatan anggaran")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_line", "month"], name="budget_warning_once_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line_id} {self.month:%Y-%m}"

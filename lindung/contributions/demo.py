"""Seluma's first stage on the money side: October-December 2025 billed, checked against
BPJS's invoices and paid from the APBD 2025 line, before any exit (exits take effect from
January 2026, month 4, and show in the forecast).

- Each month's bill is drafted and approved by the Dinas (2,020 x Rp16.800 = Rp33.936.000).
- BPJS's invoice for October matches; November's bills one KPJ that is not ours (the
  deliberate difference, settled with a reason); December's comes as a total only.
- Finance pays October and November with one SP2D each and December in two parts.
- Approving November leaves the APBD 2025 line one month: the manager gets a warning.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.db.models import Sum

from lindung.accounts.models import User
from lindung.programs.models import Programme

from . import billing, forecast, payments, reconciliation
from .invoice_simulator import invoice_file
from .models import Bill, BudgetWarning, DifferenceKind, InvoiceDifference, Resolution

MONTHS = (date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1))
# When BPJS's invoice arrives and the SP2D is paid: early in the month after.
INVOICED = {10: date(2025, 11, 5), 11: date(2025, 12, 4), 12: date(2026, 1, 6)}
PAID = {10: date(2025, 11, 14), 11: date(2025, 12, 12), 12: date(2026, 1, 15)}


def build_contributions_demo(*, programme: Programme) -> dict[str, Any]:
    started = time.perf_counter()
    manager = User.objects.get(username="dinas")
    finance = User.objects.get(username="keuangan")
    bpjs = User.objects.get(username="bpjs")
    bills = []
    for month in MONTHS:
        draft = billing.bill_draft(actor=manager, programme=programme, month=month)
        bills.append(billing.bill_approve(actor=manager, bill=draft, version=draft.version))
    invoices = _invoices(bpjs, finance, bills)
    paid = _payments(finance, bills)
    billed = Bill.objects.filter(programme=programme, status="approved")
    outlook = forecast.programme_forecast(programme)
    return {
        "billed_months": billed.count(),
        "billed_total": int(billed.aggregate(total=Sum("total"))["total"] or 0),
        "paid_total": paid,
        "contributions": {
            "bills": [
                {"month": b.month.isoformat(), "members": b.members, "total": b.total}
                for b in bills
            ],
            "invoices": invoices,
            "warnings": BudgetWarning.objects.filter(programme=programme).count(),
            "forecast": outlook.as_dict(),
            "seconds": round(time.perf_counter() - started, 2),
        },
    }


def _invoices(bpjs: User, finance: User, bills: list[Bill]) -> dict[str, Any]:
    october, november, december = bills
    counts: dict[str, Any] = {}
    data = invoice_file(october, file_format="csv")
    first = reconciliation.invoice_import(
        actor=bpjs,
        bill=october,
        number="TAG/BPU/1705/2025/10",
        total=october.total,
        issued_on=INVOICED[10],
        data=data,
        file_name="tagihan_bpjs_2025-10.csv",
    )
    counts["october"] = first.counts
    # November: BPJS also bills a KPJ that is not one of Seluma's members.
    data = invoice_file(november, file_format="xlsx", extra=1)
    second = reconciliation.invoice_import(
        actor=bpjs,
        bill=november,
        number="TAG/BPU/1705/2025/11",
        total=november.total + 16_800,
        issued_on=INVOICED[11],
        data=data,
        file_name="tagihan_bpjs_2025-11.xlsx",
    )
    counts["november"] = second.counts
    open_differences = InvoiceDifference.objects.filter(invoice=second, resolution="")
    for difference in open_differences.filter(kind=DifferenceKind.BPJS_ONLY):
        reconciliation.difference_resolve(
            actor=finance,
            difference=difference,
            resolution=Resolution.OURS_CORRECT,
            reason=(
                f"KPJ {difference.kpj} bukan peserta yang dibiayai Pemkab Seluma (tidak ada "
                "dalam SK). BPJS Cabang Bengkulu diminta menghapusnya dari tagihan; yang "
                "dibayar sesuai tagihan Dinas."
            ),
        )
    for difference in open_differences.filter(kind=DifferenceKind.TOTAL):
        reconciliation.difference_resolve(
            actor=finance,
            difference=difference,
            resolution=Resolution.OURS_CORRECT,
            reason="Selisih Rp16.800 adalah KPJ yang bukan peserta program; dibayar sesuai "
            "tagihan Dinas.",
        )
    third = reconciliation.invoice_import(
        actor=bpjs,
        bill=december,
        number="TAG/BPU/1705/2025/12",
        total=december.total,
        issued_on=INVOICED[12],
    )
    counts["december"] = third.counts
    counts["differences"] = InvoiceDifference.objects.filter(invoice__bill__in=bills).count()
    counts["open"] = InvoiceDifference.objects.filter(
        invoice__bill__in=bills, resolution=""
    ).count()
    return counts


def _payments(finance: User, bills: list[Bill]) -> int:
    total = 0
    for bill in bills:
        assert bill.budget_line is not None  # the APBD 2025 line pays October-December
        parts = (
            [bill.total]
            if bill.month.month < 12
            else [bill.total // 2, bill.total - bill.total // 2]
        )
        for n, amount in enumerate(parts, start=1):
            payment = payments.payment_record(
                actor=finance,
                programme=bill.programme,
                budget_line=bill.budget_line,
                sp2d_number=f"{bill.month.month:02d}{n}/SP2D-LS/BPKD/{bill.month.year}",
                sp2d_date=PAID[bill.month.month],
                amount=amount,
                allocations=[(bill, amount)],
                note=f"Iuran BPJS Ketenagakerjaan pekerja rentan bulan {bill.month:%m/%Y}"
                + (f", bagian {n} dari {len(parts)}" if len(parts) > 1 else ""),
            )
            total += payment.amount
    return total

"""Bill pages under /iuran/: the money overview, a programme's bills, one bill with its
totals and lines, drafting, approving, and the XLSX/PDF export.

Thin: `billing` selectors read (already scoped), its services decide and write. A bill or
programme outside the user's area answers 404; a role without the capability gets 403.
Lines show masked NIKs, in the page and in the exports; every export is audited.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts import scoping
from lindung.accounts.permissions import MANAGE_BILLS, VIEW_BILLS, has_capability, requires
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.lists import acting_user, page_of, query_without_page
from lindung.engine.budget import format_rupiah
from lindung.people.nik import mask_nik
from lindung.programs.models import BudgetLine, Programme
from lindung.programs.selectors import programme_for, programmes_for

from . import billing, documents
from .models import Bill, BillStatus, Invoice, LineKind, PaymentAllocation
from .months import add_months, first_of, month_label, parse_month
from .payments import paid_by_bill

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A PDF of every line of a large regency would run to thousands of pages; above this it
# carries the totals only and the XLSX carries the lines.
PDF_MAX_LINES = 2_000
LATEST_ON_INDEX = 3


# -- forms -----------------------------------------------------------------------------------


class DraftForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Bulan"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-10"}),
        error_messages={"required": gettext_lazy("Isi bulan yang ditagih, mis. 2025-10.")},
    )
    budget_line = forms.ModelChoiceField(
        label=gettext_lazy("Pos anggaran"),
        queryset=BudgetLine.objects.none(),
        required=False,
        empty_label=gettext_lazy("Otomatis (pos anggaran tahun bulan itu)"),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["budget_line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programme.budget_lines.order_by("-fiscal_year", "pk")

    def clean_month(self) -> date:
        return parse_month(self.cleaned_data.get("month"))


class LineFilterForm(forms.Form):
    village = forms.ChoiceField(label=gettext_lazy("Desa/kelurahan"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis"),
        choices=[("", gettext_lazy("Semua baris")), *LineKind.choices],
        required=False,
    )
    q = forms.CharField(
        label=gettext_lazy("Cari"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": gettext_lazy("Nama atau KPJ")}),
    )

    def __init__(self, *args: Any, villages: list[billing.AreaTotal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Semua desa")), *((v.code, v.name) for v in villages)]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: str(self.cleaned_data.get(k) or "") for k in ("village", "kind", "q")}


# -- helpers ---------------------------------------------------------------------------------


def _programme_or_404(request: HttpRequest, pk: int) -> Programme:
    programme = programme_for(request.user, pk)
    if programme is None:
        raise Http404(_("Program tidak ditemukan di wilayah kerja Anda."))
    return programme


def _bill_or_404(request: HttpRequest, pk: int) -> Bill:
    bill = billing.bill_for(request.user, pk)
    if bill is None:
        raise Http404(_("Tagihan tidak ditemukan di wilayah kerja Anda."))
    return bill


def _refusal(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)


# -- pages -----------------------------------------------------------------------------------


@requires(VIEW_BILLS)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every programme the user sees, with its latest bills."""
    programmes = list(programmes_for(request.user))
    bills = scoping.visible(request.user, Bill.objects.filter(programme__in=programmes)).order_by(
        "programme_id", "-month"
    )
    latest: dict[int, list[Bill]] = defaultdict(list)
    for bill in bills:  # a dozen bills a year per programme
        if len(latest[bill.programme_id]) < LATEST_ON_INDEX:
            latest[bill.programme_id].append(bill)
    rows = [(p, latest.get(p.pk, [])) for p in programmes]
    return render(request, "contributions/index.html", {"rows": rows})


@requires(VIEW_BILLS)
@require_GET
def bill_list(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_pk)
    page = page_of(
        request, billing.bills_for(request.user, programme).select_related("budget_line")
    )
    paid = paid_by_bill(b.pk for b in page)
    rows = [(b, paid.get(b.pk, 0), b.total - paid.get(b.pk, 0)) for b in page]
    may_manage = has_capability(request.user, MANAGE_BILLS)
    next_month = add_months(first_of(timezone.localdate()), 1)
    form = DraftForm(programme=programme, initial={"month": f"{next_month:%Y-%m}"})
    context = {
        "programme": programme,
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
        "form": form if may_manage else None,
    }
    return render(request, "contributions/bill_list.html", context)


@requires(MANAGE_BILLS)
@require_POST
def bill_make(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Draft a month (or draft it again: the regenerate button posts the bill's month)."""
    programme = _programme_or_404(request, programme_pk)
    form = DraftForm(request.POST, programme=programme)
    if not form.is_valid():
        for text in (e for errors in form.errors.values() for e in errors):
            messages.error(request, str(text))
        return redirect("contributions:bills", programme.pk)
    try:
        bill = billing.bill_draft(
            actor=acting_user(request),
            programme=programme,
            month=form.cleaned_data["month"],
            budget_line=form.cleaned_data.get("budget_line"),
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("contributions:bills", programme.pk)
    messages.success(
        request,
        _("Draf tagihan %(month)s dibuat: %(members)s peserta, %(lines)s baris koreksi.")
        % {
            "month": month_label(bill.month),
            "members": bill.members,
            "lines": bill.adjustment_lines,
        },
    )
    return redirect(bill)


@requires(VIEW_BILLS)
@require_GET
def bill_detail(request: HttpRequest, bill_pk: int) -> HttpResponse:
    bill = _bill_or_404(request, bill_pk)
    villages = billing.totals_by_village(request.user, bill)
    form = LineFilterForm(request.GET or None, villages=villages)
    filters = form.filters()
    lines = billing.bill_lines_for(request.user, bill, **filters)
    paid = paid_by_bill([bill.pk]).get(bill.pk, 0)
    allocations = PaymentAllocation.objects.filter(
        bill=bill, payment__voided_at__isnull=True
    ).select_related("payment")
    context = {
        "bill": bill,
        "programme": bill.programme,
        "month": month_label(bill.month),
        "kecamatan": billing.totals_by_kecamatan(request.user, bill),
        "villages": villages,
        "form": form,
        "filtered": any(filters.values()),
        "page": page_of(request, lines),
        "query": query_without_page(request),
        "may_manage": has_capability(request.user, MANAGE_BILLS) and not bill.approved,
        "invoices": Invoice.objects.filter(bill=bill),
        "allocations": allocations,
        "paid": paid,
        "outstanding": bill.total - paid,
    }
    return render(request, "contributions/bill_detail.html", context)


@requires(MANAGE_BILLS)
@require_POST
def bill_approve(request: HttpRequest, bill_pk: int) -> HttpResponse:
    bill = _bill_or_404(request, bill_pk)
    version = request.POST.get("version", "")
    try:
        billing.bill_approve(
            actor=acting_user(request), bill=bill, version=int(version) if version.isdigit() else 0
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            _("Tagihan %(month)s disetujui dan tidak dapat diubah lagi.")
            % {"month": month_label(bill.month)},
        )
    return redirect(bill)


# -- export ----------------------------------------------------------------------------------


def _report(user: object, bill: Bill, *, with_lines: bool) -> documents.Report:
    areas = [_("Kode"), _("Nama"), _("Peserta"), _("Baris koreksi"), "JKK", "JKM", "JHT"]
    area_money = frozenset({4, 5, 6, 7})

    def area_table(title: str, totals: list[billing.AreaTotal]) -> documents.Table:
        return documents.Table(
            title=title,
            headers=[*areas, _("Jumlah")],
            rows=[
                [t.code, t.name, t.members, t.adjustment_lines, t.jkk, t.jkm, t.jht, t.total]
                for t in totals
            ],
            money=area_money,
            footer=[
                _("Jumlah"),
                "",
                bill.members,
                bill.adjustment_lines,
                bill.jkk,
                bill.jkm,
                bill.jht,
                bill.total,
            ],
        )

    benefits = documents.Table(
        title=_("Per manfaat"),
        headers=[_("Manfaat"), _("Jumlah")],
        rows=[["JKK", bill.jkk], ["JKM", bill.jkm], ["JHT", bill.jht]],
        money=frozenset({1}),
        footer=[_("Jumlah tagihan"), bill.total],
    )
    tables = [
        benefits,
        area_table(_("Per kecamatan"), billing.totals_by_kecamatan(user, bill)),
        area_table(_("Per desa"), billing.totals_by_village(user, bill)),
    ]
    if with_lines:
        kinds = dict(LineKind.choices)
        rows = [
            [
                line.village_id,
                line.village.name,
                line.membership.name,
                mask_nik(line.membership.nik),
                line.membership.kpj,
                str(kinds.get(line.kind, line.kind)),
                line.month,
                line.jkk,
                line.jkm,
                line.jht,
                line.total,
            ]
            for line in billing.bill_lines_for(user, bill).iterator(chunk_size=5_000)
        ]
        tables.append(
            documents.Table(
                title=_("Baris tagihan"),
                headers=[
                    _("Kode desa"),
                    _("Desa"),
                    _("Nama"),
                    "NIK",
                    "KPJ",
                    _("Jenis"),
                    _("Bulan iuran"),
                    "JKK",
                    "JKM",
                    "JHT",
                    _("Jumlah"),
                ],
                rows=rows,
                money=frozenset({7, 8, 9, 10}),
                footer=["", "", "", "", "", "", "", bill.jkk, bill.jkm, bill.jht, bill.total],
            )
        )
    status = dict(BillStatus.choices)[bill.status]
    lines = [
        str(bill.programme.name),
        _("Bulan: %(month)s · Status: %(status)s")
        % {"month": month_label(bill.month), "status": status},
        _("%(members)s peserta; %(lines)s baris koreksi bulan sebelumnya (%(amount)s)")
        % {
            "members": bill.members,
            "lines": bill.adjustment_lines,
            "amount": format_rupiah(bill.adjustment_total),
        },
    ]
    if bill.budget_line is not None:
        lines.append(_("Pos anggaran: %(line)s") % {"line": bill.budget_line})
    if not with_lines:
        lines.append(_("Baris per peserta ada di unduhan XLSX."))
    title = _("Tagihan iuran %(month)s") % {"month": month_label(bill.month)}
    return documents.Report(title=title, lines=lines, tables=tables)


@requires(VIEW_BILLS)
@require_GET
def bill_export(request: HttpRequest, bill_pk: int) -> HttpResponse:
    """The bill as XLSX (totals and every line) or PDF (totals, and the lines when few)."""
    bill = _bill_or_404(request, bill_pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        messages.error(request, _("Format unduhan tidak dikenal; pilih XLSX atau PDF."))
        return redirect(bill)
    line_count = bill.members + bill.adjustment_lines
    with_lines = fmt == "xlsx" or line_count <= PDF_MAX_LINES
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="bill",
        object_id=str(bill.pk),
        request=request,
        detail={"format": fmt, "lines": line_count if with_lines else 0, "full_nik": False},
    )
    report = _report(request.user, bill, with_lines=with_lines)
    if fmt == "pdf":
        response = HttpResponse(documents.pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(documents.xlsx(report), content_type=_XLSX)
    name = f"tagihan-{bill.programme_id}-{bill.month:%Y-%m}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("program/<int:programme_pk>/", bill_list, name="bills"),
    path("program/<int:programme_pk>/buat/", bill_make, name="bill_make"),
    path("tagihan/<int:bill_pk>/", bill_detail, name="bill"),
    path("tagihan/<int:bill_pk>/setujui/", bill_approve, name="bill_approve"),
    path("tagihan/<int:bill_pk>/unduh/", bill_export, name="bill_export"),
]

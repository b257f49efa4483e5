"""Payment and budget pages under /iuran/: a programme's budget position and forecast, its
payments (SP2D) with the form to record one, one payment with its void form, and the
acknowledgement of a budget warning.

Thin: `payments` and `forecast` read and write. A programme or payment outside the user's
area answers 404; a role without the capability gets 403 before anything is looked up.
Exports carry no personal data, and every one is audited all the same.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.accounts.permissions import RECORD_PAYMENTS, VIEW_BILLS, forbidden, requires
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.lists import acting_user, page_of, query_without_page
from lindung.core.widgets import DateInput
from lindung.programs.forms import RupiahField
from lindung.programs.models import BudgetLine, BudgetStatus, Programme
from lindung.programs.selectors import programme_for

from . import documents, forecast, payments
from .models import Bill, Payment
from .months import month_label

_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


# -- forms -----------------------------------------------------------------------------------


class PaymentForm(forms.Form):
    sp2d_number = forms.CharField(
        label=gettext_lazy("Nomor SP2D"),
        max_length=100,
        error_messages={"required": gettext_lazy("Isi nomor SP2D.")},
    )
    sp2d_date = forms.DateField(
        label=gettext_lazy("Tanggal SP2D"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Isi tanggal SP2D."),
            "invalid": gettext_lazy("Tanggal SP2D tidak terbaca; pilih tanggal dari kalender."),
        },
    )
    amount = RupiahField(
        label=gettext_lazy("Jumlah SP2D"),
        help_text=gettext_lazy("Sama dengan jumlah yang dibagi ke tagihan di bawah."),
        error_messages={"required": gettext_lazy("Isi jumlah SP2D.")},
    )
    budget_line = forms.TypedChoiceField(
        label=gettext_lazy("Dibayar dari pos anggaran"),
        coerce=int,
        error_messages={"required": gettext_lazy("Pilih pos anggaran.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        lines: list[BudgetLine],
        payable: list[payments.Arrears],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        self.payable = payable
        choice = self.fields["budget_line"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [("", "—"), *((line.pk, str(line)) for line in lines)]
        for row in payable:
            self.fields[self.bill_field(row.bill_id)] = RupiahField(
                label=month_label(row.month), required=False
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in ("sp2d_number", "sp2d_date", "amount", "budget_line", "note")
        ]

    @staticmethod
    def bill_field(bill_id: int) -> str:
        return f"bill_{bill_id}"

    def bill_rows(self) -> list[tuple[payments.Arrears, forms.BoundField]]:
        return [(row, self[self.bill_field(row.bill_id)]) for row in self.payable]

    def allocations(self) -> list[tuple[int, int]]:
        parts = (
            (row.bill_id, self.cleaned_data.get(self.bill_field(row.bill_id)))
            for row in self.payable
        )
        return [(bill_id, int(amount)) for bill_id, amount in parts if amount]

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan pembatalan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Tulis alasan pembatalan.")},
    )


# -- helpers ---------------------------------------------------------------------------------


def _programme_or_404(request: HttpRequest, programme_pk: int) -> Programme:
    programme = programme_for(request.user, programme_pk)
    if programme is None:
        raise Http404(_("Program tidak ditemukan di wilayah kerja Anda."))
    return programme


def _target(request: HttpRequest) -> tuple[int | None, str]:
    text = (request.GET.get("target") or "").strip().replace(".", "")
    if not text:
        return None, ""
    if text.isdigit() and int(text) <= 10_000_000:
        return int(text), ""
    return None, _("Target peserta harus bilangan bulat, mis. 2500.")


def _download(request: HttpRequest, report: documents.Report, name: str, kind: str) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in _FORMATS:
        raise Http404(_("Format unduhan tidak dikenal; pilih XLSX atau PDF."))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=kind,
        request=request,
        detail={
            "format": fmt,
            "report": report.title,
            "rows": sum(len(t.rows) for t in report.tables),
        },
    )
    body = documents.xlsx(report) if fmt == "xlsx" else documents.pdf(report)
    response = HttpResponse(body, content_type=_FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# -- budget position and forecast ------------------------------------------------------------


@requires(VIEW_BILLS)
@require_GET
def budget(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_pk)
    target, target_error = _target(request)
    context = {
        "programme": programme,
        "positions": forecast.budget_position(programme),
        "arrears": payments.arrears_by_month(programme),
        "outlook": forecast.programme_forecast(programme, target=target),
        "warnings": forecast.open_warnings_for(request.user, programme),
        "may_acknowledge": forecast.may_acknowledge(request.user),
        "target": request.GET.get("target", ""),
        "target_error": target_error,
    }
    return render(request, "contributions/budget.html", context)


def budget_report(programme: Programme) -> documents.Report:
    positions = forecast.budget_position(programme)
    arrears = payments.arrears_by_month(programme)
    outlook = forecast.programme_forecast(programme)
    lines = documents.Table(
        _("Posisi anggaran"),
        [
            _("Pos anggaran"),
            _("Tahun"),
            _("Status"),
            _("Pagu"),
            _("Biaya lain"),
            _("Untuk iuran"),
            _("Ditagih"),
            _("Dibayar"),
            _("Sisa"),
            _("Belum dibayar"),
        ],
        [
            [
                str(p.line),
                str(p.line.fiscal_year),
                p.line.get_status_display(),
                p.pagu,
                p.other_costs,
                p.for_contributions,
                p.billed,
                p.paid,
                p.remaining,
                p.unpaid,
            ]
            for p in positions
        ],
        money=frozenset(range(3, 10)),
    )
    months = documents.Table(
        _("Tunggakan per bulan"),
        [_("Bulan"), _("Ditagih"), _("Dibayar"), _("Belum dibayar")],
        [[month_label(a.month), a.billed, a.paid, a.outstanding] for a in arrears],
        money=frozenset({1, 2, 3}),
        footer=[
            _("Jumlah"),
            sum(a.billed for a in arrears),
            sum(a.paid for a in arrears),
            sum(a.outstanding for a in arrears),
        ],
    )
    outlook_rows: list[list[Any]] = [
        [_("Bulan pertama yang belum ditagih"), month_label(outlook.month)],
        [_("Peserta aktif"), outlook.active],
        [_("Iuran per bulan"), _money(outlook.monthly_cost)],
        [_("Sisa pos anggaran"), documents.Rupiah(outlook.remaining)],
        [_("Cukup untuk (bulan)"), outlook.months_left],
        [_("Dana habis mulai"), month_label(outlook.runs_out) if outlook.runs_out else "—"],
        [_("Peserta yang terbiayai sampai akhir tahun"), outlook.carry_to_year_end],
        [_("Daftar tunggu"), outlook.waiting],
        [
            _("Kebutuhan tahun %(year)s") % {"year": outlook.next_year.year},
            _money(outlook.next_year.need),
        ],
    ]
    return documents.Report(
        _("Posisi anggaran iuran: %(name)s") % {"name": programme.name},
        [programme.legal_basis],
        [
            lines,
            months,
            documents.Table(_("Perkiraan"), [_("Uraian"), _("Nilai")], outlook_rows),
        ],
    )


@requires(VIEW_BILLS)
@require_GET
def budget_export(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_pk)
    return _download(request, budget_report(programme), "posisi-anggaran", "budget_position")


# -- payments --------------------------------------------------------------------------------


@requires(VIEW_BILLS)
@require_GET
def payment_list(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_pk)
    context = {
        "programme": programme,
        "page": page_of(request, payments.payments_for(request.user, programme)),
        "query": query_without_page(request),
    }
    return render(request, "contributions/payment_list.html", context)


def payments_report(user: object, programme: Programme) -> documents.Report:
    found = list(payments.payments_for(user, programme))
    rows = [
        [
            p.sp2d_number,
            p.sp2d_date,
            str(p.budget_line),
            p.amount,
            _("dibatalkan") if p.voided else _("berlaku"),
            p.void_reason or p.note,
        ]
        for p in found
    ]
    valid = sum(p.amount for p in found if not p.voided)
    table = documents.Table(
        _("Pembayaran (SP2D)"),
        [_("Nomor SP2D"), _("Tanggal"), _("Pos anggaran"), _("Jumlah"), _("Status"), _("Catatan")],
        rows,
        money=frozenset({3}),
        footer=["", "", _("Jumlah yang berlaku"), valid, "", ""],
    )
    parts = documents.Table(
        _("Tagihan yang dibayar"),
        [_("Nomor SP2D"), _("Tanggal"), _("Bulan tagihan"), _("Jumlah"), _("Status")],
        [
            [
                a.payment.sp2d_number,
                a.payment.sp2d_date,
                month_label(a.bill.month),
                a.amount,
                _("dibatalkan") if a.payment.voided else _("berlaku"),
            ]
            for a in payments.allocations_for(user, programme)
        ],
        money=frozenset({3}),
    )
    return documents.Report(
        _("Pembayaran iuran: %(name)s") % {"name": programme.name},
        [programme.legal_basis],
        [table, parts],
    )


@requires(VIEW_BILLS)
@require_GET
def payment_export(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_pk)
    return _download(request, payments_report(request.user, programme), "pembayaran", "payment")


@requires(RECORD_PAYMENTS)
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_pk)
    lines = list(
        BudgetLine.objects.filter(programme=programme, status=BudgetStatus.APPROVED).order_by(
            "-fiscal_year", "pk"
        )
    )
    payable = payments.payable_bills(programme)
    form = PaymentForm(
        request.POST or None, lines=lines, payable=payable, initial=_initial(request, payable)
    )
    if request.method == "POST" and form.is_valid():
        wanted = dict(form.allocations())
        bills = Bill.objects.in_bulk(list(wanted))
        try:
            payment = payments.payment_record(
                actor=acting_user(request),
                programme=programme,
                budget_line=form.lines[form.cleaned_data["budget_line"]],
                sp2d_number=form.cleaned_data["sp2d_number"],
                sp2d_date=form.cleaned_data["sp2d_date"],
                amount=form.cleaned_data["amount"],
                allocations=[(bills[pk], amount) for pk, amount in wanted.items()],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("SP2D %(number)s dicatat.") % {"number": payment.sp2d_number},
            )
            return redirect(payment)
    context = {"programme": programme, "form": form}
    return render(
        request, "contributions/payment_form.html", context, status=400 if form.errors else 200
    )


def _initial(request: HttpRequest, payable: list[payments.Arrears]) -> dict[str, Any]:
    """`?bill=ID` fills that bill's outstanding amount, its line and the SP2D amount."""
    initial: dict[str, Any] = {"sp2d_date": timezone.localdate()}
    chosen = request.GET.get("bill", "")
    for row in payable:
        if chosen.isdigit() and row.bill_id == int(chosen):
            initial[PaymentForm.bill_field(row.bill_id)] = row.outstanding
            initial["amount"] = row.outstanding
            bill = Bill.objects.filter(pk=row.bill_id).values_list("budget_line", flat=True).first()
            if bill is not None:
                initial["budget_line"] = bill
    return initial


def _payment_or_404(request: HttpRequest, pk: int) -> Payment:
    payment = payments.payment_for(request.user, pk)
    if payment is None:
        raise Http404(_("Pembayaran tidak ditemukan di wilayah kerja Anda."))
    return payment


def _detail(request: HttpRequest, payment: Payment, form: VoidForm | None = None) -> HttpResponse:
    context = {
        "payment": payment,
        "programme": payment.programme,
        "allocations": payments.allocations_of(payment),
        "void_form": form or VoidForm(),
    }
    return render(
        request, "contributions/payment_detail.html", context, status=400 if form else 200
    )


@requires(VIEW_BILLS)
@require_GET
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _payment_or_404(request, pk))


@requires(RECORD_PAYMENTS)
@require_POST
def payment_void(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_or_404(request, pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _detail(request, payment, form)
    try:
        payments.payment_void(
            actor=acting_user(request), payment=payment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _detail(request, payment, form)
    messages.success(request, _("SP2D %(number)s dibatalkan.") % {"number": payment.sp2d_number})
    return redirect(payment)


# -- warnings --------------------------------------------------------------------------------


@login_required
@require_POST
def warning_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    if not forecast.may_acknowledge(request.user):
        return forbidden(request)
    warning = forecast.warning_for(request.user, pk)
    if warning is None:
        raise Http404(_("Peringatan tidak ditemukan di wilayah kerja Anda."))
    try:
        forecast.budget_warning_acknowledge(actor=acting_user(request), warning=warning)
    except ValidationError as error:
        for message in error.messages:
            messages.info(request, message)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    else:
        messages.success(request, _("Peringatan anggaran ditandai sudah ditanggapi."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("contributions:budget", args=[warning.programme_id]))


def _money(amount: int | None) -> documents.Rupiah | str:
    return "—" if amount is None else documents.Rupiah(amount)


urlpatterns: list[URLPattern] = [
    path("anggaran/<int:programme_pk>/", budget, name="budget"),
    path("anggaran/<int:programme_pk>/unduh/", budget_export, name="budget_export"),
    path("pembayaran/program/<int:programme_pk>/", payment_list, name="payments"),
    path("pembayaran/program/<int:programme_pk>/unduh/", payment_export, name="payments_export"),
    path("pembayaran/program/<int:programme_pk>/baru/", payment_new, name="payment_new"),
    path("pembayaran/<int:pk>/", payment_detail, name="payment"),
    path("pembayaran/<int:pk>/batal/", payment_void, name="payment_void"),
    path("peringatan/<int:pk>/tanggapi/", warning_acknowledge, name="warning_acknowledge"),
]

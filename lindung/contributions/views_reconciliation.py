"""BPJS's invoices: the upload form for a bill, an invoice's differences, settling them, and
the differences as XLSX.

Everyone who sees bills reads invoices of their area; uploading and settling take
RECONCILE_INVOICES (the Dinas, finance and the BPJS liaison). Thin: `reconciliation` reads
and writes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts import scoping
from lindung.accounts.permissions import (
    RECONCILE_INVOICES,
    VIEW_BILLS,
    forbidden,
    has_capability,
    requires,
)
from lindung.core.lists import acting_user as _actor
from lindung.core.lists import page_of as _page
from lindung.core.lists import query_without_page as _query_without_page
from lindung.core.lists import unreadable_choices
from lindung.core.widgets import DateInput

from . import reconciliation
from .models import Bill, DifferenceKind, Invoice, Resolution
from .reconciliation import MAX_BYTES, XLSX_TYPE

STATES = {"open": gettext_lazy("Belum selesai"), "resolved": gettext_lazy("Sudah selesai")}


class InvoiceForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Nomor tagihan BPJS"),
        max_length=100,
        error_messages={
            "required": gettext_lazy("Isi nomor tagihan seperti tertulis di tagihan BPJS.")
        },
    )
    issued_on = forms.DateField(
        label=gettext_lazy("Tanggal tagihan"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": gettext_lazy("Tanggal tidak terbaca; pilih dari kalender.")},
    )
    total = forms.IntegerField(
        label=gettext_lazy("Jumlah tagihan BPJS (Rp)"),
        min_value=0,
        help_text=gettext_lazy("Rupiah utuh tanpa titik, mis. 134400."),
        error_messages={
            "required": gettext_lazy("Isi jumlah yang ditagih BPJS."),
            "invalid": gettext_lazy("Tulis jumlah sebagai angka rupiah utuh tanpa titik atau sen."),
            "min_value": gettext_lazy("Jumlah tagihan tidak boleh kurang dari nol."),
        },
    )
    berkas = forms.FileField(
        label=gettext_lazy("Daftar peserta dari BPJS (boleh kosong)"),
        required=False,
        help_text=gettext_lazy(
            "CSV atau XLSX dengan kolom KPJ dan Iuran (atau JKK dan JKM); paling besar 200 MB. "
            "Tanpa berkas hanya jumlahnya yang dicocokkan."
        ),
        error_messages={
            "empty": gettext_lazy("Berkas ini kosong (0 byte); pilih berkas yang berisi data.")
        },
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=gettext_lazy("Penyelesaian"),
        choices=Resolution.choices,
        error_messages={
            "required": gettext_lazy("Pilih penyelesaiannya."),
            "invalid_choice": gettext_lazy("Pilih salah satu penyelesaian yang ada."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Alasan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Tulis alasannya: apa yang diperiksa dan mengapa begini.")
        },
    )


def _bill_or_404(request: HttpRequest, bill_pk: int) -> Bill:
    bill = reconciliation.bill_for(request.user, bill_pk)
    if bill is None:
        raise Http404(_("Tagihan tidak ditemukan di wilayah kerja Anda."))
    return bill


def _invoice_or_404(request: HttpRequest, invoice_pk: int) -> Invoice:
    invoice = reconciliation.invoice_for(request.user, invoice_pk)
    if invoice is None:
        raise Http404(_("Tagihan BPJS tidak ditemukan di wilayah kerja Anda."))
    return invoice


def _may_reconcile(request: HttpRequest, invoice_or_bill: Invoice | Bill) -> bool:
    owner = invoice_or_bill.programme.owner_id
    return has_capability(request.user, RECONCILE_INVOICES) and scoping.can_see_area(
        request.user, owner
    )


# -- upload ----------------------------------------------------------------------------------


@requires(RECONCILE_INVOICES)
def invoice_new(request: HttpRequest, bill_pk: int) -> HttpResponse:
    bill = _bill_or_404(request, bill_pk)
    form = InvoiceForm(request.POST or None, request.FILES or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["berkas"]
        if upload is not None and upload.size > MAX_BYTES:
            refusal = _("Berkas lebih besar dari 200 MB; minta BPJS membaginya.")
        else:
            try:
                invoice = reconciliation.invoice_import(
                    actor=_actor(request),
                    bill=bill,
                    number=form.cleaned_data["number"],
                    total=form.cleaned_data["total"],
                    issued_on=form.cleaned_data["issued_on"],
                    data=upload.read() if upload is not None else None,
                    file_name=(upload.name or "tagihan") if upload is not None else "",
                )
            except PermissionDenied as error:
                return forbidden(request, str(error))
            except ValidationError as error:
                refusal = " ".join(error.messages)
            else:
                messages.success(request, _imported(invoice))
                return redirect(invoice.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"bill": bill, "form": form, "refusal": refusal}
    return render(request, "contributions/invoice_new.html", context, status=status)


def _imported(invoice: Invoice) -> str:
    counts = invoice.counts
    open_count = invoice.differences.count()
    if not invoice.file_name:
        return _("Tagihan BPJS %(number)s dicatat: %(n)s selisih jumlah.") % {
            "number": invoice.number,
            "n": open_count,
        }
    return _(
        "Tagihan BPJS %(number)s dicatat. %(rows)s baris = %(matched)s cocok + %(amount)s "
        "jumlah berbeda + %(bpjs_only)s hanya di BPJS + %(duplicate)s ganda + %(invalid)s tidak "
        "terbaca; %(ours_only)s peserta kita tidak ditagih BPJS."
    ) % {"number": invoice.number, **counts}


# -- detail ----------------------------------------------------------------------------------


@requires(VIEW_BILLS)
@require_GET
def invoice_detail(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_pk)
    return _detail(request, invoice)


def _detail(
    request: HttpRequest,
    invoice: Invoice,
    *,
    resolve_form: ResolveForm | None = None,
    bulk_form: ResolveForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    kind = request.GET.get("jenis", "")
    kind = kind if kind in DifferenceKind.values else ""
    state = request.GET.get("status", "")
    state = state if state in STATES else ""
    rows = reconciliation.differences(request.user, invoice, kind=kind, state=state)
    context: dict[str, Any] = {
        "invoice": invoice,
        "bill": invoice.bill,
        "summary": reconciliation.summary(invoice),
        "kinds": DifferenceKind.choices,
        "states": list(STATES.items()),
        "kind": kind,
        "state": state,
        "page": _page(request, rows),
        "query": _query_without_page(request),
        "may_reconcile": _may_reconcile(request, invoice),
        "resolve_form": resolve_form or ResolveForm(),
        "bulk_form": bulk_form or ResolveForm(prefix="bulk"),
        "refusal": refusal,
    }
    return render(request, "contributions/invoice_detail.html", context, status=status)


# -- settling --------------------------------------------------------------------------------


def _back(request: HttpRequest, invoice: Invoice) -> str:
    query = request.POST.get("next_query", "")
    return f"{invoice.get_absolute_url()}?{query}" if query else invoice.get_absolute_url()


@requires(RECONCILE_INVOICES)
@require_POST
def invoice_resolve(request: HttpRequest, invoice_pk: int, difference_pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_pk)
    difference = reconciliation.differences(request.user, invoice).filter(pk=difference_pk).first()
    if difference is None:
        raise Http404(_("Selisih tidak ditemukan di tagihan BPJS ini."))
    form = ResolveForm(request.POST)
    if not form.is_valid():
        refusal = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _detail(request, invoice, resolve_form=form, refusal=refusal, status=400)
    try:
        reconciliation.difference_resolve(
            actor=_actor(request),
            difference=difference,
            resolution=form.cleaned_data["resolution"],
            reason=form.cleaned_data["reason"],
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        return _detail(request, invoice, refusal=" ".join(error.messages), status=400)
    messages.success(request, _("Selisih diselesaikan dan dicatat di jejak audit."))
    return redirect(_back(request, invoice))


@requires(RECONCILE_INVOICES)
@require_POST
def invoice_resolve_bulk(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_pk)
    form = ResolveForm(request.POST, prefix="bulk")
    ticked = request.POST.getlist("difference")
    ids = [int(v) for v in ticked if v.isdigit()]
    if not ticked:
        refusal = _("Centang dulu selisih yang akan diselesaikan.")
        return _detail(request, invoice, bulk_form=form, refusal=refusal, status=400)
    if len(ids) < len(ticked):
        refusal = unreadable_choices(len(ticked) - len(ids))
        return _detail(request, invoice, bulk_form=form, refusal=refusal, status=400)
    if not form.is_valid():
        refusal = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _detail(request, invoice, bulk_form=form, refusal=refusal, status=400)
    try:
        count = reconciliation.differences_resolve(
            actor=_actor(request),
            invoice=invoice,
            ids=ids,
            resolution=form.cleaned_data["resolution"],
            reason=form.cleaned_data["reason"],
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        return _detail(
            request, invoice, bulk_form=form, refusal=" ".join(error.messages), status=400
        )
    messages.success(request, _("%(n)s selisih diselesaikan dengan satu alasan.") % {"n": count})
    return redirect(_back(request, invoice))


# -- export ----------------------------------------------------------------------------------


@requires(VIEW_BILLS)
@require_GET
def invoice_export(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_pk)
    try:
        body, name = reconciliation.invoice_export(actor=_actor(request), invoice=invoice)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("tagihan/<int:bill_pk>/tagihan-bpjs/baru/", invoice_new, name="invoice_new"),
    path("tagihan-bpjs/<int:invoice_pk>/", invoice_detail, name="invoice"),
    path(
        "tagihan-bpjs/<int:invoice_pk>/selisih/<int:difference_pk>/selesaikan/",
        invoice_resolve,
        name="invoice_resolve",
    ),
    path(
        "tagihan-bpjs/<int:invoice_pk>/selesaikan/",
        invoice_resolve_bulk,
        name="invoice_resolve_bulk",
    ),
    path("tagihan-bpjs/<int:invoice_pk>/unduh/", invoice_export, name="invoice_export"),
]

"""Claims pages under /klaim/: the register (filters, totals, XLSX/PDF), opening a case
from a member, and one case with its heirs, documents checklist, amounts, history and the
forms of whoever may act on it.

Thin: `selectors` read (already scoped), `services` decide and write. A case or member
outside the user's area answers 404, as if it did not exist; a role without the
capability gets 403 before anything is looked up. NIKs are masked everywhere here,
exports too, and every export is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.accounts.permissions import (
    MANAGE_CLAIMS,
    REPORT_CLAIMS,
    VIEW_CLAIMS,
    forbidden,
    has_capability,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.claims import benefits, selectors, services
from lindung.claims.forms import (
    ClaimFilterForm,
    ClaimOpenForm,
    CompleteForm,
    ComponentForm,
    DocumentsForm,
    DocumentUndoForm,
    HeirForm,
    PayForm,
    RejectForm,
    SubmitForm,
    VersionForm,
)
from lindung.claims.models import (
    Claim,
    ClaimBenefit,
    ClaimComponentKind,
    ClaimSource,
    ClaimStatus,
)
from lindung.contributions import documents
from lindung.core.lists import acting_user, page_of, query_without_page
from lindung.engine.budget import format_rupiah
from lindung.people.nik import mask_nik

_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _claim_or_404(request: HttpRequest, pk: int) -> Claim:
    # Outside the user's area is the same as not existing: a 403 would confirm the id.
    claim = selectors.claim_for(request.user, pk)
    if claim is None:
        raise Http404(_("Kasus klaim tidak ditemukan di wilayah kerja Anda."))
    return claim


# -- the register ----------------------------------------------------------------------------


@requires(VIEW_CLAIMS)
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    claims = selectors.claims_for(request.user, **filters)
    totals = selectors.register_totals(claims)
    context = {
        "form": form,
        "page": page_of(request, claims),
        "query": query_without_page(request),
        "filtered": any(filters.values()),
        "totals": totals,
        "statuses": ClaimStatus.choices,
    }
    return render(request, "claims/claim_list.html", context)


def register_report(user: object, filters: dict[str, Any]) -> documents.Report:
    """The register as printed: the cases (NIK masked), totals by benefit and status, and
    the amounts paid by component."""
    claims = selectors.claims_for(user, **filters)
    totals = selectors.register_totals(claims)
    rows = [
        [
            n,
            c.membership.name,
            mask_nik(c.membership.nik),
            c.membership.kpj,
            _village(c),
            c.benefit,
            c.event_date,
            c.event_place,
            c.get_source_display(),
            c.get_status_display(),
            c.bpjs_reference,
            # JKK amounts are "sesuai ketentuan": no expected figure to print.
            int(getattr(c, "expected_total", 0)) if c.benefit == ClaimBenefit.JKM else None,
            int(getattr(c, "paid_total", 0)),
        ]
        for n, c in enumerate(claims, start=1)
    ]
    cases = documents.Table(
        _("Daftar klaim"),
        [
            _("No."),
            _("Nama peserta"),
            _("NIK"),
            _("KPJ"),
            _("Desa/kelurahan"),
            _("Manfaat"),
            _("Tanggal kejadian"),
            _("Tempat kejadian"),
            _("Sumber laporan"),
            _("Status"),
            _("Nomor klaim BPJS"),
            _("Perkiraan"),
            _("Dibayar BPJS"),
        ],
        rows,
        money=frozenset({11, 12}),
        footer=[
            "",
            _("Jumlah"),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            sum(r[11] or 0 for r in rows),
            sum(r[12] for r in rows),
        ],
    )
    summary_rows: list[list[Any]] = []
    for _benefit, label, cells, total in totals.table():
        for (_status, status_label), cell in zip(ClaimStatus.choices, cells, strict=True):
            if cell.count:
                summary_rows.append([label, str(status_label), cell.count, cell.paid])
        summary_rows.append([label, _("Jumlah"), total.count, total.paid])
    summary = documents.Table(
        _("Rekap per manfaat dan status"),
        [_("Manfaat"), _("Status"), _("Kasus"), _("Dibayar BPJS")],
        summary_rows,
        money=frozenset({3}),
        footer=[_("Semua"), "", totals.count, totals.paid],
    )
    components = documents.Table(
        _("Dibayar per komponen"),
        [_("Komponen"), _("Dibayar BPJS")],
        [
            [str(label), totals.by_component[kind]]
            for kind, label in _component_labels()
            if kind in totals.by_component
        ],
        money=frozenset({1}),
        footer=[_("Jumlah"), totals.paid],
    )
    return documents.Report(
        _("Register klaim JKK dan JKM"),
        _filter_lines(filters),
        [cases, summary, components],
    )


def _component_labels() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in ClaimComponentKind.choices]


def _village(claim: Claim) -> str:
    village = claim.membership.village
    parent = village.parent
    return f"{village.name}, Kec. {parent.name}" if parent else village.name


def _filter_lines(filters: dict[str, Any]) -> list[str]:
    shown = []
    if filters.get("benefit"):
        shown.append(_("Manfaat: %(v)s") % {"v": ClaimBenefit(filters["benefit"]).label})
    if filters.get("status"):
        shown.append(_("Status: %(v)s") % {"v": ClaimStatus(filters["status"]).label})
    if filters.get("area"):
        shown.append(_("Wilayah: %(v)s") % {"v": filters["area"]})
    if filters.get("since") or filters.get("until"):
        since, until = filters.get("since"), filters.get("until")
        shown.append(
            _("Tanggal kejadian: %(a)s s.d. %(b)s")
            % {
                "a": since.strftime("%d-%m-%Y") if since else "…",
                "b": until.strftime("%d-%m-%Y") if until else "…",
            }
        )
    if filters.get("q"):
        shown.append(_("Pencarian: %(v)s") % {"v": filters["q"]})
    return shown or [_("Semua kasus di wilayah kerja Anda")]


@requires(VIEW_CLAIMS)
@require_GET
def claim_export(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None, user=request.user)
    fmt = request.GET.get("format", "xlsx")
    if (form.is_bound and not form.is_valid()) or fmt not in _FORMATS:
        messages.error(request, _("Saringan atau format tidak valid; perbaiki lalu unduh lagi."))
        return redirect("claims:list")
    filters = form.filters()
    report = register_report(request.user, filters)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="claim",
        request=request,
        detail={
            "format": fmt,
            "report": report.title,
            "rows": len(report.tables[0].rows),
            "filters": {k: str(v) for k, v in filters.items() if v},
            "full_nik": False,
        },
    )
    body = documents.xlsx(report) if fmt == "xlsx" else documents.pdf(report)
    response = HttpResponse(body, content_type=_FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="register-klaim-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# -- opening a case --------------------------------------------------------------------------


@requires(REPORT_CLAIMS)
@require_http_methods(["GET", "POST"])
def claim_open(request: HttpRequest) -> HttpResponse:
    """`?member=ID` opens the form for that member; without it, a search for the member."""
    member_id = request.GET.get("member", "")
    if not member_id.isdigit():
        q = request.GET.get("q", "")
        pick = {"q": q, "found": selectors.members_to_claim_for(request.user, q)}
        return render(request, "claims/claim_open_pick.html", pick)
    member = selectors.member_to_claim_for(request.user, int(member_id))
    if member is None:
        raise Http404(_("Peserta tidak ditemukan di wilayah kerja Anda."))
    chosen = request.GET.get("manfaat", "")
    form = ClaimOpenForm(
        request.POST if request.method == "POST" else None,
        initial={
            "reported_on": timezone.localdate(),
            "benefit": chosen if chosen in ClaimBenefit.values else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_open(
                actor=acting_user(request),
                membership=member,
                benefit=data["benefit"],
                event_date=data["event_date"],
                event_place=data["event_place"],
                description=data["description"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reported_on=data["reported_on"],
                note=data["note"],
            )
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Klaim %(benefit)s untuk %(name)s dibuka. Lengkapi ahli waris dan dokumen "
                    "di bawah."
                )
                % {"benefit": claim.benefit, "name": member.name},
            )
            return redirect(claim)
    start, end = services.coverage_window(member)
    context: dict[str, Any] = {
        "member": member,
        "form": form,
        "coverage_start": start,
        "coverage_end": end,
        "jkm_open": Claim.objects.filter(membership=member, benefit=ClaimBenefit.JKM).first(),
    }
    return render(request, "claims/claim_open.html", context, status=400 if form.errors else 200)


# -- one case --------------------------------------------------------------------------------


def _forms(
    request: HttpRequest, claim: Claim, docs: list[selectors.DocumentLine]
) -> dict[str, forms.Form | None]:
    """The action forms the user may use on `claim` in its present state."""
    version = {"version": str(claim.version)}  # no thousands separator in the hidden field
    today = timezone.localdate()
    report = has_capability(request.user, REPORT_CLAIMS)
    manage = has_capability(request.user, MANAGE_CLAIMS)
    editable = claim.status in services.EDITABLE
    waiting_docs = [d for d in docs if d.received_on is None]
    return {
        "heir_form": HeirForm(initial=version) if report and editable else None,
        "documents_form": (
            DocumentsForm(initial=version | {"received_on": today}, documents=docs)
            if report and editable and waiting_docs
            else None
        ),
        "complete_form": (
            CompleteForm(initial=version)
            if manage and claim.status == ClaimStatus.REPORTED
            else None
        ),
        "submit_form": (
            SubmitForm(initial=version | {"submitted_on": today})
            if manage and claim.status == ClaimStatus.COMPLETE
            else None
        ),
        "component_form": (
            ComponentForm(initial=version | {"paid_on": today}, benefit=claim.benefit)
            if manage and claim.status in services.WITH_BPJS
            else None
        ),
        "pay_form": (
            PayForm(initial=version | {"decided_on": today})
            if manage and claim.status == ClaimStatus.SUBMITTED
            else None
        ),
        "reject_form": (
            RejectForm(initial=version | {"decided_on": today})
            if manage and claim.status == ClaimStatus.SUBMITTED
            else None
        ),
    }


def _detail(
    request: HttpRequest,
    claim: Claim,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    docs = selectors.documents_of(claim)
    components = selectors.components_of(claim)
    paid_months = selectors.paid_months(claim)
    context: dict[str, Any] = {
        "claim": claim,
        "member": claim.membership,
        "hint": selectors.eligibility_hint(claim),
        "paid_months": paid_months,
        "scholarship_due": benefits.scholarship_due(paid_months),
        "scholarship_months": benefits.SCHOLARSHIP_MIN_MONTHS,
        "heirs": selectors.heirs_of(claim),
        "documents": docs,
        "missing": [d for d in docs if d.required and d.received_on is None],
        "components": components,
        "expected_total": sum(c.expected or 0 for c in components),
        "paid_total": sum(c.paid or 0 for c in components),
        "events": selectors.events_of(claim),
        "may_report": has_capability(request.user, REPORT_CLAIMS),
        "editable": claim.status in services.EDITABLE,
        "from_death_record": claim.source == ClaimSource.DEATH_RECORD,
        "transport_caps": benefits.TRANSPORT_CAPS,
        **_forms(request, claim, docs),
        **(bound or {}),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


@requires(VIEW_CLAIMS)
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _claim_or_404(request, pk))


def _refused(request: HttpRequest, claim: Claim, form: VersionForm, key: str) -> HttpResponse:
    """The case again with the form's errors next to its fields, and at the top of the page
    too (the form may be far down on a phone)."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        for error in errors:
            messages.error(request, f"{label}{error}")
    return _detail(request, claim, bound={key: form}, status=400)


def _act(
    request: HttpRequest,
    pk: int,
    form: VersionForm,
    key: str,
    run: Callable[[Claim, dict[str, Any]], object],
    success: str,
    anchor: str = "",
) -> HttpResponse:
    """Run one action form: bad input re-renders the case with the form's errors (400); a
    stale page gets a message and a fresh page."""
    claim = _claim_or_404(request, pk)
    if not form.is_valid():
        return _refused(request, claim, form, key)
    try:
        run(claim, form.cleaned_data)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except services.ConflictError as error:
        messages.error(request, error.message)
        return redirect(claim.get_absolute_url() + anchor)
    except ValidationError as error:
        form.add_service_errors(error)
        return _refused(request, claim, form, key)
    messages.success(request, success)
    return redirect(claim.get_absolute_url() + anchor)


@requires(REPORT_CLAIMS)
@require_POST
def heir_add(request: HttpRequest, pk: int) -> HttpResponse:
    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_heir_add(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            name=data["name"],
            relation=data["relation"],
            nik=data["nik"],
            phone=data["phone"],
            address=data["address"],
        )

    return _act(
        request,
        pk,
        HeirForm(request.POST),
        "heir_form",
        run,
        _("Ahli waris dicatat."),
        "#ahli-waris",
    )


@requires(REPORT_CLAIMS)
@require_POST
def heir_remove(request: HttpRequest, pk: int, heir_pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    heir = claim.heirs.filter(pk=heir_pk).first()
    if heir is None:
        raise Http404(_("Ahli waris tidak ditemukan di kasus ini."))

    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_heir_remove(
            actor=acting_user(request), claim=claim, expected_version=data["version"], heir=heir
        )

    return _act(
        request,
        pk,
        VersionForm(request.POST),
        "heir_form",
        run,
        _("Ahli waris %(name)s dihapus dari kasus ini.") % {"name": heir.name},
        "#ahli-waris",
    )


@requires(REPORT_CLAIMS)
@require_POST
def documents_receive(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = DocumentsForm(request.POST, documents=selectors.documents_of(claim))

    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_document_receive(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            codes=data["codes"],
            received_on=data["received_on"],
        )

    return _act(
        request, pk, form, "documents_form", run, _("Dokumen ditandai diterima."), "#dokumen"
    )


@requires(REPORT_CLAIMS)
@require_POST
def document_undo(request: HttpRequest, pk: int) -> HttpResponse:
    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_document_receive(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            codes=[data["code"]],
            received_on=None,
        )

    return _act(
        request,
        pk,
        DocumentUndoForm(request.POST),
        "documents_form",
        run,
        _("Tanda terima dokumen dibatalkan."),
        "#dokumen",
    )


@requires(MANAGE_CLAIMS)
@require_POST
def claim_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_complete(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            note=data["note"],
        )

    return _act(
        request,
        pk,
        CompleteForm(request.POST),
        "complete_form",
        run,
        _("Berkas dinyatakan lengkap; kasus siap diajukan ke BPJS."),
    )


@requires(MANAGE_CLAIMS)
@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_submit(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            bpjs_reference=data["bpjs_reference"],
            submitted_on=data["submitted_on"],
            note=data["note"],
        )

    return _act(
        request, pk, SubmitForm(request.POST), "submit_form", run, _("Kasus diajukan ke BPJS.")
    )


@requires(MANAGE_CLAIMS)
@require_POST
def component_record(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = ComponentForm(request.POST, benefit=claim.benefit)

    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_component_record(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            kind=data["kind"],
            paid_amount=data["paid_amount"],
            paid_on=data["paid_on"],
            note=data["note"],
        )

    amount = form.cleaned_data.get("paid_amount") if form.is_valid() else None
    return _act(
        request,
        pk,
        form,
        "component_form",
        run,
        _("Jumlah dibayar %(amount)s dicatat.") % {"amount": format_rupiah(amount or 0)},
        "#manfaat",
    )


@requires(MANAGE_CLAIMS)
@require_POST
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_pay(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            decided_on=data["decided_on"],
            note=data["note"],
        )

    return _act(request, pk, PayForm(request.POST), "pay_form", run, _("Kasus dicatat dibayar."))


@requires(MANAGE_CLAIMS)
@require_POST
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def run(claim: Claim, data: dict[str, Any]) -> object:
        return services.claim_reject(
            actor=acting_user(request),
            claim=claim,
            expected_version=data["version"],
            reason=data["reason"],
            decided_on=data["decided_on"],
        )

    return _act(
        request, pk, RejectForm(request.POST), "reject_form", run, _("Kasus dicatat ditolak BPJS.")
    )


def open_url(membership_id: int) -> str:
    """Where the member page's "Laporkan klaim" link goes."""
    return f"{reverse('claims:open')}?member={membership_id}"


urlpatterns: list[URLPattern] = [
    path("", claim_list, name="list"),
    path("unduh/", claim_export, name="export"),
    path("baru/", claim_open, name="open"),
    path("<int:pk>/", claim_detail, name="claim"),
    path("<int:pk>/ahli-waris/", heir_add, name="heir_add"),
    path("<int:pk>/ahli-waris/<int:heir_pk>/hapus/", heir_remove, name="heir_remove"),
    path("<int:pk>/dokumen/", documents_receive, name="documents"),
    path("<int:pk>/dokumen/batal/", document_undo, name="document_undo"),
    path("<int:pk>/lengkap/", claim_complete, name="complete"),
    path("<int:pk>/ajukan/", claim_submit, name="submit"),
    path("<int:pk>/manfaat/", component_record, name="component"),
    path("<int:pk>/dibayar/", claim_pay, name="pay"),
    path("<int:pk>/ditolak/", claim_reject, name="reject"),
]

"""Proposal pages. Thin: selectors read (already scoped), services decide and write.

Anything outside the user's area answers 404, as if it did not exist; a role that may not
propose gets 403 on every write URL before anything is looked up.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.permissions import PROPOSE, VIEW_PROPOSALS, requires
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.lists import acting_user as _actor
from lindung.core.lists import page_of as _page
from lindung.core.lists import query_without_page as _query_without_page
from lindung.people.nik import mask_nik
from lindung.people.views import _nik_info
from lindung.programs.models import Programme
from lindung.programs.selectors import programme_for, programmes_for
from lindung.proposals import selectors, services, template_xlsx
from lindung.proposals.forms import (
    CorrectionForm,
    ProposalFilterForm,
    ProposalForm,
    UploadForm,
    WithdrawForm,
)
from lindung.proposals.models import Action, Batch, Outcome, Proposal, ProposalEvent, ProposalStatus
from lindung.proposals.services import ConflictError, IntakeError, Sender

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


# -- lists and details ---------------------------------------------------------------------


@requires(VIEW_PROPOSALS)
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    # A nationwide admin filters by period and status only: no list of 80,000 villages.
    area = _actor(request).scope_id
    villages = selectors.villages_in(area) if area else {}
    form = ProposalFilterForm(
        request.GET or None, periods=selectors.periods_for(request.user), villages=villages
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        period = form.cleaned_data["periode"]
        filters = {
            "period_id": period.pk if period else None,
            "village_code": form.cleaned_data.get("desa") or "",
        }
    proposals = selectors.proposals_for(request.user, **filters)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    counts = selectors.status_counts(proposals)
    shown = proposals.filter(status=status) if status else proposals
    context = {
        "form": form,
        "page": _page(request, shown),
        "query": _query_without_page(request),
        "filtered": bool(request.GET.get("periode") or status or filters.get("village_code")),
        "counts": [(s, label, counts[s]) for s, label in ProposalStatus.choices],
        "total": sum(counts.values()),
    }
    return render(request, "proposals/list.html", context)


def _proposal_or_404(request: HttpRequest, proposal_id: int) -> Proposal:
    # Outside the user's area is the same as not existing: a 403 would confirm the id.
    proposal = selectors.proposal_for(request.user, proposal_id)
    if proposal is None:
        raise Http404(_("Usulan tidak ditemukan di wilayah kerja Anda."))
    return proposal


@requires(VIEW_PROPOSALS)
@require_GET
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _detail(request, _proposal_or_404(request, proposal_id))


def _detail(
    request: HttpRequest,
    proposal: Proposal,
    *,
    correction: CorrectionForm | None = None,
    withdrawal: WithdrawForm | None = None,
) -> HttpResponse:
    may = services.may_change(request.user, proposal)
    may_correct = may and proposal.status in services.CORRECTABLE_STATUSES
    may_withdraw = (
        may
        and proposal.status in services.WITHDRAWABLE_STATUSES
        and not services.has_membership(proposal)
    )
    if correction is None and may_correct:
        correction = CorrectionForm(
            initial=CorrectionForm.initial_for(proposal),
            occupations=selectors.eligible_occupations(proposal.programme),
        )
    nik_info = None
    if correction is not None and correction.is_bound and correction.data.get("nik"):
        get = correction.data.get
        nik_info = _nik_info(get("nik", ""), get("tanggal_lahir"), get("jenis_kelamin"))
    events = [(e, _changes(e)) for e in selectors.events_of(proposal)]
    returned = None
    if proposal.status == ProposalStatus.RETURNED:
        returned = next((e for e, _c in reversed(events) if e.action == Action.RETURNED), None)
    context = {
        "proposal": proposal,
        "events": events,
        "returned": returned,
        "rows": proposal.rows.select_related("batch").order_by("batch_id", "row_number"),
        "may_correct": may_correct,
        "may_withdraw": may_withdraw,
        "correction": correction,
        "withdrawal": withdrawal or WithdrawForm(),
        "nik_info": nik_info,
    }
    failed = (correction is not None and correction.errors) or (withdrawal and withdrawal.errors)
    return render(request, "proposals/detail.html", context, status=400 if failed else 200)


def _changes(event: ProposalEvent) -> list[tuple[str, str, str]]:
    """A correction's changes as (field label, old, new) for the history table."""
    changes = event.detail.get("changes") if event.action == Action.CORRECTED else None
    return [(_label(c["field"]), c["old"], c["new"]) for c in changes or []]


def _label(field: str) -> str:
    return str(getattr(Proposal._meta.get_field(field), "verbose_name", field))


def _version(request: HttpRequest) -> int:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else 0


@requires(PROPOSE)
@require_POST
def proposal_correct(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal_or_404(request, proposal_id)
    form = CorrectionForm(
        request.POST, occupations=selectors.eligible_occupations(proposal.programme)
    )
    if form.is_valid():
        try:
            services.proposal_correct(
                actor=_actor(request),
                proposal=proposal,
                expected_version=_version(request),
                **form.service_arguments(),
            )
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(proposal.get_absolute_url())
        except ValidationError as error:
            form.add_service_errors(_error_dict(error))
        else:
            messages.success(
                request,
                _(
                    "Perbaikan %(name)s disimpan. Usulan ini akan diperiksa lagi pada "
                    "verifikasi berikutnya."
                )
                % {"name": proposal.name},
            )
            return redirect(proposal.get_absolute_url())
    return _detail(request, proposal, correction=form)


@requires(PROPOSE)
@require_POST
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal_or_404(request, proposal_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_withdraw(
                actor=_actor(request),
                proposal=proposal,
                expected_version=_version(request),
                note=form.cleaned_data["catatan"],
            )
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(proposal.get_absolute_url())
        except ValidationError as error:
            form.add_service_errors(_error_dict(error))
        else:
            messages.success(
                request,
                _("Usulan %(name)s ditarik; tempatnya di kuota bisa dipakai usulan lain.")
                % {"name": proposal.name},
            )
            return redirect(proposal.get_absolute_url())
    return _detail(request, proposal, withdrawal=form)


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def _batch_or_404(request: HttpRequest, batch_id: int) -> Batch:
    batch = selectors.batch_for(request.user, batch_id)
    if batch is None:
        raise Http404(_("Kiriman tidak ditemukan di wilayah kerja Anda."))
    return batch


@requires(VIEW_PROPOSALS)
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.batches_for(request.user))
    return render(request, "proposals/batch_list.html", {"page": page, "query": ""})


@requires(VIEW_PROPOSALS)
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    outcome = request.GET.get("hasil", "")
    outcome = outcome if outcome in Outcome.values else ""
    page = _page(request, selectors.rows_of(batch, outcome=outcome))
    mapping = batch.detail.get("column_mapping") or {}
    context = {
        "batch": batch,
        "page": page,
        "rows": [_row_view(row, mapping) for row in page],
        "outcome": outcome,
        "outcomes": Outcome.choices,
        "query": _query_without_page(request),
    }
    return render(request, "proposals/batch_detail.html", context)


def _row_view(row: Any, mapping: dict[str, str | None]) -> dict[str, Any]:
    nik = row.raw.get(mapping.get("nik") or "nik", "")
    return {
        "row": row,
        "nik": mask_nik(nik) if nik else "",
        "name": row.raw.get(mapping.get("nama") or "nama", ""),
    }


@requires(PROPOSE)
@require_GET
def batch_rejected(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponse:
    """The rejected rows as received plus what to fix, to correct and upload again."""
    batch = _batch_or_404(request, batch_id)
    rows = [(r.row_number, r.raw, r.problems) for r in selectors.rejected_rows(batch)]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="proposal_batch",
        object_id=str(batch.pk),
        request=request,
        detail={"rejected_rows": len(rows), "format": fmt},
    )
    if fmt == "csv":
        body, content_type = template_xlsx.rejected_csv(rows), "text/csv; charset=utf-8"
    else:
        body, content_type = template_xlsx.rejected_xlsx(rows), _XLSX
    return _download(body, content_type, f"usulan-ditolak-{batch.pk}.{fmt}")


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# -- proposing -----------------------------------------------------------------------------


def _chosen_programme(request: HttpRequest) -> Programme | None:
    """The programme named by ?program=, or the only active one the user sees."""
    wanted = request.GET.get("program") or request.POST.get("program")
    if wanted and wanted.isdigit():
        programme = programme_for(request.user, int(wanted))
        if programme is None:
            raise Http404(_("Program tidak ditemukan di wilayah kerja Anda."))
        return programme
    active = list(programmes_for(request.user).filter(active=True)[:2])
    return active[0] if len(active) == 1 else None


def _choose_programme(request: HttpRequest, title: str) -> HttpResponse:
    programmes = programmes_for(request.user).filter(active=True)
    context = {"programmes": programmes, "title": title, "path": request.path}
    return render(request, "proposals/choose_programme.html", context)


def _template_info(request: HttpRequest, programme: Programme) -> template_xlsx.TemplateInfo:
    info = selectors.template_info(_actor(request), programme, timezone.localdate())
    if info is None:
        raise Http404(_("Program tidak berlaku di wilayah kerja Anda."))
    return info


def _sender(
    request: HttpRequest, programme: Programme, village: str | None
) -> tuple[Sender | None, str]:
    try:
        sender = services.sender_for(
            actor=_actor(request), programme=programme, village_code=village or None
        )
    except (IntakeError, PermissionDenied) as error:
        return None, getattr(error, "message", None) or str(error)
    return sender, ""


@requires(PROPOSE)
def proposal_new(request: HttpRequest) -> HttpResponse:
    programme = _chosen_programme(request)
    if programme is None:
        return _choose_programme(request, _("Usulan baru"))
    info = _template_info(request, programme)
    form = ProposalForm(
        request.POST or None,
        occupations=selectors.eligible_occupations(programme),
        villages=info.villages,
        multi_village=info.multi_village,
    )
    refusal = ""
    if request.method == "POST" and form.is_valid():
        sender, refusal = _sender(request, programme, form.cleaned_data.get("kode_wilayah"))
        if sender is not None:
            try:
                proposal = services.proposal_submit(sender=sender, fields=form.service_fields())
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
            else:
                messages.success(
                    request, _("Usulan %(name)s sudah diterima.") % {"name": proposal.name}
                )
                return redirect(proposal.get_absolute_url())
    nik_info = None
    if form.is_bound and form.data.get("nik"):
        get = form.data.get
        nik_info = _nik_info(get("nik", ""), get("tanggal_lahir"), get("jenis_kelamin"))
    context = {
        "form": form,
        "programme": programme,
        "info": info,
        "nik_info": nik_info,
        "refusal": refusal,
    }
    status = 400 if form.errors or refusal else 200
    return render(request, "proposals/form.html", context, status=status)


@requires(PROPOSE)
@require_GET
def nik_check(request: HttpRequest) -> HttpResponse:
    """The parse of a NIK as the operator types it (htmx partial, the people page's)."""
    get = request.GET
    info = _nik_info(get.get("nik", ""), get.get("tanggal_lahir"), get.get("jenis_kelamin"))
    return render(request, "people/_nik_parse.html", {"info": info})


@requires(PROPOSE)
def upload(request: HttpRequest) -> HttpResponse:
    programme = _chosen_programme(request)
    if programme is None:
        return _choose_programme(request, _("Unggah berkas usulan"))
    info = _template_info(request, programme)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        villages=info.villages,
        multi_village=info.multi_village,
    )
    refusal = ""
    if request.method == "POST" and form.is_valid():
        refusal, batch = _import_upload(request, programme, form)
        if batch is not None:
            return redirect(batch.get_absolute_url())
    context = {"form": form, "programme": programme, "info": info, "refusal": refusal}
    status = 400 if form.errors or refusal else 200
    return render(request, "proposals/upload.html", context, status=status)


def _import_upload(
    request: HttpRequest, programme: Programme, form: UploadForm
) -> tuple[str, Batch | None]:
    upload_file = form.cleaned_data["berkas"]
    sender, refusal = _sender(request, programme, form.cleaned_data.get("desa"))
    if sender is None:
        return refusal, None
    if upload_file.size > MAX_UPLOAD_BYTES:
        return _("Berkas lebih besar dari 50 MB; bagi menjadi beberapa berkas."), None
    try:
        result = services.batch_import(
            sender=sender, data=upload_file.read(), file_name=upload_file.name
        )
    except IntakeError as error:
        return error.message, None
    batch = result.batch
    if not result.created:
        messages.warning(
            request,
            _("Berkas ini sudah pernah diunggah; tidak ada yang dibuat dua kali. Hasilnya:"),
        )
    else:
        messages.success(
            request,
            _(
                "%(rows)s baris terbaca: %(ok)s diterima, %(bad)s ditolak, "
                "%(dup)s sudah diusulkan sebelumnya."
            )
            % {
                "rows": batch.row_count,
                "ok": batch.accepted_count,
                "bad": batch.rejected_count,
                "dup": batch.duplicate_count,
            },
        )
    return "", batch


@requires(PROPOSE)
@require_GET
def template_download(request: HttpRequest, programme_id: int, fmt: str) -> HttpResponse:
    programme = programme_for(request.user, programme_id)
    if programme is None:
        raise Http404(_("Program tidak ditemukan di wilayah kerja Anda."))
    info = _template_info(request, programme)
    if fmt == "csv":
        body, content_type = template_xlsx.template_csv(info), "text/csv; charset=utf-8"
    else:
        body, content_type = template_xlsx.template_xlsx(info), _XLSX
    return _download(body, content_type, f"templat-usulan-{programme.pk}.{fmt}")

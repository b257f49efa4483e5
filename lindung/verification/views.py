"""Verification pages: start a run and watch it, read its results, and the review screens of
the kecamatan (forward / return) and the Dinas (clerical review, override, decide).

Thin: selectors read (scoped), `services` and `review` decide and write. Anything outside the
user's area answers 404; a role without the capability gets 403 before anything is read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.permissions import (
    DECIDE_PROPOSALS,
    MANAGE_PROGRAMMES,
    REVIEW_KECAMATAN,
    RUN_VERIFICATION,
    VIEW_PROPOSALS,
    forbidden,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.lists import acting_user as _actor
from lindung.core.lists import page_of as _page
from lindung.core.lists import query_without_page as _query_without_page
from lindung.core.lists import unreadable_choices
from lindung.engine.verify.codes import CODES, DEFAULT_SEVERITIES
from lindung.programs import services as programs_services
from lindung.programs.selectors import programme_for
from lindung.proposals import selectors as proposal_selectors
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.proposals.services import ConflictError
from lindung.verification import review, selectors, services
from lindung.verification.labels import CODE_LABELS, SEVERITY_LABELS
from lindung.verification.models import Finding, VerificationRun


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# -- runs ----------------------------------------------------------------------------------


@requires(VIEW_PROPOSALS)
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    context = {
        "page": _page(request, selectors.runs_for(request.user)),
        "query": "",
        "periods": proposal_selectors.periods_for(request.user),
    }
    return render(request, "verification/run_list.html", context)


@requires(RUN_VERIFICATION)
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    batch_id, period_id = _number(request.POST.get("batch")), _number(request.POST.get("period"))
    batch = proposal_selectors.batch_for(request.user, batch_id) if batch_id else None
    period = (
        proposal_selectors.periods_for(request.user).filter(pk=period_id).first()
        if period_id and batch is None
        else None
    )
    if batch is None and period is None:
        raise Http404(_("Kiriman atau periode tidak ditemukan di wilayah kerja Anda."))
    try:
        run = services.verification_run(actor=_actor(request), batch=batch, period=period)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    return redirect(run)


def _run_or_404(request: HttpRequest, run_id: int) -> VerificationRun:
    run = selectors.run_for(request.user, run_id)
    if run is None:
        raise Http404(_("Verifikasi tidak ditemukan di wilayah kerja Anda."))
    return run


@requires(VIEW_PROPOSALS)
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    context = {"run": run, "snapshots": run.snapshots.order_by("kind")}
    return render(request, "verification/run.html", context)


@requires(VIEW_PROPOSALS)
@require_GET
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress bar alone, polled by the run page every second until the run ends."""
    return render(request, "verification/_progress.html", {"run": _run_or_404(request, run_id)})


@requires(VIEW_PROPOSALS)
@require_GET
def run_results(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    status = request.GET.get("status", "")
    status = status if status in ProposalStatus.values else ""
    code = request.GET.get("kode", "")
    everything = selectors.run_proposals(request.user, run)
    page = _page(request, selectors.run_proposals(request.user, run, status=status, code=code))
    selectors.attach_evidence(page.object_list)
    context = {
        "run": run,
        "page": page,
        "query": _query_without_page(request),
        "status": status,
        "code": code,
        "statuses": ProposalStatus.choices,
        "codes": selectors.code_counts(request.user, run),
        "decided": selectors.decided(everything),
    }
    return render(request, "verification/results.html", context)


# -- kecamatan -----------------------------------------------------------------------------


@requires(REVIEW_KECAMATAN)
@require_GET
def kecamatan_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.kecamatan_queue(request.user))
    selectors.attach_evidence(page.object_list)
    return render(request, "verification/kecamatan.html", {"page": page, "query": ""})


@requires(REVIEW_KECAMATAN)
@require_POST
def kecamatan_act(request: HttpRequest) -> HttpResponse:
    """Forward or return the ticked proposals; each carries the version the page showed."""
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    ticked = request.POST.getlist("proposal")
    chosen = [pk for pk in map(_number, ticked) if pk is not None]
    if action not in ("forward", "return") or not ticked:
        messages.error(request, _("Centang usulan dan pilih teruskan atau kembalikan."))
        return redirect("verification:kecamatan")
    done, refused, found = 0, [], 0
    for proposal in proposal_selectors.proposals_for(request.user).filter(pk__in=chosen):
        found += 1
        version = _number(request.POST.get(f"version-{proposal.pk}")) or 0
        try:
            if action == "forward":
                review.proposal_forward(
                    actor=_actor(request), proposal=proposal, expected_version=version, note=note
                )
            else:
                review.proposal_return(
                    actor=_actor(request), proposal=proposal, expected_version=version, note=note
                )
            done += 1
        except (review.ReviewError, ConflictError) as error:
            refused.append(f"{proposal.name}: {error.message}")
    if found < len(ticked):  # never drop a ticked row without saying so
        refused.append(unreadable_choices(len(ticked) - found))
    _report(request, done, refused)
    return redirect("verification:kecamatan")


def _report(request: HttpRequest, done: int, refused: list[str]) -> None:
    if done:
        messages.success(request, _("%(n)s usulan diproses.") % {"n": done})
    for line in refused:
        messages.error(request, line)


# -- Dinas ---------------------------------------------------------------------------------


@requires(DECIDE_PROPOSALS)
@require_GET
def decision_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.decision_queue(request.user))
    selectors.attach_evidence(page.object_list)
    context = {"page": page, "query": "", "periods": proposal_selectors.periods_for(request.user)}
    return render(request, "verification/decisions.html", context)


@requires(DECIDE_PROPOSALS)
@require_POST
def decide_bulk(request: HttpRequest) -> HttpResponse:
    """Decide every plain case of a period at once (see `review.proposals_decide_bulk`)."""
    period_id = _number(request.POST.get("period"))
    period = proposal_selectors.periods_for(request.user).filter(pk=period_id or 0).first()
    verdict = request.POST.get("decision")
    if period is None or verdict not in ("eligible", "not_eligible"):
        messages.error(request, _("Pilih periode dan keputusan."))
        return redirect("verification:decisions")
    try:
        done = review.proposals_decide_bulk(
            actor=_actor(request), period=period, eligible=verdict == "eligible"
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("verification:decisions")
    if verdict == "eligible":
        messages.success(
            request, _("%(n)s usulan tanpa temuan penghalang diputuskan layak.") % {"n": done}
        )
    else:
        messages.success(
            request, _("%(n)s usulan dengan temuan tolak diputuskan tidak layak.") % {"n": done}
        )
    return redirect("verification:decisions")


def _proposal_or_404(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = proposal_selectors.proposal_for(request.user, proposal_id)
    if proposal is None:
        raise Http404(_("Usulan tidak ditemukan di wilayah kerja Anda."))
    return proposal


@requires(DECIDE_PROPOSALS)
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal_or_404(request, proposal_id)
    verdict = request.POST.get("decision")
    if verdict not in ("eligible", "not_eligible"):
        messages.error(request, _("Pilih layak atau tidak layak."))
        return _back(request, proposal.get_absolute_url())
    _attempt(
        request,
        lambda: review.proposal_decide(
            actor=_actor(request),
            proposal=proposal,
            expected_version=_number(request.POST.get("version")) or 0,
            eligible=verdict == "eligible",
            note=request.POST.get("note", ""),
        ),
        _("Keputusan disimpan."),
    )
    return _back(request, proposal.get_absolute_url())


@requires(DECIDE_PROPOSALS)
@require_POST
def proposal_return(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal_or_404(request, proposal_id)
    _attempt(
        request,
        lambda: review.proposal_return(
            actor=_actor(request),
            proposal=proposal,
            expected_version=_number(request.POST.get("version")) or 0,
            note=request.POST.get("note", ""),
        ),
        _("Usulan dikembalikan ke desa."),
    )
    return _back(request, proposal.get_absolute_url())


def _attempt(request: HttpRequest, action: Any, success: str) -> bool:
    try:
        action()
    except (review.ReviewError, ConflictError) as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _finding_or_404(request: HttpRequest, finding_id: int) -> Finding:
    finding = selectors.finding_for(request.user, finding_id)
    if finding is None:
        raise Http404(_("Temuan tidak ditemukan di wilayah kerja Anda."))
    return finding


@requires(DECIDE_PROPOSALS)
@require_POST
def finding_override(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = _finding_or_404(request, finding_id)
    _attempt(
        request,
        lambda: review.finding_override(
            actor=_actor(request),
            finding=finding,
            expected_version=_number(request.POST.get("version")) or 0,
            note=request.POST.get("note", ""),
        ),
        _("Temuan dikesampingkan; alasannya dicatat."),
    )
    return _back(request, finding.proposal.get_absolute_url())


@requires(DECIDE_PROPOSALS)
@require_GET
def clerical_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.clerical_queue(request.user))
    return render(request, "verification/clerical.html", {"page": page, "query": ""})


@requires(DECIDE_PROPOSALS)
def match(request: HttpRequest, finding_id: int) -> HttpResponse:
    """Both records side by side, with the explanation; answer "same person?"."""
    finding = _finding_or_404(request, finding_id)
    if request.method == "POST":
        answer = request.POST.get("same")
        if answer not in ("yes", "no"):
            messages.error(request, _("Pilih: orang yang sama, atau bukan."))
            return redirect("verification:match", finding_id=finding.pk)
        resolved = _attempt(
            request,
            lambda: review.finding_resolve(
                actor=_actor(request),
                finding=finding,
                expected_version=_number(request.POST.get("version")) or 0,
                same_person=answer == "yes",
                note=request.POST.get("note", ""),
            ),
            _("Keputusan kecocokan disimpan."),
        )
        if resolved:
            return redirect("verification:clerical")
        return redirect("verification:match", finding_id=finding.pk)
    record = selectors.evidence_of([finding]).get(finding.evidence_id or 0)
    # The comparison shows both full NIKs: a full view of personal data, so it is audited.
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.NIK_VIEW,
        object_type="proposal",
        object_id=str(finding.proposal_id),
        detail={"via": "match_review", "finding": finding.pk},
        request=request,
    )
    context = {
        "finding": finding,
        "proposal": finding.proposal,
        "record": record,
        "other": selectors.other_proposal(finding),
    }
    return render(request, "verification/match.html", context)


@requires(MANAGE_PROGRAMMES)
def severities(request: HttpRequest, programme_id: int) -> HttpResponse:
    """How hard each finding weighs in one programme (its Perbup's rules)."""
    programme = programme_for(request.user, programme_id)
    if programme is None:
        raise Http404
    if request.method == "POST":
        chosen = {code: request.POST.get(code, "") for code in CODES}
        try:
            programs_services.programme_set_severities(
                actor=_actor(request),
                programme=programme,
                severities={c: v for c, v in chosen.items() if v},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tingkat temuan disimpan."))
            return redirect("verification:severities", programme_id=programme.pk)
    current = programme.check_severities
    rows = [
        {
            "code": code,
            "label": CODE_LABELS.get(code, code),
            "default": DEFAULT_SEVERITIES[code],
            "value": current.get(code, DEFAULT_SEVERITIES[code]),
        }
        for code in CODES
    ]
    context = {"programme": programme, "rows": rows, "choices": SEVERITY_LABELS}
    return render(request, "verification/severities.html", context)

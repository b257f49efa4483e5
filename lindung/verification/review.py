"""What people do after the machine: the kecamatan forwards or returns, the Dinas resolves
uncertain matches, overrides findings with a reason and decides.

Every action goes through `proposal_transition` with the version the person saw, so two
reviewers acting on the same proposal at once cannot both win (the second gets
`ConflictError`), and every action leaves a `ProposalEvent` saying who, when, what and why.
A finding's resolution is written in the same transaction as that event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import DECIDE_PROPOSALS, REVIEW_KECAMATAN, has_capability
from lindung.programs.models import ProposalPeriod
from lindung.proposals.models import Action, Proposal, ProposalEvent, ProposalStatus
from lindung.proposals.services import ConflictError, proposal_transition
from lindung.verification.models import Finding, Resolution, Severity

# Statuses a person may act on: checked by the machine, not yet decided or sent back.
_REVIEWABLE = (ProposalStatus.VERIFIED, ProposalStatus.REVIEW, ProposalStatus.FORWARDED)
# Evidence that, when it is the same person, means the proposal cannot be funded.
_REJECTING_EVIDENCE = frozenset({"bpjs", "programme", "exclusion", "death", "proposal", "member"})
# Codes a verifier resolves by comparing two records (the clerical review queue).
CLERICAL_CODES = ("UNCERTAIN_MATCH", "NAME_MISMATCH", "PROPOSED_ELSEWHERE")


class ReviewError(Exception):
    """The action is refused; `message` says why and what to do, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def blocks(finding: Finding, *, requires_registry: bool) -> bool:
    """Whether `finding` stands in the way of deciding the proposal eligible."""
    if finding.resolution == Resolution.OVERRIDDEN or finding.severity == Severity.WARN:
        return False
    if finding.resolution == Resolution.CONFIRMED:
        return finding.evidence_kind in _REJECTING_EVIDENCE
    if finding.resolution == Resolution.DISMISSED:
        # Not the person whose NIK it is: the NIK is wrong. Not the registry's person: they
        # are not in the registry.
        if finding.code == "NAME_MISMATCH":
            return True
        return finding.evidence_kind == "welfare" and requires_registry
    return True


def blocking_findings(proposal: Proposal) -> list[Finding]:
    current = Finding.objects.filter(proposal=proposal, current=True).order_by("id")
    required = proposal.programme.requires_registry
    return [f for f in current if blocks(f, requires_registry=required)]


def _check(actor: User, capability: str, proposal: Proposal) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan tindakan ini."))
    if not scoping.can_see_area(actor, proposal.village_id):
        raise PermissionDenied(_("Usulan ini di luar wilayah kerja Anda."))


def _check_status(proposal: Proposal, allowed: Iterable[str], expected_version: int) -> None:
    # A page showing an older version is stale whatever the status is now: say so first.
    if proposal.version != expected_version:
        raise ConflictError
    if proposal.status == ProposalStatus.SUBMITTED:
        raise ReviewError(_("Usulan ini belum diverifikasi sistem; jalankan verifikasi dulu."))
    if proposal.status not in allowed:
        raise ReviewError(
            _("Usulan berstatus “%(status)s” tidak dapat diproses di sini.")
            % {"status": proposal.get_status_display()}
        )


def _required(note: str, message: str) -> str:
    text = note.strip()
    if not text:
        raise ReviewError(message)
    return text


# -- kecamatan -----------------------------------------------------------------------------


@transaction.atomic
def proposal_forward(
    *, actor: User, proposal: Proposal, expected_version: int, note: str = ""
) -> Proposal:
    """The kecamatan sends a checked proposal on to the Dinas."""
    _check(actor, REVIEW_KECAMATAN, proposal)
    _check_status(proposal, (ProposalStatus.VERIFIED, ProposalStatus.REVIEW), expected_version)
    return proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=ProposalStatus.FORWARDED,
        action=Action.FORWARDED,
        note=note.strip(),
        expected_version=expected_version,
    )


@transaction.atomic
def proposal_return(
    *, actor: User, proposal: Proposal, expected_version: int, note: str
) -> Proposal:
    """The kecamatan or the Dinas sends a proposal back to its village, saying why."""
    kecamatan = has_capability(actor, REVIEW_KECAMATAN)
    _check(actor, REVIEW_KECAMATAN if kecamatan else DECIDE_PROPOSALS, proposal)
    _check_status(proposal, _REVIEWABLE, expected_version)
    text = _required(note, _("Tulis catatan untuk desa: apa yang harus diperbaiki."))
    return proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=ProposalStatus.RETURNED,
        action=Action.RETURNED,
        note=text,
        expected_version=expected_version,
    )


# -- Dinas ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_decide(
    *, actor: User, proposal: Proposal, expected_version: int, eligible: bool, note: str = ""
) -> Proposal:
    """The Dinas verifier's decision. *Eligible* is refused while a finding still stands in
    the way (reject, unresolved review, or a confirmed match with a list); *not eligible*
    needs a reason."""
    _check(actor, DECIDE_PROPOSALS, proposal)
    _check_status(proposal, _REVIEWABLE, expected_version)
    if eligible:
        standing = blocking_findings(proposal)
        if standing:
            raise ReviewError(
                _(
                    "Belum dapat dinyatakan layak: %(codes)s. Putuskan kecocokan data atau "
                    "kesampingkan temuan dengan alasan dulu."
                )
                % {"codes": ", ".join(f.code for f in standing)}
            )
    else:
        note = _required(note, _("Tulis alasan usulan ini tidak layak."))
    return proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=ProposalStatus.ELIGIBLE if eligible else ProposalStatus.NOT_ELIGIBLE,
        action=Action.DECIDED,
        note=note.strip(),
        expected_version=expected_version,
    )


@transaction.atomic
def finding_override(*, actor: User, finding: Finding, expected_version: int, note: str) -> Finding:
    """Set a finding aside with a recorded reason (the verifier knows better than the data)."""
    proposal = finding.proposal
    _check(actor, DECIDE_PROPOSALS, proposal)
    _check_status(proposal, _REVIEWABLE, expected_version)
    if finding.severity == Severity.REVIEW and not finding.resolution:
        raise ReviewError(_("Putuskan dulu apakah kedua data ini orang yang sama."))
    if finding.resolution in (Resolution.OVERRIDDEN, Resolution.DISMISSED):
        raise ReviewError(_("Temuan ini sudah tidak menghalangi; tidak perlu dikesampingkan."))
    text = _required(note, _("Tulis alasan temuan ini dikesampingkan."))
    _resolve(finding, actor, Resolution.OVERRIDDEN, text)
    proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=proposal.status,
        action=Action.OVERRIDDEN,
        note=text,
        expected_version=expected_version,
        detail={"finding": finding.pk, "code": finding.code},
    )
    return finding


@transaction.atomic
def finding_resolve(
    *, actor: User, finding: Finding, expected_version: int, same_person: bool, note: str = ""
) -> Finding:
    """The verifier's answer to an uncertain match: are the two records the same person?
    When the last open question of a proposal in REVIEW is answered, it becomes VERIFIED."""
    proposal = finding.proposal
    _check(actor, DECIDE_PROPOSALS, proposal)
    _check_status(proposal, _REVIEWABLE, expected_version)
    if finding.severity != Severity.REVIEW:
        raise ReviewError(_("Temuan ini tidak memerlukan keputusan kecocokan data."))
    resolution = Resolution.CONFIRMED if same_person else Resolution.DISMISSED
    _resolve(finding, actor, resolution, note.strip())
    still_open = Finding.objects.filter(
        proposal=proposal, current=True, severity=Severity.REVIEW, resolution=""
    ).exists()
    to_status = proposal.status
    if proposal.status == ProposalStatus.REVIEW and not still_open:
        to_status = ProposalStatus.VERIFIED
    detail: dict[str, Any] = {"finding": finding.pk, "code": finding.code}
    proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=to_status,
        action=Action.MATCH_RESOLVED,
        note=note.strip() or str(resolution.label),
        expected_version=expected_version,
        detail=detail | {"resolution": resolution.value},
    )
    return finding


def _resolve(finding: Finding, actor: User, resolution: str, note: str) -> None:
    now = timezone.now()
    # Guarded like a status change: a finding someone else resolved meanwhile stays theirs.
    seen = Finding.objects.filter(pk=finding.pk, current=True, resolution=finding.resolution)
    updated = seen.update(
        resolution=resolution, resolution_note=note, resolved_by=actor, resolved_at=now
    )
    if updated == 0:
        raise ConflictError
    finding.resolution, finding.resolution_note = resolution, note
    finding.resolved_by, finding.resolved_at = actor, now


# -- decisions in bulk -----------------------------------------------------------------------


def _blocking_q(requires_registry: bool) -> Q:
    """`blocks` as a database condition on Finding, for deciding thousands at once."""
    dismissed_blocks = Q(resolution=Resolution.DISMISSED, code="NAME_MISMATCH")
    if requires_registry:
        dismissed_blocks |= Q(resolution=Resolution.DISMISSED, evidence_kind="welfare")
    return (
        Q(current=True)
        & ~Q(resolution=Resolution.OVERRIDDEN)
        & ~Q(severity=Severity.WARN)
        & (
            Q(resolution="")
            | Q(resolution=Resolution.CONFIRMED, evidence_kind__in=_REJECTING_EVIDENCE)
            | dismissed_blocks
        )
    )


@transaction.atomic
def proposals_decide_bulk(
    *, actor: User, period: ProposalPeriod, eligible: bool, area_code: str | None = None
) -> int:
    """Decide, in one step, every proposal of `period` (inside `area_code` and the actor's
    area) that the machine checked or the kecamatan forwarded and whose case is plain:
    *eligible* for those with nothing standing in the way, *not eligible* for those with a
    standing finding of severity reject (the finding's message is the recorded reason).
    Proposals that need a person (open matches, reviews) are left alone. Returns how many
    were decided; each gets its own DECIDED event."""
    if not has_capability(actor, DECIDE_PROPOSALS):
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan tindakan ini."))
    area = area_code or period.programme.owner_id
    if not scoping.can_see_area(actor, area):
        raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))
    blocking = Finding.objects.filter(
        _blocking_q(period.programme.requires_registry), proposal=OuterRef("pk")
    )
    candidates = scoping.visible(
        actor,
        Proposal.objects.filter(
            scoping.area_q("village", area),
            period=period,
            status__in=[ProposalStatus.VERIFIED, ProposalStatus.FORWARDED],
        ),
    )
    if eligible:
        chosen = candidates.exclude(Exists(blocking))
    else:
        chosen = candidates.filter(Exists(blocking.filter(severity=Severity.REJECT))).exclude(
            Exists(blocking.filter(severity=Severity.REVIEW))
        )
    rows = list(chosen.select_for_update().order_by("id").values_list("id", "status"))
    if not rows:
        return 0
    ids = [pk for pk, _status in rows]
    reasons: dict[int, str] = {}
    if not eligible:
        standing = Finding.objects.filter(
            _blocking_q(period.programme.requires_registry),
            severity=Severity.REJECT,
            proposal_id__in=ids,
        ).order_by("proposal_id", "id")
        for proposal_id, message in standing.values_list("proposal_id", "message"):
            reasons.setdefault(proposal_id, message)
    to_status = ProposalStatus.ELIGIBLE if eligible else ProposalStatus.NOT_ELIGIBLE
    now = timezone.now()
    for chunk in range(0, len(ids), 5_000):
        Proposal.objects.filter(pk__in=ids[chunk : chunk + 5_000]).update(
            status=to_status, status_changed_at=now, version=F("version") + 1
        )
    ProposalEvent.objects.bulk_create(
        (
            ProposalEvent(
                proposal_id=pk,
                at=now,
                actor=actor,
                action=Action.DECIDED,
                from_status=status,
                to_status=to_status,
                note=reasons.get(pk, "")
                or _("Diputuskan layak bersama: tidak ada temuan yang menghalangi."),
                detail={"bulk": True},
            )
            for pk, status in rows
        ),
        batch_size=5_000,
    )
    return len(ids)

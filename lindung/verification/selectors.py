"""Reading runs, findings and their evidence. Every queryset starts from the user's area
scope; a finding's evidence is read in one query per page, with the snapshot it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from lindung.accounts import scoping
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.proposals.selectors import status_counts
from lindung.references.models import ReferenceRecord
from lindung.verification.models import Finding, Severity, VerificationRun
from lindung.verification.review import CLERICAL_CODES

REFERENCE_KINDS = frozenset({"welfare", "bpjs", "programme", "exclusion", "death"})


def runs_for(user: object) -> QuerySet[VerificationRun]:
    runs = VerificationRun.objects.select_related("programme", "period", "batch", "area")
    return scoping.visible(user, runs).order_by("-created_at", "-id")


def run_for(user: object, run_id: int) -> VerificationRun | None:
    return runs_for(user).select_related("created_by").filter(pk=run_id).first()


def current_findings() -> Prefetch[Any]:
    """Prefetch for proposals: their current findings as `proposal.current_findings`."""
    findings = Finding.objects.filter(current=True).select_related("resolved_by").order_by("id")
    return Prefetch("findings", queryset=findings, to_attr="current_findings")


def run_proposals(
    user: object, run: VerificationRun, *, status: str = "", code: str = ""
) -> QuerySet[Proposal]:
    """The proposals a run checked that the user may see (a batch's, or the period's), with
    their current findings."""
    proposals = scoping.visible(user, Proposal.objects.select_related("village"))
    proposals = proposals.filter(period=run.period)
    if run.batch_id is not None:
        proposals = proposals.filter(batch=run.batch)
    if status:
        proposals = proposals.filter(status=status)
    if code:
        proposals = proposals.filter(findings__current=True, findings__code=code).distinct()
    return proposals.prefetch_related(current_findings()).order_by("village_id", "name", "id")


def code_counts(user: object, run: VerificationRun) -> list[tuple[str, str, int]]:
    """(code, severity, number) of the run's findings the user may see, most frequent first."""
    findings = scoping.visible(user, Finding.objects.filter(run=run))
    rows = findings.values("code", "severity").annotate(n=Count("id")).order_by("-n", "code")
    return [(r["code"], r["severity"], r["n"]) for r in rows]


@dataclass(frozen=True)
class Decided:
    """proposals = eligible + not eligible + pending, always."""

    total: int
    eligible: int
    not_eligible: int
    pending: int
    by_status: dict[str, int]


def decided(proposals: QuerySet[Proposal]) -> Decided:
    counts = status_counts(proposals)
    eligible, not_eligible = counts[ProposalStatus.ELIGIBLE], counts[ProposalStatus.NOT_ELIGIBLE]
    pending = sum(n for s, n in counts.items() if s not in ("eligible", "not_eligible"))
    return Decided(eligible + not_eligible + pending, eligible, not_eligible, pending, counts)


def evidence_of(findings: list[Finding]) -> dict[int, ReferenceRecord]:
    """The reference records the findings point at, with their snapshots, in one query.

    Read without the area scope on purpose: the finding is visible to the user, and its
    evidence is part of it (the regency's registry record of a person of their village)."""
    ids = {f.evidence_id for f in findings if f.evidence_kind in REFERENCE_KINDS}
    records = ReferenceRecord.objects.filter(pk__in=ids).select_related("snapshot")
    return {r.pk: r for r in records}


def attach_evidence(proposals: Any) -> None:
    """Set `finding.record` on the current findings of a page of proposals."""
    findings = [f for p in proposals for f in getattr(p, "current_findings", [])]
    records = evidence_of(findings)
    for finding in findings:
        finding.record = records.get(finding.evidence_id or 0)


def kecamatan_queue(user: object) -> QuerySet[Proposal]:
    """Proposals in the user's area the machine checked and nobody has moved on yet."""
    waiting = (ProposalStatus.VERIFIED, ProposalStatus.REVIEW)
    proposals = scoping.visible(user, Proposal.objects.select_related("village", "period"))
    return (
        proposals.filter(status__in=waiting)
        .prefetch_related(current_findings())
        .order_by("village_id", "name", "id")
    )


def decision_queue(user: object) -> QuerySet[Proposal]:
    """Proposals waiting for the Dinas: forwarded first, then checked ones."""
    waiting = (ProposalStatus.FORWARDED, ProposalStatus.VERIFIED, ProposalStatus.REVIEW)
    proposals = scoping.visible(user, Proposal.objects.select_related("village", "period"))
    return (
        proposals.filter(status__in=waiting)
        .prefetch_related(current_findings())
        .order_by("status", "village_id", "name", "id")
    )


def clerical_queue(user: object) -> QuerySet[Finding]:
    """Open questions "are these two records the same person?" in the user's area."""
    findings = Finding.objects.filter(
        current=True, severity=Severity.REVIEW, resolution="", code__in=CLERICAL_CODES
    ).select_related("proposal__village")
    return scoping.visible(user, findings).order_by("proposal__village_id", "id")


def finding_for(user: object, finding_id: int) -> Finding | None:
    findings = Finding.objects.select_related(
        "proposal__village", "proposal__programme", "proposal__occupation", "run", "resolved_by"
    )
    return scoping.visible(user, findings).filter(pk=finding_id).first()


def other_proposal(finding: Finding) -> Proposal | None:
    """The other village's proposal a PROPOSED_ELSEWHERE finding points at."""
    if finding.evidence_kind != "proposal" or finding.evidence_id is None:
        return None
    return Proposal.objects.select_related("village").filter(pk=finding.evidence_id).first()

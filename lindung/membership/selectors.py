"""Reading members, the waiting list and the exit queue; every queryset starts from the
user's area scope (`scoping.visible`), so a village sees only its own people."""

from __future__ import annotations

import re

from django.db.models import Count, QuerySet

from lindung.accounts import scoping
from lindung.claims.models import Claim
from lindung.references.models import ReferenceKind, Snapshot, SnapshotStatus

from .models import (
    ACTIVE_STATUSES,
    CandidateStatus,
    DecreeEntry,
    ExitCandidate,
    Membership,
    MembershipEvent,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)

_NIK_PREFIX = re.compile(r"[0-9][0-9 .\-]*")


def members_for(
    user: object,
    *,
    programme_id: int | None = None,
    status: str = "",
    area: str = "",
    q: str = "",
) -> QuerySet[Membership]:
    """The members `user` may see. `area` is a kecamatan or village code; `q` of digits is
    a NIK prefix (spaces and dots ignored, as typed from a KTP), anything else part of the
    name."""
    members = scoping.visible(
        user, Membership.objects.select_related("village__parent", "programme")
    )
    if programme_id is not None:
        members = members.filter(programme_id=programme_id)
    if status:
        members = members.filter(status=status)
    if area:
        members = members.filter(scoping.area_q("village", area))
    q = q.strip()
    if _NIK_PREFIX.fullmatch(q):
        members = members.filter(nik__startswith=re.sub(r"[ .\-]", "", q))
    elif q:
        members = members.filter(name__icontains=q)
    return members.order_by("village_id", "rank", "id")


def member_for(user: object, membership_id: int) -> Membership | None:
    """One member, or None when it does not exist *or* lies outside the user's area."""
    members = members_for(user).select_related("period", "determination", "occupation", "replaces")
    return members.filter(pk=membership_id).first()


def status_counts(members: QuerySet[Membership]) -> dict[str, int]:
    rows = members.order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(MemberStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def events_of(membership: Membership) -> QuerySet[MembershipEvent]:
    return membership.events.select_related("actor").order_by("at", "id")


def decree_entries_of(membership: Membership) -> QuerySet[DecreeEntry]:
    return membership.decree_entries.select_related("decree").order_by("decree__sequence")


def replacement_of(membership: Membership) -> Membership | None:
    """The member who took `membership`'s place, if any."""
    return Membership.objects.filter(replaces=membership).first()


def pending_exits_of(membership: Membership) -> QuerySet[ExitCandidate]:
    return membership.exit_candidates.filter(status=CandidateStatus.PENDING).select_related(
        "snapshot"
    )


def claims_of(membership: Membership) -> QuerySet[Claim]:
    return Claim.objects.filter(membership=membership).order_by("created_at", "id")


def waiting_for(
    user: object,
    *,
    programme_id: int | None = None,
    area: str = "",
    status: str = WaitingStatus.WAITING,
) -> QuerySet[WaitingEntry]:
    """The waiting list `user` may see, by quota area and rank."""
    entries = scoping.visible(
        user,
        WaitingEntry.objects.select_related(
            "proposal", "village", "quota_area", "determination__period", "membership"
        ),
    )
    if programme_id is not None:
        entries = entries.filter(determination__programme_id=programme_id)
    if area:
        entries = entries.filter(scoping.area_q("village", area))
    if status:
        entries = entries.filter(status=status)
    return entries.order_by("determination_id", "quota_area_id", "rank", "id")


def exit_queue(user: object) -> QuerySet[ExitCandidate]:
    """Proposed exits awaiting a decision, of members still active, oldest event first."""
    candidates = scoping.visible(
        user,
        ExitCandidate.objects.select_related("membership__village", "snapshot", "record"),
    )
    return candidates.filter(
        status=CandidateStatus.PENDING, membership__status__in=ACTIVE_STATUSES
    ).order_by("effective_on", "id")


def candidate_for(user: object, candidate_id: int) -> ExitCandidate | None:
    candidates = scoping.visible(user, ExitCandidate.objects.select_related("membership"))
    return candidates.filter(pk=candidate_id).first()


def newest_exit_snapshots(user: object) -> list[Snapshot]:
    """The newest ready death extract and the newest ready move extract the user sees."""
    newest = []
    for kind in (ReferenceKind.DEATH, ReferenceKind.MOVE):
        snapshots = scoping.visible(
            user, Snapshot.objects.filter(kind=kind, status=SnapshotStatus.READY)
        )
        snapshot = snapshots.order_by("-extracted_on", "-imported_at", "-id").first()
        if snapshot is not None:
            newest.append(snapshot)
    return newest

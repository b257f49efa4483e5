"""A membership's life after determination: ending it, filling the freed place from the
waiting list, proposed exits found in death and move extracts, and age-outs.

Rules the code keeps (docs/operator.md says them for people):
- Ending (`membership_end`) is guarded by the membership's `version`, like
  `proposals.services.proposal_transition`: a second officer acting on the same member gets
  ConflictError. A death opens the member's JKM claim.
- An end date may not lie before the membership existed: the day it was determined, or the
  day its coverage started if that is earlier.
- A freed place goes to the next person waiting in the same quota area of the same
  determination: the same village (village quota), the same kecamatan (kecamatan quota) or
  anywhere in the programme (no quota). Every end reason frees a place. The new member gets
  the rank after the last one in that area.
- Every fill locks the determination row first, so fills of one determination happen one
  after another: two clicks cannot give one waiting person two places or one place twice.
- Age-outs: a member whose (max_age + 1)-th birthday falls on or before the last day of the
  month leaves with reason age limit, effective the first day of the next month.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import END_MEMBERSHIPS, has_capability
from lindung.claims.models import ClaimSource
from lindung.claims.services import claim_open_jkm
from lindung.programs.models import Programme
from lindung.proposals.models import Proposal
from lindung.references.models import ReferenceKind, ReferenceRecord, Snapshot, SnapshotStatus
from lindung.regions import codes
from lindung.regions.models import Region

from .determination import quota_area_of
from .models import (
    ACTIVE_STATUSES,
    CandidateStatus,
    Determination,
    EndReason,
    ExitCandidate,
    MemberAction,
    Membership,
    MembershipEvent,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)

BULK = 5_000
# These reasons say nothing by themselves: the officer writes why.
NOTE_REQUIRED = frozenset({EndReason.WITHDRAWN, EndReason.INELIGIBLE})
# "17.71.01.1001 Pasar Melintang, Kota Bengkulu": the destination's Kemendagri code.
_CODE_AT_START = re.compile(r"\s*(\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)(?![\d.])")
EXIT_KINDS: dict[str, str] = {
    ReferenceKind.DEATH: EndReason.DEATH,
    ReferenceKind.MOVE: EndReason.MOVED,
}


class ConflictError(Exception):
    """The membership (or the waiting entry) changed since the page was loaded, or is no
    longer in a state the action applies to: the second action loses."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _(
            "Data peserta ini baru saja diubah oleh orang lain; muat ulang halaman."
        )
        super().__init__(self.message)


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _check_actor(actor: User | None, area_code: str) -> None:
    """`actor` None is a system job (a command, the demo)."""
    if actor is None:
        return
    if not has_capability(actor, END_MEMBERSHIPS):
        raise PermissionDenied(_("Peran Anda tidak boleh menghentikan atau mengganti peserta."))
    if not scoping.can_see_area(actor, area_code):
        raise PermissionDenied(_("Peserta ini di luar wilayah kerja Anda."))


# -- ending ----------------------------------------------------------------------------------


def earliest_end(membership: Membership) -> date:
    """The first day a membership may end on: when it was determined, or when its coverage
    started (or, before BPJS registered it, was planned to start) if that came first."""
    created = timezone.localdate(membership.created_at)
    start = membership.coverage_start or membership.determination.coverage_start
    return min(created, start)


def _end_errors(
    membership: Membership, reason: str, effective_on: date | None, note: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if reason not in EndReason.values:
        errors["reason"] = [_("Pilih alasan berhenti dari daftar.")]
    if effective_on is None:
        errors["effective_on"] = [_("Isi tanggal berhenti.")]
    else:
        earliest = earliest_end(membership)
        today = timezone.localdate()
        if effective_on < earliest:
            errors["effective_on"] = [
                _(
                    "Tanggal berhenti %(day)s sebelum %(name)s menjadi peserta; isi tanggal "
                    "pada atau sesudah %(earliest)s."
                )
                % {"day": _day(effective_on), "name": membership.name, "earliest": _day(earliest)}
            ]
        elif reason == EndReason.DEATH and effective_on > today:
            errors["effective_on"] = [
                _("Tanggal meninggal tidak boleh sesudah hari ini; periksa tanggalnya.")
            ]
        elif effective_on > today + timedelta(days=366):
            errors["effective_on"] = [
                _("Tanggal berhenti lebih dari setahun ke depan; periksa tahunnya.")
            ]
    if reason in NOTE_REQUIRED and not note.strip():
        errors["note"] = [
            _("Tulis catatan: untuk alasan «%(reason)s» catatan wajib diisi.")
            % {"reason": EndReason(reason).label}
        ]
    return errors


@transaction.atomic
def membership_end(
    *,
    actor: User | None,
    membership: Membership,
    expected_version: int,
    reason: str,
    effective_on: date | None,
    evidence: str = "",
    note: str = "",
    event_date: date | None = None,
    claim_source: str = ClaimSource.MANUAL,
) -> Membership:
    """End an active membership from `effective_on`. `event_date` is when the death (or
    move) happened if that differs from the end date (a death reported after the member
    was determined); the JKM claim carries it, and `claim_source` says where the death
    became known (a Dukcapil extract: death_record). Raises PermissionDenied, ConflictError, or
    ValidationError keyed by field with what to fix."""
    _check_actor(actor, membership.village_id)
    current = Membership.objects.filter(pk=membership.pk)
    state = current.values_list("status", "version").first()
    if state is None or state[0] == MemberStatus.ENDED:
        raise ConflictError(
            _("%(name)s sudah berhenti menjadi peserta; muat ulang halaman.")
            % {"name": membership.name}
        )
    if state[1] != expected_version:
        raise ConflictError()
    errors = _end_errors(membership, reason, effective_on, note)
    if errors:
        raise ValidationError(errors)
    assert effective_on is not None
    now = timezone.now()
    evidence = evidence.strip()[:255]
    # The WHERE on version and status is the guard: another transaction may have ended or
    # changed the member since the read above; then nothing is updated.
    updated = current.filter(version=expected_version, status__in=ACTIVE_STATUSES).update(
        status=MemberStatus.ENDED,
        status_changed_at=now,
        version=F("version") + 1,
        ended_on=effective_on,
        end_reason=reason,
        end_evidence=evidence,
        end_note=note.strip(),
    )
    if updated == 0:
        raise ConflictError()
    detail: dict[str, Any] = {"reason": reason, "effective_on": effective_on.isoformat()}
    if evidence:
        detail["evidence"] = evidence
    MembershipEvent.objects.create(
        membership_id=membership.pk,
        at=now,
        actor=actor,
        action=MemberAction.ENDED,
        from_status=state[0],
        to_status=MemberStatus.ENDED,
        note=note.strip(),
        detail=detail,
    )
    membership.status = MemberStatus.ENDED
    membership.status_changed_at = now
    membership.version = expected_version + 1
    membership.ended_on = effective_on
    membership.end_reason = reason
    membership.end_evidence = evidence
    membership.end_note = note.strip()
    if reason == EndReason.DEATH:
        claim_open_jkm(
            actor=actor,
            membership=membership,
            event_date=event_date or effective_on,
            note=evidence,
            source=claim_source,
        )
    return membership


# -- replacing from the waiting list -----------------------------------------------------------


def _active_niks(programme_id: int) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(programme_id=programme_id, status__in=ACTIVE_STATUSES).values(
        "nik"
    )


def replacement_candidate(membership: Membership) -> WaitingEntry | None:
    """The next person waiting for `membership`'s place: lowest rank in its quota area of
    its determination, skipping anyone who has become an active member since."""
    area = quota_area_of(membership.programme, membership.village_id)
    return (
        WaitingEntry.objects.filter(
            determination_id=membership.determination_id,
            quota_area_id=area,
            status=WaitingStatus.WAITING,
        )
        .exclude(proposal__nik__in=_active_niks(membership.programme_id))
        .select_related("proposal", "village")
        .order_by("rank", "id")
        .first()
    )


@dataclass(frozen=True)
class _Pair:
    ended: Membership
    entry: WaitingEntry


def replacement_fill(
    *, actor: User | None, ended: Membership, entry: WaitingEntry | None = None
) -> Membership:
    """Give `ended`'s place to `entry` (default: `replacement_candidate`). Raises
    ValidationError when there is nothing to do and ConflictError when someone else
    already filled the place or took the person."""
    _check_actor(actor, ended.village_id)
    with transaction.atomic():
        # Serialises every fill of this determination (see the module docstring).
        Determination.objects.select_for_update().filter(pk=ended.determination_id).first()
        ended = Membership.objects.select_related("programme").get(pk=ended.pk)
        if ended.active:
            raise ValidationError(
                _("%(name)s masih peserta aktif; hentikan dulu kepesertaannya.")
                % {"name": ended.name}
            )
        replacement = Membership.objects.filter(replaces=ended).first()
        if replacement is not None:
            raise ConflictError(
                _("Tempat %(name)s sudah diisi oleh %(other)s.")
                % {"name": ended.name, "other": replacement.name}
            )
        entry = _chosen_entry(ended, entry)
        [member] = _fill(ended.programme, [_Pair(ended, entry)], actor)
    return member


def _chosen_entry(ended: Membership, entry: WaitingEntry | None) -> WaitingEntry:
    area = quota_area_of(ended.programme, ended.village_id)
    if entry is None:
        entry = replacement_candidate(ended)
        if entry is None:
            raise ValidationError(
                _(
                    "Tidak ada calon di daftar tunggu wilayah kuota %(area)s untuk "
                    "menggantikan %(name)s."
                )
                % {"area": _area_name(area), "name": ended.name}
            )
    entry = WaitingEntry.objects.select_related("proposal").get(pk=entry.pk)
    if entry.status != WaitingStatus.WAITING:
        raise ConflictError(
            _("%(name)s dari daftar tunggu sudah menggantikan peserta lain; muat ulang halaman.")
            % {"name": entry.proposal.name}
        )
    if entry.determination_id != ended.determination_id or entry.quota_area_id != area:
        raise ValidationError(
            _("%(name)s menunggu di wilayah kuota lain; pengganti harus dari wilayah %(area)s.")
            % {"name": entry.proposal.name, "area": _area_name(area)}
        )
    taken = Membership.objects.filter(
        programme_id=ended.programme_id, nik=entry.proposal.nik, status__in=ACTIVE_STATUSES
    )
    if taken.exists():
        raise ConflictError(_already_member(entry.proposal))
    return entry


def _area_name(code: str) -> str:
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return f"{name} ({code})" if name else code


def _already_member(proposal: Proposal) -> str:
    return _("%(name)s sudah menjadi peserta aktif program ini; pilih calon berikutnya.") % {
        "name": proposal.name
    }


def _next_ranks(programme: Programme, pairs: list[_Pair]) -> dict[tuple[int, str], int]:
    """The highest rank now held in each (determination, quota area) of `pairs`."""
    determinations = {p.ended.determination_id for p in pairs}
    top: dict[tuple[int, str], int] = defaultdict(int)
    per_village = (
        Membership.objects.filter(determination_id__in=determinations)
        .order_by()
        .values("determination_id", "village_id")
        .annotate(top=Max("rank"))
    )
    for row in per_village:
        key = (row["determination_id"], quota_area_of(programme, row["village_id"]))
        top[key] = max(top[key], row["top"])
    return top


def _fill(programme: Programme, pairs: list[_Pair], actor: User | None) -> list[Membership]:
    """New memberships for `pairs`, their entries marked taken, one REPLACED event each."""
    top = _next_ranks(programme, pairs)
    proposals = Proposal.objects.in_bulk([p.entry.proposal_id for p in pairs])
    now = timezone.now()
    members = []
    for pair in pairs:
        ended, p = pair.ended, proposals[pair.entry.proposal_id]
        key = (ended.determination_id, quota_area_of(programme, ended.village_id))
        top[key] += 1
        members.append(
            Membership.from_proposal(
                p,
                period_id=ended.period_id,
                determination_id=ended.determination_id,
                rank=top[key],
                status=MemberStatus.DETERMINED,
                status_changed_at=now,
                replaces_id=ended.pk,
                created_at=now,
            )
        )
    try:
        with transaction.atomic():
            Membership.objects.bulk_create(members, batch_size=BULK)
    except IntegrityError as error:
        # The partial unique index: the person became an active member a moment ago (or
        # the place was filled), in a request that committed first.
        if len(pairs) == 1:
            raise ConflictError(_already_member(proposals[pairs[0].entry.proposal_id])) from error
        raise ConflictError(
            _("Penggantian bertabrakan dengan perubahan lain yang baru saja disimpan; coba lagi.")
        ) from error
    ids = dict(
        Membership.objects.filter(proposal_id__in=list(proposals)).values_list("proposal_id", "id")
    )
    entries = []
    for pair, member in zip(pairs, members, strict=True):
        member.pk = ids[pair.entry.proposal_id]
        pair.entry.status = WaitingStatus.TAKEN
        pair.entry.membership = member
        entries.append(pair.entry)
    WaitingEntry.objects.bulk_update(entries, ["status", "membership"], batch_size=BULK)
    MembershipEvent.objects.bulk_create(
        (
            MembershipEvent(
                membership_id=member.pk,
                at=now,
                actor=actor,
                action=MemberAction.REPLACED,
                to_status=MemberStatus.DETERMINED,
                detail={
                    "replaces": pair.ended.pk,
                    "waiting_entry": pair.entry.pk,
                    "waiting_rank": pair.entry.rank,
                },
            )
            for pair, member in zip(pairs, members, strict=True)
        ),
        batch_size=BULK,
    )
    return members


def replacements_fill_all(*, actor: User | None, programme: Programme) -> dict[str, int]:
    """Fill every place of `programme` freed and not yet filled, each from its own quota
    area's waiting list in rank order; earlier ends are filled first."""
    _check_actor(actor, programme.owner_id)
    with transaction.atomic():
        determinations = Determination.objects.select_for_update().filter(programme=programme)
        locked = list(determinations.order_by("pk").values_list("pk", flat=True))
        ended = Membership.objects.filter(
            programme=programme,
            determination_id__in=locked,
            status=MemberStatus.ENDED,
            replaced_by__isnull=True,
        )
        if actor is not None:
            ended = scoping.visible(actor, ended)
        open_places = list(ended.order_by("ended_on", "id"))
        pairs = _match(programme, open_places)
        if pairs:
            _fill(programme, pairs, actor)
    return {
        "open": len(open_places),
        "replaced": len(pairs),
        "without_candidate": len(open_places) - len(pairs),
    }


def _match(programme: Programme, open_places: list[Membership]) -> list[_Pair]:
    waiting = (
        WaitingEntry.objects.filter(
            determination_id__in={m.determination_id for m in open_places},
            status=WaitingStatus.WAITING,
        )
        .exclude(proposal__nik__in=_active_niks(programme.pk))
        .select_related("proposal")
        .order_by("determination_id", "quota_area_id", "rank", "id")
    )
    queues: dict[tuple[int, str], deque[WaitingEntry]] = defaultdict(deque)
    for entry in waiting:
        queues[(entry.determination_id, entry.quota_area_id)].append(entry)
    pairs: list[_Pair] = []
    used: set[str] = set()  # one person waiting in two periods' lists gets one place
    for place in open_places:
        queue = queues[(place.determination_id, quota_area_of(programme, place.village_id))]
        while queue and queue[0].proposal.nik in used:
            queue.popleft()
        if queue:
            entry = queue.popleft()
            used.add(entry.proposal.nik)
            pairs.append(_Pair(place, entry))
    return pairs


# -- proposed exits from death and move extracts --------------------------------------------


def _programmes_touching(area_code: str) -> QuerySet[Programme]:
    """Programmes whose area contains the extract's area or lies inside it."""
    return Programme.objects.filter(
        Q(owner_id__in=[*codes.ancestor_codes(area_code), area_code])
        | scoping.area_q("owner", area_code)
    )


def exits_from_snapshot(*, actor: User | None, snapshot: Snapshot) -> dict[str, int]:
    """Propose an exit for every active member whose NIK is in a death or move extract.
    Matching the same extract again creates nothing new; a move to a village still inside
    the programme's area is not an exit (the destination is the code the Tujuan text starts
    with, else the extract's village code); a member already awaiting a decision on an
    exit from an earlier extract is not proposed twice. `candidates` counts this extract's
    proposed exits in all, `created` those new from this run."""
    reason = EXIT_KINDS.get(snapshot.kind)
    if reason is None:
        raise ValidationError(
            _("Data pembanding ini bukan data kematian atau pindah; pilih data dari Dukcapil.")
        )
    if snapshot.status != SnapshotStatus.READY:
        raise ValidationError(_("Data pembanding ini gagal diimpor; impor ulang berkasnya."))
    if actor is not None and not has_capability(actor, END_MEMBERSHIPS):
        raise PermissionDenied(_("Peran Anda tidak boleh menghentikan atau mengganti peserta."))
    members = Membership.objects.filter(
        status__in=ACTIVE_STATUSES, programme__in=_programmes_touching(snapshot.area_id)
    )
    if actor is not None:
        members = scoping.visible(actor, members)
    # The newest event of the NIK in the extract, if it lists one person twice.
    record = ReferenceRecord.objects.filter(snapshot=snapshot, nik=OuterRef("nik")).order_by(
        F("event_date").desc(nulls_last=True), "row_number"
    )
    pending = ExitCandidate.objects.filter(
        membership=OuterRef("pk"), status=CandidateStatus.PENDING
    ).exclude(snapshot=snapshot)
    found = list(
        members.annotate(
            record_id=Subquery(record.values("id")[:1]), pending_elsewhere=Exists(pending)
        )
        .filter(record_id__isnull=False)
        .values_list("id", "record_id", "programme__owner_id", "pending_elsewhere")
    )
    records = ReferenceRecord.objects.in_bulk([row[1] for row in found])
    counts = {"records": snapshot.accepted_count, "matched": len(found)}
    counts |= {"moved_within": 0, "pending_elsewhere": 0}
    candidates = []
    for membership_id, record_id, owner, pending_elsewhere in found:
        row = records[record_id]
        destination = _destination(row)
        if reason == EndReason.MOVED and destination and codes.contains(owner, destination):
            counts["moved_within"] += 1
        elif pending_elsewhere:
            counts["pending_elsewhere"] += 1
        else:
            candidates.append(
                ExitCandidate(
                    membership_id=membership_id,
                    reason=reason,
                    effective_on=row.event_date or snapshot.extracted_on,
                    snapshot=snapshot,
                    record=row,
                )
            )
    before = ExitCandidate.objects.filter(snapshot=snapshot).count()
    ExitCandidate.objects.bulk_create(candidates, batch_size=BULK, ignore_conflicts=True)
    counts["candidates"] = ExitCandidate.objects.filter(snapshot=snapshot).count()
    counts["created"] = counts["candidates"] - before
    counts["already"] = len(candidates) - counts["created"]
    return counts


def _destination(record: ReferenceRecord) -> str:
    """Where a person moved to: the area code the destination text (Tujuan) starts with,
    else the extract's village code."""
    match = _CODE_AT_START.match(record.detail)
    return match[1] if match else record.village_code


def _pending(candidate: ExitCandidate) -> ExitCandidate:
    locked = ExitCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != CandidateStatus.PENDING:
        raise ConflictError(
            _("Usulan berhenti ini sudah diputuskan oleh orang lain; muat ulang halaman.")
        )
    return locked


def exit_candidate_accept(
    *, actor: User | None, candidate: ExitCandidate, expected_version: int
) -> Membership:
    """End the member as the extract says; `expected_version` is the membership's."""
    membership = Membership.objects.get(pk=candidate.membership_id)
    _check_actor(actor, membership.village_id)
    with transaction.atomic():
        locked = _pending(candidate)
        snapshot = Snapshot.objects.get(pk=locked.snapshot_id)
        record = ReferenceRecord.objects.get(pk=locked.record_id)
        effective_on = max(locked.effective_on, earliest_end(membership))
        note = ""
        if effective_on != locked.effective_on:
            note = _(
                "Tanggal kejadian %(day)s sebelum %(name)s menjadi peserta; berhenti dicatat "
                "mulai %(start)s."
            ) % {
                "day": _day(locked.effective_on),
                "name": membership.name,
                "start": _day(effective_on),
            }
        ended = membership_end(
            actor=actor,
            membership=membership,
            expected_version=expected_version,
            reason=locked.reason,
            effective_on=effective_on,
            evidence=_evidence(snapshot, record),
            note=note,
            event_date=locked.effective_on,
            claim_source=ClaimSource.DEATH_RECORD,
        )
        _decide(locked, actor, CandidateStatus.ACCEPTED, note)
    return ended


def _evidence(snapshot: Snapshot, record: ReferenceRecord) -> str:
    return f"{snapshot.source} {snapshot.extracted_on:%d-%m-%Y}, baris {record.row_number}"


def exit_candidate_dismiss(
    *, actor: User | None, candidate: ExitCandidate, note: str
) -> ExitCandidate:
    """Keep the member: not the same person, or the extract is wrong. The note says why."""
    membership = Membership.objects.get(pk=candidate.membership_id)
    _check_actor(actor, membership.village_id)
    if not note.strip():
        raise ValidationError(
            {"note": [_("Tulis mengapa peserta ini tetap dipertahankan (catatan wajib).")]}
        )
    with transaction.atomic():
        locked = _pending(candidate)
        _decide(locked, actor, CandidateStatus.DISMISSED, note.strip())
    return locked


def _decide(candidate: ExitCandidate, actor: User | None, status: str, note: str) -> None:
    candidate.status = status
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.note = note
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])


# -- age-outs --------------------------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    """`day` shifted back `years` years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def month_bounds(month: date) -> tuple[date, date]:
    """The last day of `month` and the first day of the next one."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return last, last + timedelta(days=1)


def members_end_of_month(
    *, actor: User | None, month: date, programme: Programme | None = None
) -> dict[str, Any]:
    """End, with reason age limit, every active member whose (max_age + 1)-th birthday falls
    on or before the last day of `month`, effective the first day of the next month. One
    UPDATE per programme; running it again ends nobody new."""
    last, effective_on = month_bounds(month)
    programmes = Programme.objects.filter(max_age__isnull=False).order_by("pk")
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    if actor is not None:
        programmes = scoping.visible(actor, programmes)
        if not has_capability(actor, END_MEMBERSHIPS):
            raise PermissionDenied(_("Peran Anda tidak boleh menghentikan atau mengganti peserta."))
    ended: dict[int, int] = {}
    for each in programmes:
        assert each.max_age is not None
        ended[each.pk] = _age_out(actor, each, _years_before(last, each.max_age + 1), effective_on)
    return {
        "month": f"{month:%Y-%m}",
        "effective_on": effective_on.isoformat(),
        "programmes": len(ended),
        "ended": sum(ended.values()),
        "by_programme": ended,
    }


def _age_out(actor: User | None, programme: Programme, born_by: date, effective_on: date) -> int:
    # A membership ends here only if it began before the end date: it was determined
    # before, or its coverage started (or, before BPJS registered it, was planned to start)
    # before. Others would end before they began; a later month's run catches them (the
    # rule is "on or before", so nobody is missed).
    starts = timezone.make_aware(datetime.combine(effective_on, time.min))
    begun = (
        Q(created_at__lt=starts)
        | Q(coverage_start__lt=effective_on)
        | Q(coverage_start__isnull=True, determination__coverage_start__lt=effective_on)
    )
    due = Membership.objects.filter(
        begun,
        programme=programme,
        status__in=ACTIVE_STATUSES,
        birth_date__lte=born_by,
    )
    if actor is not None:
        due = scoping.visible(actor, due)
    note = _("Usia melewati batas %(age)s tahun program ini.") % {"age": programme.max_age}
    with transaction.atomic():
        rows = list(due.select_for_update().values_list("id", "status"))
        if not rows:
            return 0
        now = timezone.now()
        updated = due.update(
            status=MemberStatus.ENDED,
            status_changed_at=now,
            version=F("version") + 1,
            ended_on=effective_on,
            end_reason=EndReason.AGE_LIMIT,
            end_note=note,
        )
        if updated != len(rows):
            raise ConflictError(_("Data peserta berubah selama proses batas usia; jalankan lagi."))
        _events(
            rows,
            now,
            actor,
            note,
            {"reason": EndReason.AGE_LIMIT, "effective_on": effective_on.isoformat()},
        )
    return len(rows)


def _events(
    rows: Iterable[tuple[int, str]],
    now: datetime,
    actor: User | None,
    note: str,
    detail: dict[str, Any],
) -> None:
    MembershipEvent.objects.bulk_create(
        (
            MembershipEvent(
                membership_id=pk,
                at=now,
                actor=actor,
                action=MemberAction.ENDED,
                from_status=status,
                to_status=MemberStatus.ENDED,
                note=note,
                detail=detail,
            )
            for pk, status in rows
        ),
        batch_size=BULK,
    )

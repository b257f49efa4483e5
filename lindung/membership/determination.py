"""Determination (penetapan): rank a period's eligible proposals into places within the
quotas and the budget, show the effect, and commit it as memberships and a waiting list.

`determination_preview` computes everything and writes nothing; `determination_commit`
computes it again inside one transaction (the period row locked, so two managers pressing
the button at once cannot both commit) and writes the memberships, their first events and
the waiting list in bulk. The ranking itself is `engine.ranking.rank`, one DuckDB query.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import DETERMINE, has_capability
from lindung.core.bulk import db_datetime, insert_table
from lindung.engine.budget import format_rupiah
from lindung.engine.ranking import rank
from lindung.programs.models import BudgetLine, Programme, ProposalPeriod, QuotaKind
from lindung.programs.services import monthly_contribution
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.references.models import ReferenceKind, ReferenceRecord
from lindung.references.selectors import latest_snapshots
from lindung.regions.models import Region

from .models import (
    ACTIVE_STATUSES,
    Determination,
    MemberAction,
    Membership,
    MembershipEvent,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)

BULK = 5_000


@dataclass(frozen=True)
class AreaEffect:
    code: str
    name: str
    eligible: int
    determined: int
    waiting: int


@dataclass(frozen=True)
class Plan:
    """What a determination would do, before it is committed."""

    eligible: int
    determined: int
    waiting_list: int
    duplicates: int
    already_members: int
    active_before: int
    capacity: int | None
    monthly_rate: int
    months: int
    budget: int | None
    areas: list[AreaEffect] = field(default_factory=list)
    ranking: pa.Table | None = None
    candidates: pa.Table | None = None

    @property
    def monthly_cost(self) -> int:
        return (self.active_before + self.determined) * self.monthly_rate

    @property
    def total_cost(self) -> int:
        return self.monthly_cost * self.months

    @property
    def months_covered(self) -> int | None:
        """Whole months the budget pays for all members (old and new); None without a budget."""
        if self.budget is None or self.monthly_cost == 0:
            return None
        return self.budget // self.monthly_cost

    def counts(self) -> dict[str, int | None]:
        return {
            "eligible": self.eligible,
            "determined": self.determined,
            "waiting_list": self.waiting_list,
            "duplicates": self.duplicates,
            "already_members": self.already_members,
            "active_before": self.active_before,
            "capacity": self.capacity,
            "monthly_rate": self.monthly_rate,
            "monthly_cost": self.monthly_cost,
            "total_cost": self.total_cost,
            "months_covered": self.months_covered,
        }

    def summary(self) -> str:
        return _(
            "%(determined)s dari %(eligible)s usulan layak mendapat tempat, %(waiting)s masuk "
            "daftar tunggu; iuran %(monthly)s per bulan."
        ) % {
            "determined": f"{self.determined:,}".replace(",", "."),
            "eligible": f"{self.eligible:,}".replace(",", "."),
            "waiting": f"{self.waiting_list:,}".replace(",", "."),
            "monthly": format_rupiah(self.monthly_cost),
        }


def determination_preview(
    *,
    period: ProposalPeriod,
    months: int,
    coverage_start: date,
    budget_line: BudgetLine | None = None,
) -> Plan:
    """Rank `period`'s eligible proposals; nothing is written. Raises ValidationError with
    Indonesian sentences when the parameters cannot work."""
    programme = period.programme
    _check_parameters(programme, period, months, coverage_start, budget_line)
    try:
        rate = monthly_contribution(programme=programme, month=coverage_start).total
    except ValidationError as error:
        raise ValidationError(
            {
                "coverage_start": _("Tarif iuran bulan mulai belum ada: %(why)s")
                % {"why": " ".join(error.messages)}
            }
        ) from error
    active = Membership.objects.filter(programme=programme, status__in=ACTIVE_STATUSES)
    active_before = active.count()
    budget = budget_line.for_contributions if budget_line is not None else None
    capacity = None
    if budget is not None:
        capacity = max(0, budget // (rate * months) - active_before) if rate else None
    eligible = Proposal.objects.filter(period=period, status=ProposalStatus.ELIGIBLE)
    members = active.values("nik")
    already = eligible.filter(nik__in=members).count()
    candidates = _candidates(programme, period, eligible.exclude(nik__in=members))
    ranking = rank(
        candidates,
        priority=programme.priority,
        quota=programme.quota_size if programme.quota_kind != QuotaKind.NONE else None,
        capacity=capacity,
        taken=_taken(programme, active),
    )
    return _plan(
        ranking,
        candidates,
        already=already,
        active_before=active_before,
        capacity=capacity,
        rate=rate,
        months=months,
        budget=budget,
    )


def determination_commit(
    *,
    actor: User | None,
    period: ProposalPeriod,
    months: int,
    coverage_start: date,
    budget_line: BudgetLine | None = None,
) -> Determination:
    """Determine `period` once: memberships for the selected, a waiting list for the rest."""
    _check_actor(actor, period.programme)
    try:
        with transaction.atomic():
            ProposalPeriod.objects.select_for_update().get(pk=period.pk)
            if Determination.objects.filter(period=period).exists():
                raise ValidationError(_("Periode ini sudah ditetapkan."))
            plan = determination_preview(
                period=period, months=months, coverage_start=coverage_start, budget_line=budget_line
            )
            if plan.determined == 0:
                raise ValidationError(
                    _("Tidak ada usulan layak yang bisa ditetapkan di periode ini.")
                )
            determination = Determination.objects.create(
                programme=period.programme,
                period=period,
                budget_line=budget_line,
                months=months,
                coverage_start=coverage_start,
                monthly_rate=plan.monthly_rate,
                capacity=plan.capacity,
                counts=plan.counts(),
                created_by=actor,
            )
            assert plan.ranking is not None and plan.candidates is not None
            _write(determination, plan.ranking, plan.candidates, actor)
    except IntegrityError as error:
        # The partial unique index on active memberships, or the one determination per
        # period, refused a row another request wrote first.
        raise ValidationError(
            _("Penetapan bertabrakan dengan perubahan lain yang baru saja disimpan; coba lagi.")
        ) from error
    return determination


def _check_actor(actor: User | None, programme: Programme) -> None:
    if actor is None:
        return
    if not has_capability(actor, DETERMINE):
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan penetapan."))
    if not scoping.can_see_area(actor, programme.owner_id):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))


def _check_parameters(
    programme: Programme,
    period: ProposalPeriod,
    months: int,
    coverage_start: date,
    budget_line: BudgetLine | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not 1 <= months <= 12:
        errors["months"] = [_("Jumlah bulan harus antara 1 dan 12.")]
    if coverage_start.day != 1:
        errors["coverage_start"] = [_("Perlindungan dimulai pada tanggal 1 suatu bulan.")]
    if budget_line is not None and budget_line.programme_id != programme.pk:
        errors["budget_line"] = [_("Pos anggaran ini milik program lain.")]
    if budget_line is not None and budget_line.status in ("cancelled", "closed"):
        errors["budget_line"] = [_("Pos anggaran ini sudah ditutup atau dibatalkan.")]
    if errors:
        raise ValidationError(errors)


def quota_area_of(programme: Programme, village_code: str) -> str:
    if programme.quota_kind == QuotaKind.VILLAGE:
        return village_code
    if programme.quota_kind == QuotaKind.DISTRICT:
        return village_code[:8]
    return str(programme.owner_id)


def _candidates(programme: Programme, period: ProposalPeriod, eligible: Any) -> pa.Table:
    """The eligible proposals as the ranking's input, desil from the welfare extract the
    verification used (the newest on the day the period closed), in one query."""
    welfare = latest_snapshots(programme.owner_id, on=period.closes_on).get(ReferenceKind.WELFARE)
    if welfare is not None:
        desil = ReferenceRecord.objects.filter(snapshot=welfare, nik=OuterRef("nik"))
        eligible = eligible.annotate(desil=Subquery(desil.values("desil")[:1]))
    fields = ["id", "nik", "village_id", "birth_date", "created_at"]
    rows = list(eligible.order_by("id").values_list(*fields, *(["desil"] if welfare else [])))
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(fields) + bool(welfare))
    desils = columns[5] if welfare else [None] * len(rows)
    return pa.table(
        {
            "proposal_id": pa.array(columns[0], pa.int64()),
            "nik": pa.array(columns[1], pa.string()),
            "village": pa.array(columns[2], pa.string()),
            "quota_area": pa.array([quota_area_of(programme, v) for v in columns[2]], pa.string()),
            "desil": pa.array(desils, pa.int16()),
            "birth_date": pa.array(columns[3], pa.date32()),
            "created_at": pa.array(columns[4], pa.timestamp("us", tz="UTC")),
        }
    )


def _taken(programme: Programme, active: Any) -> pa.Table:
    per_village = active.order_by().values("village_id").annotate(n=Count("id"))
    taken: Counter[str] = Counter()
    for row in per_village:
        taken[quota_area_of(programme, row["village_id"])] += row["n"]
    return pa.table(
        {
            "quota_area": pa.array(list(taken), pa.string()),
            "taken": pa.array(list(taken.values()), pa.int64()),
        }
    )


def _plan(
    ranking: pa.Table,
    candidates: pa.Table,
    *,
    already: int,
    active_before: int,
    capacity: int | None,
    rate: int,
    months: int,
    budget: int | None,
) -> Plan:
    joined = ranking.join(candidates.select(["proposal_id", "village"]), "proposal_id")
    groups = joined.group_by(["village", "selected", "reason"]).aggregate(
        [("proposal_id", "count")]
    )
    eligible: Counter[str] = Counter()
    determined: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    duplicates = 0
    for group in groups.to_pylist():  # one row per village and outcome, not per proposal
        village, count = str(group["village"]), int(group["proposal_id_count"])
        eligible[village] += count
        if group["selected"]:
            determined[village] += count
        elif group["reason"] == "duplicate":
            duplicates += count
        else:
            waiting[village] += count
    names = dict(Region.objects.filter(code__in=list(eligible)).values_list("code", "name"))
    areas = [
        AreaEffect(code, names.get(code, code), eligible[code], determined[code], waiting[code])
        for code in sorted(eligible)
    ]
    return Plan(
        eligible=candidates.num_rows + already,
        determined=sum(determined.values()),
        waiting_list=sum(waiting.values()),
        duplicates=duplicates,
        already_members=already,
        active_before=active_before,
        capacity=capacity,
        monthly_rate=rate,
        months=months,
        budget=budget,
        areas=areas,
        ranking=ranking,
        candidates=candidates,
    )


def _write(
    determination: Determination, ranking: pa.Table, candidates: pa.Table, actor: User | None
) -> None:
    """Members through the ORM in bulk (their personal data comes from the proposals); their
    first events and the waiting list as Arrow tables straight into the database (COPY on
    PostgreSQL): no Python object per waiting proposal."""
    selected = ranking.filter(ranking["selected"])
    proposals = Proposal.objects.in_bulk(selected["proposal_id"].to_pylist())
    now = timezone.now()
    members = [
        Membership.from_proposal(
            p,
            period_id=determination.period_id,
            determination=determination,
            rank=area_rank or 0,
            status=MemberStatus.DETERMINED,
            status_changed_at=now,
            created_at=now,
        )
        for pid, area_rank in zip(
            selected["proposal_id"].to_pylist(), selected["area_rank"].to_pylist(), strict=True
        )
        for p in [proposals[pid]]
    ]
    Membership.objects.bulk_create(members, batch_size=BULK)
    created = list(
        Membership.objects.filter(determination=determination).values_list("id", flat=True)
    )
    stamp = db_datetime(now)
    insert_table(
        MembershipEvent,
        pa.table(
            {
                "membership_id": pa.array(created, pa.int64()),
                "at": pa.array([stamp] * len(created), pa.string()),
                "actor_id": pa.array([actor.pk if actor else None] * len(created), pa.int64()),
                "action": pa.array([MemberAction.DETERMINED.value] * len(created)),
                "from_status": pa.array([""] * len(created)),
                "to_status": pa.array([MemberStatus.DETERMINED.value] * len(created)),
                "note": pa.array([""] * len(created)),
                "detail": pa.array(
                    [json.dumps({"determination": determination.pk})] * len(created)
                ),
            }
        ),
    )
    waiting = ranking.filter(
        pc.and_(
            pc.invert(ranking["selected"]), pc.not_equal(ranking["reason"], pa.scalar("duplicate"))
        )
    ).join(candidates.select(["proposal_id", "village"]), "proposal_id")
    n = waiting.num_rows
    insert_table(
        WaitingEntry,
        pa.table(
            {
                "determination_id": pa.array([determination.pk] * n, pa.int64()),
                "proposal_id": waiting["proposal_id"],
                "village_id": waiting["village"],
                "quota_area_id": waiting["quota_area"],
                "rank": waiting["waiting_rank"],
                "reason": waiting["reason"],
                "status": pa.array([WaitingStatus.WAITING.value] * n),
                "membership_id": pa.nulls(n, pa.int64()),
            }
        ),
    )

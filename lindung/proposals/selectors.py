"""Reading proposals, batches and their rows. Every queryset a page gets starts from the
user's area scope (`scoping.visible`); `proposals_table` hands a queryset to the engine as
Arrow in one query."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.programs.models import Occupation, Programme, ProposalPeriod, QuotaKind
from lindung.proposals.intake import quota_key
from lindung.proposals.models import (
    RELEASED_STATUSES,
    Batch,
    Outcome,
    Proposal,
    ProposalEvent,
    ProposalRow,
    ProposalStatus,
)
from lindung.proposals.template_xlsx import TemplateInfo
from lindung.regions import codes
from lindung.regions.models import Region


def proposals_for(
    user: object,
    *,
    period_id: int | None = None,
    status: str = "",
    village_code: str = "",
) -> QuerySet[Proposal]:
    """The proposals of villages inside the user's area, newest first."""
    proposals = scoping.visible(user, Proposal.objects.select_related("village", "occupation"))
    if period_id is not None:
        proposals = proposals.filter(period_id=period_id)
    if status:
        proposals = proposals.filter(status=status)
    if village_code:
        proposals = proposals.filter(scoping.area_q("village", village_code))
    return proposals.order_by("-created_at", "-id")


def proposal_for(user: object, proposal_id: int) -> Proposal | None:
    """One proposal, or None when it does not exist *or* lies outside the user's area."""
    found = scoping.visible(
        user,
        Proposal.objects.select_related(
            "village__parent", "occupation", "period", "programme", "batch", "created_by"
        ),
    )
    return found.filter(pk=proposal_id).first()


def status_counts(proposals: QuerySet[Proposal]) -> dict[str, int]:
    """Proposals per status (every status present, zeros included), one query."""
    counts = dict.fromkeys(ProposalStatus.values, 0)
    for row in proposals.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def events_of(proposal: Proposal) -> QuerySet[ProposalEvent]:
    return proposal.events.select_related("actor").order_by("at", "id")


def batches_for(user: object) -> QuerySet[Batch]:
    found = scoping.visible(user, Batch.objects.select_related("area", "period", "created_by"))
    return found.order_by("-created_at", "-id")


def batch_for(user: object, batch_id: int) -> Batch | None:
    return batches_for(user).select_related("programme").filter(pk=batch_id).first()


def rows_of(batch: Batch, *, outcome: str = "") -> QuerySet[ProposalRow]:
    rows = batch.rows.order_by("row_number")
    return rows.filter(outcome=outcome) if outcome else rows


def rejected_rows(batch: Batch) -> QuerySet[ProposalRow]:
    return rows_of(batch, outcome=Outcome.REJECTED)


def periods_for(user: object) -> QuerySet[ProposalPeriod]:
    found = scoping.visible(user, ProposalPeriod.objects.select_related("programme"))
    return found.order_by("-opens_on", "pk")


def open_period(programme: Programme, on: date) -> ProposalPeriod | None:
    """The programme's period open on `on` (periods of a programme never overlap)."""
    periods = programme.proposal_periods.filter(opens_on__lte=on, closes_on__gte=on)
    return periods.order_by("opens_on").first()


def next_period(programme: Programme, on: date) -> ProposalPeriod | None:
    return programme.proposal_periods.filter(opens_on__gt=on).order_by("opens_on").first()


def proposing_area(user: User | None, programme: Programme) -> str | None:
    """Where `user` may propose to `programme`: the deeper of their scope and the programme's
    area (None = a system job, the whole programme area); None when the two do not meet."""
    owner = programme.owner_id
    scope = user.scope_id if user is not None else None
    if scope is None or codes.contains(scope, owner):
        return owner
    return scope if codes.contains(owner, scope) else None


def eligible_occupations(programme: Programme) -> QuerySet[Occupation]:
    """The programme's occupations, or every active one when it lists none."""
    listed = programme.occupations.filter(active=True)
    return listed if listed.exists() else Occupation.objects.filter(active=True)


def template_info(user: User | None, programme: Programme, today: date) -> TemplateInfo | None:
    """What the template for `user` shows: occupations, villages, places left, the period.
    None when the programme does not reach the user's area."""
    area = proposing_area(user, programme)
    if area is None:
        return None
    period = open_period(programme, today)
    villages = villages_in(area)
    left = places_left(programme, period, area) if period is not None else {}
    size = proposal_limit(programme, period)
    per_village: dict[str, int | None] = {}
    for code in villages:
        key = quota_key(programme.quota_kind, code)
        per_village[code] = None if size is None or key is None else left.get(key, size)
    return TemplateInfo(
        programme=programme,
        period=period,
        occupations=list(eligible_occupations(programme).values_list("name", flat=True)),
        villages=villages,
        places_left=per_village,
        multi_village=codes.level_of(area) < codes.VILLAGE,
    )


def quota_area(programme: Programme, area_code: str) -> str:
    """The area whose proposals count against the quota of a batch sent for `area_code`:
    itself, or its kecamatan when the quota is per kecamatan and it is a village."""
    if programme.quota_kind == QuotaKind.DISTRICT and codes.level_of(area_code) > codes.DISTRICT:
        return area_code[:8]
    return area_code


def proposal_limit(programme: Programme, period: ProposalPeriod | None) -> int | None:
    """How many proposals a quota key (village or kecamatan) may send in `period`; None when
    the programme has no quota. A period may allow more than the quota: the rest form the
    waiting list that determination draws on when a place is freed."""
    if programme.quota_kind == QuotaKind.NONE or programme.quota_size is None:
        return None
    if period is not None and period.proposal_limit:
        return period.proposal_limit
    return programme.quota_size


def places_left(programme: Programme, period: ProposalPeriod, area_code: str) -> dict[str, int]:
    """Places left per quota key (village code, or kecamatan code for a per-kecamatan
    quota) for the keys inside `area_code` that already have proposals; a key not listed
    has the whole quota left. Empty when the programme has no quota.

    A proposal takes a place unless it was withdrawn or found not eligible (`RELEASED`).
    The period's `proposal_limit`, when set, replaces the quota size here.
    """
    size = proposal_limit(programme, period)
    if size is None:
        return {}
    taking = (
        Proposal.objects.filter(period=period)
        .filter(scoping.area_q("village", quota_area(programme, area_code)))
        .exclude(status__in=RELEASED_STATUSES)
    )
    if programme.quota_kind == QuotaKind.DISTRICT:
        taking = taking.annotate(key=Substr("village_id", 1, 8))
    else:
        taking = taking.annotate(key=Substr("village_id", 1, 13))
    counts = taking.order_by().values("key").annotate(n=Count("id"))
    return {row["key"]: size - row["n"] for row in counts}


def existing_proposals(period: ProposalPeriod, area_code: str) -> dict[tuple[str, str], int]:
    """(village, NIK) -> proposal id for the period's proposals inside `area_code`."""
    found = Proposal.objects.filter(period=period).filter(scoping.area_q("village", area_code))
    return {(v, n): pk for v, n, pk in found.values_list("village_id", "nik", "id")}


def villages_in(area_code: str) -> dict[str, str]:
    """Village code -> name for every village inside `area_code` (or the village itself)."""
    villages = Region.objects.filter(level=codes.VILLAGE).filter(scoping.area_q("code", area_code))
    return dict(villages.order_by("code").values_list("code", "name"))


# -- Arrow for the engine -----------------------------------------------------------------

_TABLE_FIELDS_ARROW: list[pa.Field[Any]] = [
    pa.field("proposal_id", pa.int64()),
    pa.field("nik", pa.string()),
    pa.field("nama", pa.string()),
    pa.field("tanggal_lahir", pa.date32()),
    pa.field("jenis_kelamin", pa.string()),
    pa.field("kode_wilayah", pa.string()),
    pa.field("domisili", pa.string()),
    pa.field("pekerjaan_id", pa.int64()),
    pa.field("period_id", pa.int64()),
    pa.field("programme_id", pa.int64()),
    pa.field("created_at", pa.timestamp("us", tz="UTC")),
]
_TABLE_SCHEMA = pa.schema(_TABLE_FIELDS_ARROW)
_TABLE_FIELDS = (
    "id",
    "nik",
    "name",
    "birth_date",
    "sex",
    "village_id",
    "occupation_id",
    "period_id",
    "programme_id",
    "created_at",
)


def proposals_table(queryset: QuerySet[Proposal]) -> pa.Table:
    """The proposals of `queryset` as Arrow for `engine.verify`, in one query. `domisili` is
    the proposing village for now: proposals carry no separate address village yet."""
    rows: list[tuple[Any, ...]] = list(
        queryset.order_by("id").values_list(*_TABLE_FIELDS).iterator(chunk_size=10_000)
    )
    columns: list[Any] = [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 10
    ids, niks, names, born, sexes, villages, jobs, periods, programmes, created = columns
    return pa.table(
        [
            ids,
            niks,
            names,
            born,
            sexes,
            villages,
            villages,
            jobs,
            periods,
            programmes,
            created,
        ],
        schema=_TABLE_SCHEMA,
    )

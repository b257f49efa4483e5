"""Reading the dashboard and the aggregate reports: figures per area, never per person.

Every queryset goes through `scoping.visible` (the `Scope` a function is handed), so a
kecamatan user's dashboard counts the villages of that kecamatan only and a village's its
own; `dashboard_summary` alone reads a programme whole, for the demo's `--json` summary.

Set-based throughout. Members are not counted one by one at all: the database keeps their
counts per village, status, sex and occupation and per kecamatan and birth month, in the same
statement as each change (`lindung.reports.counts`), and `kept_tally` sums those few thousand
rows. A village's user gets its own members counted directly (`count_members`, the reference
the kept counts are tested against). The result (the `Tally`) is also kept in Django's cache
under a stamp that changes with any change to memberships: the highest membership id and the
highest membership event id (every determination, registration, correction and exit writes
an event in the same transaction), so a page usually reads only the stamp (index look-ups).

Targets: the programme's quota rule, the only per-area target the data holds: a village
quota gives quota x villages of the area, a district quota quota x kecamatan. The places
the latest determination's budget line pays for (members active before + capacity) are
shown beside it, and are the programme's whole target when it has no quota.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts import scoping
from lindung.accounts.permissions import VIEW_BILLS, has_capability
from lindung.claims.models import Claim, ClaimBenefit, ClaimComponent, ClaimStatus
from lindung.contributions import forecast, payments
from lindung.contributions.documents import Rupiah
from lindung.contributions.forecast import LinePosition
from lindung.engine.budget import format_rupiah
from lindung.membership.models import (
    ACTIVE_STATUSES,
    Decree,
    DecreeChange,
    DecreeEntry,
    Determination,
    Membership,
    MembershipEvent,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)
from lindung.programs.models import (
    BudgetStatus,
    Occupation,
    Programme,
    ProposalPeriod,
    QuotaKind,
)
from lindung.programs.services import rate_table
from lindung.proposals.models import Action, Proposal, ProposalEvent, ProposalStatus, Source
from lindung.regions import codes
from lindung.regions.models import Region
from lindung.reports.charts import percent_text
from lindung.reports.models import MemberBirthCount, MemberCount

M = TypeVar("M", bound=models.Model)

TALLY_SECONDS = 6 * 3600  # a safety net: the stamp already changes with the data
KECAMATAN_LENGTH = codes.LENGTHS[codes.DISTRICT]

# (key, label, the age from which the next band starts); the last band has no end.
AGE_BANDS: tuple[tuple[str, str, int | None], ...] = (
    ("u25", "< 25", 25),
    ("25_34", "25–34", 35),
    ("35_44", "35–44", 45),
    ("45_54", "45–54", 55),
    ("55", "55+", None),
)
SEXES = (("L", gettext_lazy("Laki-laki")), ("P", gettext_lazy("Perempuan")))
IN_PROCESS = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.VERIFIED,
    ProposalStatus.REVIEW,
    ProposalStatus.FORWARDED,
    ProposalStatus.RETURNED,
)


class Scope(Protocol):
    """What a user may see of a queryset: `scoping.visible` bound to the user, or nothing
    taken away (`everything`, for the unscoped summary)."""

    def __call__(self, queryset: models.QuerySet[M]) -> models.QuerySet[M]: ...


def scope_of(user: object) -> Scope:
    def see(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        return scoping.visible(user, queryset)

    return see


def everything(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    return queryset


def percent(part: int, whole: int | None) -> float | None:
    return None if not whole else 100 * part / whole


# -- programmes and the area in view ----------------------------------------------------------


def dashboard_programmes(user: object) -> list[Programme]:
    """The active programmes `user` may see, the first being the dashboard's default."""
    programmes = scoping.visible(user, Programme.objects.filter(active=True))
    return list(programmes.select_related("owner").order_by("owner_id", "name"))


def home_area(user: object, programme: Programme) -> str:
    """The widest area of `programme` that `user` sees whole: the programme's own area, or
    the user's scope when it lies inside it (a kecamatan, a village)."""
    try:
        scope = scoping.scope_code(user)
    except PermissionError:
        return programme.owner_id
    if scope is not None and codes.contains(programme.owner_id, scope):
        return scope
    return programme.owner_id


def focus_problem(user: object, programme: Programme, code: str) -> str:
    """Why `code` cannot be the area in view ('' when it can): it must be a kecamatan or a
    wider area of the programme, inside the user's own."""
    if not codes.is_code(code):
        return _("Kode wilayah %(code)s tidak dikenal; pilih kecamatan dari tabel.") % {
            "code": code
        }
    if codes.level_of(code) == codes.VILLAGE:
        return _("Rincian tersedia sampai tingkat kecamatan; pilih kecamatan dari tabel.")
    if not codes.contains(programme.owner_id, code) or not scoping.can_see_area(user, code):
        return _("Wilayah %(code)s di luar program ini atau di luar wilayah kerja Anda.") % {
            "code": code
        }
    if not Region.objects.filter(code=code).exists():
        return _("Kode wilayah %(code)s tidak ada di data wilayah.") % {"code": code}
    return ""


# -- the member tally (cached) ---------------------------------------------------------------


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def age_band(on: date) -> Case:
    """The member's age band on `on`, in SQL: age >= n exactly when born on or before the
    same day n years earlier."""
    whens = [
        When(birth_date__gt=years_before(on, upto), then=Value(key))
        for key, _label, upto in AGE_BANDS
        if upto is not None
    ]
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=models.CharField())


@dataclass(frozen=True)
class Profiled:
    """Active members of one kecamatan by sex, by age band and by occupation id."""

    sex: dict[str, int]
    age: dict[str, int]
    jobs: dict[int | None, int]


@dataclass(frozen=True)
class Tally:
    on: date
    computed_at: datetime
    # village code -> member status -> count (every status, ended included)
    by_village: dict[str, dict[str, int]]
    # kecamatan code -> its active members by sex, age band, occupation
    by_kecamatan: dict[str, Profiled]


K = TypeVar("K")


def _bump(counted: dict[K, int], key: K, n: int) -> None:
    counted[key] = counted.get(key, 0) + n


def count_members(members: models.QuerySet[Membership], on: date) -> Tally:
    """The two GROUP BY queries of the dashboard over `members` (already scoped)."""
    by_village: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        members.order_by()
        .values("village_id", "status")
        .annotate(n=Count("pk"))
        .values_list("village_id", "status", "n")
    )
    for village, status, n in rows:
        by_village[village][status] = n
    profile_rows = (
        members.filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .annotate(kecamatan=Substr("village_id", 1, KECAMATAN_LENGTH), band=age_band(on))
        .values("kecamatan", "sex", "band", "occupation_id")
        .annotate(n=Count("pk"))
        .values_list("kecamatan", "sex", "band", "occupation_id", "n")
    )
    by_kecamatan: dict[str, Profiled] = {}
    for kecamatan, sex, band, occupation, n in profile_rows:
        found = by_kecamatan.setdefault(kecamatan, Profiled({}, {}, {}))
        _bump(found.sex, sex, n)
        _bump(found.age, band, n)
        _bump(found.jobs, occupation, n)
    return Tally(on, timezone.now(), dict(by_village), by_kecamatan)


@dataclass(frozen=True)
class Stamp:
    """The highest ids of memberships and their events, of proposals and theirs. Every
    change to a membership or a proposal writes an event in the same transaction, so a
    stamp that did not move means counts taken under it still hold."""

    members: tuple[int, int]
    proposals: tuple[int, int]


def data_stamp() -> Stamp:
    """One query of four index look-ups (MAX of a primary key)."""
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})"  # noqa: S608 - names from the models
        for m in (Membership, MembershipEvent, Proposal, ProposalEvent)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    a, b, c, d = (int(v or 0) for v in row)
    return Stamp((a, b), (c, d))


T = TypeVar("T")


def _cached(kind: str, parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    raw = ":".join(str(p) for p in parts)
    key = f"lindung:reports:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    found = cache.get(key)
    if found is not None:
        return cast(T, found)
    value = compute()
    cache.set(key, value, TALLY_SECONDS)
    return value


def _scope_key(user: object) -> str | None:
    try:
        return scoping.scope_code(user) or "*"
    except PermissionError:
        return None


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def kept_tally(see: Scope, programme: Programme, on: date) -> Tally:
    """The same figures as `count_members`, from the counts the database keeps
    (`lindung.reports.counts`): a few thousand kept rows instead of every member.

    Ages are kept per birth month. Only the members born in the month of a band's edge (the
    day 25, 35, 45 or 55 years before `on`) need their day to fall in a band; those four
    months are counted from the members themselves, through the birth-date index.
    """
    kept = see(MemberCount.objects.filter(programme=programme)).order_by()
    by_village: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        kept.values("village_id", "status")
        .annotate(t=Sum("n"))
        .filter(t__gt=0)
        .values_list("village_id", "status", "t")
    )
    for village, status, n in rows:
        by_village[village][status] = n
    by_kecamatan: dict[str, Profiled] = {}

    def of(kecamatan: str) -> Profiled:
        return by_kecamatan.setdefault(kecamatan, Profiled({}, {}, {}))

    profile_rows = (
        kept.filter(status__in=ACTIVE_STATUSES)
        .annotate(kecamatan=Substr("village_id", 1, KECAMATAN_LENGTH))
        .values("kecamatan", "sex", "occupation")
        .annotate(t=Sum("n"))
        .filter(t__gt=0)
        .values_list("kecamatan", "sex", "occupation", "t")
    )
    for kecamatan, sex, occupation, n in profile_rows:
        _bump(of(kecamatan).sex, sex, n)
        _bump(of(kecamatan).jobs, occupation or None, n)
    bands = [(key, years_before(on, upto).replace(day=1)) for key, _l, upto in AGE_BANDS if upto]
    edges = [edge for _key, edge in bands]
    months = (
        see(MemberBirthCount.objects.filter(programme=programme, status__in=ACTIVE_STATUSES))
        .exclude(born__in=edges)
        .order_by()
        .annotate(
            band=Case(
                *[When(born__gt=edge, then=Value(key)) for key, edge in bands],
                default=Value(AGE_BANDS[-1][0]),
                output_field=models.CharField(),
            )
        )
        .values("district_id", "band")
        .annotate(t=Sum("n"))
        .filter(t__gt=0)
        .values_list("district_id", "band", "t")
    )
    in_edge_month = models.Q()
    for edge in edges:
        in_edge_month |= models.Q(birth_date__gte=edge, birth_date__lt=_month_after(edge))
    edge_rows = (
        see(Membership.objects.filter(programme=programme, status__in=ACTIVE_STATUSES))
        .filter(in_edge_month)
        .order_by()
        .annotate(kecamatan=Substr("village_id", 1, KECAMATAN_LENGTH), band=age_band(on))
        .values("kecamatan", "band")
        .annotate(n=Count("pk"))
        .values_list("kecamatan", "band", "n")
    )
    for kecamatan, band, n in [*months, *edge_rows]:
        _bump(of(kecamatan).age, band, n)
    return Tally(on, timezone.now(), dict(by_village), by_kecamatan)


def member_tally(user: object, programme: Programme, on: date, stamp: Stamp | None = None) -> Tally:
    """The user's tally of `programme` on `on`, from the cache while the data is unchanged.

    From the kept counts, except for a village's user: its own few thousand members are
    counted directly (the birth months are kept per kecamatan)."""
    scope = _scope_key(user)
    if scope is None:
        return Tally(on, timezone.now(), {}, {})
    current = stamp or data_stamp()
    parts = (programme.pk, programme.created_at.timestamp(), scope, on, current.members)
    if scope != "*" and codes.level_of(scope) == codes.VILLAGE:
        return _cached(
            "tally",
            parts,
            lambda: count_members(
                scoping.visible(user, Membership.objects.filter(programme=programme)), on
            ),
        )
    return _cached("tally", parts, lambda: kept_tally(scope_of(user), programme, on))


def cached_pipeline(user: object, programme: Programme, stamp: Stamp) -> Pipeline:
    """`pipeline` for `user`, kept while no proposal and no membership changed."""
    scope = _scope_key(user)
    parts = (programme.pk, programme.created_at.timestamp(), scope, stamp.members, stamp.proposals)
    return _cached("pipeline", parts, lambda: pipeline(scope_of(user), programme))


# -- coverage by area ----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    villages: int
    target: int | None
    active: int
    registered: int
    ended: int

    @property
    def determined(self) -> int:
        """Active but not yet registered at BPJS."""
        return self.active - self.registered

    @property
    def coverage(self) -> float | None:
        return percent(self.active, self.target)

    @property
    def registered_share(self) -> float | None:
        return percent(self.registered, self.active)

    @property
    def coverage_text(self) -> str:
        return percent_text(self.coverage)

    @property
    def registered_share_text(self) -> str:
        return percent_text(self.registered_share)


@dataclass(frozen=True)
class Coverage:
    focus: str
    focus_name: str
    child_level: int
    areas: list[AreaRow]
    total: AreaRow
    budget_places: int | None  # what the latest determination's budget line pays for

    @property
    def level_label(self) -> str:
        return str(Region.Level(self.child_level).label)

    @property
    def drillable(self) -> bool:
        return self.child_level < codes.VILLAGE

    @property
    def villages_with_members(self) -> int:
        return sum(1 for a in self.areas if a.active) if not self.drillable else 0


def _target(programme: Programme, villages: int, districts: int, level: int) -> int | None:
    size = programme.quota_size or 0
    if programme.quota_kind == QuotaKind.VILLAGE:
        return size * villages
    if programme.quota_kind == QuotaKind.DISTRICT and level <= codes.DISTRICT:
        return size * districts
    return None


def budget_places(see: Scope, programme: Programme) -> int | None:
    """Members the latest determination's budget line pays for (None: no budget limit)."""
    latest = see(Determination.objects.filter(programme=programme)).order_by("-created_at").first()
    if latest is None or latest.capacity is None:
        return None
    return int(latest.counts.get("active_before") or 0) + latest.capacity


def coverage(
    see: Scope, programme: Programme, tally: Tally, focus: str, *, level: int | None = None
) -> Coverage:
    """Active members against the target for each area one level below `focus` (or at
    `level`, e.g. every village of a regency; `focus` itself when it is a village), the
    areas without any member included."""
    depth = codes.level_of(focus)
    child_level = max(depth, min(level or depth + 1, codes.VILLAGE))
    width = codes.LENGTHS[child_level]
    inside = Region.objects.filter(code__startswith=f"{focus}.")
    if depth == codes.VILLAGE:
        names = dict(see(Region.objects.filter(code=focus)).values_list("code", "name"))
        units: dict[tuple[str, int], int] = {(focus, codes.VILLAGE): 1}
    else:
        names = dict(see(inside.filter(level=child_level)).values_list("code", "name"))
        unit_rows = (
            see(inside.filter(level__in=[codes.DISTRICT, codes.VILLAGE]))
            .annotate(child=Substr("code", 1, width))
            .values("child", "level")
            .annotate(n=Count("code"))
            .values_list("child", "level", "n")
        )
        units = {(child, lvl): n for child, lvl, n in unit_rows}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, statuses in tally.by_village.items():
        if codes.contains(focus, village):
            for status, n in statuses.items():
                counts[village[:width]][status] += n
    areas = []
    for code in sorted(names):
        villages = units.get((code, codes.VILLAGE), 0)
        districts = units.get((code, codes.DISTRICT), 0)
        c = counts.get(code, {})
        areas.append(
            AreaRow(
                code=code,
                name=names[code],
                villages=villages,
                target=_target(programme, villages, districts, child_level),
                active=sum(c.get(s, 0) for s in ACTIVE_STATUSES),
                registered=c.get(MemberStatus.REGISTERED, 0),
                ended=c.get(MemberStatus.ENDED, 0),
            )
        )
    places = budget_places(see, programme)
    targets = [a.target for a in areas]
    if targets and all(t is not None for t in targets):
        total_target: int | None = sum(t or 0 for t in targets)
    elif programme.quota_kind == QuotaKind.NONE and focus == programme.owner_id:
        total_target = places
    else:
        total_target = None
    focus_name = Region.objects.filter(code=focus).values_list("name", flat=True).first() or focus
    total = AreaRow(
        code=focus,
        name=focus_name,
        villages=sum(a.villages for a in areas),
        target=total_target,
        active=sum(a.active for a in areas),
        registered=sum(a.registered for a in areas),
        ended=sum(a.ended for a in areas),
    )
    return Coverage(focus, focus_name, child_level, areas, total, places)


# -- who the members are -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    n: int
    total: int

    @property
    def share(self) -> float | None:
        return percent(self.n, self.total)

    @property
    def share_text(self) -> str:
        return percent_text(self.share)


@dataclass(frozen=True)
class Profile:
    total: int
    sex: list[Slice]
    age: list[Slice]
    occupation: list[Slice]
    # active members per occupation id and each occupation's sector, for pricing them
    by_occupation: dict[int | None, int] = field(default_factory=dict)
    sectors: dict[int, str] = field(default_factory=dict)


def profile(tally: Tally, focus: str) -> Profile:
    """Sex, age band and occupation of the active members of `focus` (summed from the
    tally's kecamatan rows; a village's tally holds that village's members only)."""
    sex: dict[str, int] = defaultdict(int)
    age: dict[str, int] = defaultdict(int)
    jobs: dict[int | None, int] = defaultdict(int)
    for kecamatan, counts in tally.by_kecamatan.items():
        if codes.contains(focus, kecamatan) or codes.contains(kecamatan, focus):
            for key, n in counts.sex.items():
                sex[key] += n
            for key, n in counts.age.items():
                age[key] += n
            for occupation, n in counts.jobs.items():
                jobs[occupation] += n
    total = sum(sex.values())
    known = {
        pk: (name, sector)
        for pk, name, sector in Occupation.objects.filter(
            pk__in=[o for o in jobs if o is not None]
        ).values_list("pk", "name", "sector")
    }
    nameless = _("Tanpa pekerjaan tercatat")
    occupations = sorted(
        jobs.items(), key=lambda item: (-item[1], known.get(item[0] or 0, ("",))[0])
    )
    return Profile(
        total=total,
        sex=[Slice(k, str(label), sex.get(k, 0), total) for k, label in SEXES],
        age=[Slice(k, label, age.get(k, 0), total) for k, label, _upto in AGE_BANDS],
        occupation=[
            Slice(str(o or ""), known[o][0] if o in known else nameless, n, total)
            for o, n in occupations
        ],
        by_occupation=dict(jobs),
        sectors={pk: sector for pk, (_name, sector) in known.items()},
    )


# -- proposals in the pipeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Pipeline:
    in_process: dict[str, int]  # proposals not yet decided, every period
    awaiting: int  # eligible in periods not yet determined
    not_eligible: int  # found not eligible in periods not yet determined
    waiting: int  # eligible without a place: the waiting list
    open_periods: int

    def rows(self) -> list[tuple[str, int]]:
        labels = dict(ProposalStatus.choices)
        return [
            *((str(labels[s]), self.in_process.get(s, 0)) for s in IN_PROCESS),
            (_("Layak, menunggu penetapan"), self.awaiting),
            (_("Daftar tunggu (layak, belum mendapat tempat)"), self.waiting),
            (_("Tidak layak (periode yang belum ditetapkan)"), self.not_eligible),
        ]

    @property
    def total(self) -> int:
        return sum(self.in_process.values()) + self.awaiting + self.waiting


def pipeline(see: Scope, programme: Programme) -> Pipeline:
    """Proposals on their way to a place: those still being checked in any period, those
    of periods not yet determined, and the waiting list. Each count reads the proposal
    index on (period, status), never every proposal of a determined period."""
    periods = see(ProposalPeriod.objects.filter(programme=programme)).annotate(
        done=Exists(Determination.objects.filter(period=OuterRef("pk")))
    )
    done = dict(periods.values_list("pk", "done"))
    open_ids = [pk for pk, flag in done.items() if not flag]
    closed_ids = [pk for pk, flag in done.items() if flag]
    counts: dict[str, int] = defaultdict(int)
    proposals = see(Proposal.objects.filter(programme=programme))
    for status, n in (
        proposals.filter(period_id__in=open_ids)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ):
        counts[f"open:{status}"] += n
    for status, n in (
        proposals.filter(period_id__in=closed_ids, status__in=IN_PROCESS)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ):
        counts[status] += n
    in_process = {s: counts.get(s, 0) + counts.get(f"open:{s}", 0) for s in IN_PROCESS}
    waiting = see(
        WaitingEntry.objects.filter(
            determination__programme=programme, status=WaitingStatus.WAITING
        )
    ).count()
    return Pipeline(
        in_process={s: n for s, n in in_process.items() if n},
        awaiting=counts.get(f"open:{ProposalStatus.ELIGIBLE}", 0),
        not_eligible=counts.get(f"open:{ProposalStatus.NOT_ELIGIBLE}", 0),
        waiting=waiting,
        open_periods=len(open_ids),
    )


# -- claims ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFigures:
    cells: dict[tuple[str, str], int]  # (benefit, status) -> cases
    paid_amount: int  # what BPJS paid on the paid cases (components' paid_amount)

    @property
    def count(self) -> int:
        return sum(self.cells.values())

    def of_status(self, status: str) -> int:
        return sum(n for (_b, s), n in self.cells.items() if s == status)

    @property
    def paid_count(self) -> int:
        return self.of_status(ClaimStatus.PAID)

    def rows(self) -> list[tuple[str, list[int], int]]:
        """(benefit label, cases per status, the benefit's total)."""
        return [
            (
                str(label),
                [self.cells.get((benefit, s), 0) for s in ClaimStatus.values],
                sum(self.cells.get((benefit, s), 0) for s in ClaimStatus.values),
            )
            for benefit, label in ClaimBenefit.choices
        ]


def claim_figures(see: Scope, programme: Programme) -> ClaimFigures:
    """Cases by benefit and status, and the amount paid on paid cases (two queries)."""
    cells = {
        (b, s): n
        for b, s, n in see(Claim.objects.filter(membership__programme_id=programme.pk))
        .order_by()
        .values("benefit", "status")
        .annotate(n=Count("pk"))
        .values_list("benefit", "status", "n")
    }
    paid = see(
        ClaimComponent.objects.filter(
            claim__membership__programme_id=programme.pk, claim__status=ClaimStatus.PAID
        )
    ).aggregate(total=Sum("paid_amount"))["total"]
    return ClaimFigures(cells, int(paid or 0))


# -- money -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlook:
    """How long the paying budget line lasts, as `forecast.programme_forecast` counts it."""

    month: date  # the first month not yet billed
    budget_line: str
    remaining: int
    monthly_cost: int | None
    problem: str = ""

    @property
    def months_left(self) -> int | None:
        if not self.monthly_cost:
            return None
        return max(self.remaining, 0) // self.monthly_cost


@dataclass(frozen=True)
class Money:
    year: int
    positions: list[LinePosition]
    billed: int  # approved bills, every month
    paid: int  # what valid SP2D paid towards them
    outlook: Outlook
    claims_paid: int
    whole: bool  # the user sees the whole programme, so claims and payments compare

    @property
    def year_positions(self) -> list[LinePosition]:
        return [
            p
            for p in self.positions
            if p.line.fiscal_year == self.year and p.line.status != BudgetStatus.CANCELLED
        ]

    @property
    def pagu(self) -> int:
        return sum(p.pagu for p in self.year_positions)

    @property
    def year_paid(self) -> int:
        return sum(p.paid for p in self.year_positions)

    @property
    def absorption(self) -> float | None:
        """Paid from the year's lines against their pagu."""
        return percent(self.year_paid, self.pagu)

    @property
    def benefit_ratio(self) -> float | None:
        """Claims paid per rupiah of contributions paid, as a percentage."""
        return percent(self.claims_paid, self.paid) if self.whole else None

    @property
    def absorption_text(self) -> str:
        return percent_text(self.absorption)

    @property
    def benefit_ratio_text(self) -> str:
        return percent_text(self.benefit_ratio)


def _outlook(
    programme: Programme,
    positions: list[LinePosition],
    jobs: dict[int | None, int],
    sectors: dict[int, str],
) -> Outlook:
    """`programme_forecast`'s months left, priced from the tally's counts per occupation
    instead of counting the members again (the same sums: members per sector x rate)."""
    month = forecast.first_unbilled_month(programme)
    line = forecast.budget_line_for(programme, month)
    remaining = 0
    if line is not None:
        billed = next((p.billed for p in positions if p.line.pk == line.pk), 0)
        remaining = line.for_contributions - billed
    try:
        table = rate_table(programme, month)
    except ValidationError as error:
        return Outlook(month, str(line or ""), remaining, None, " ".join(error.messages))
    source = programme.funding_source
    cost = sum(n * table[(sectors.get(o) if o else None, source)].total for o, n in jobs.items())
    return Outlook(month, str(line or ""), remaining, cost)


def money(
    programme: Programme,
    members: Profile | None,
    *,
    claims_paid: int,
    on: date,
) -> Money:
    """The budget position (pagu, billed, paid by line), months left, and claims paid against
    contributions paid. `members` is the whole programme's profile when the user sees the
    whole programme (so `whole`); otherwise the forecast counts the members itself."""
    positions = forecast.budget_position(programme)
    arrears = payments.arrears_by_month(programme)
    whole = members is not None
    if members is not None:
        outlook = _outlook(programme, positions, members.by_occupation, members.sectors)
    else:
        full = forecast.programme_forecast(programme)
        outlook = Outlook(
            full.month,
            str(full.budget_line or ""),
            full.remaining,
            full.monthly_cost,
            full.rate_problem,
        )
    years = sorted({p.line.fiscal_year for p in positions}, reverse=True)
    year = on.year if on.year in years or not years else years[0]
    return Money(
        year=year,
        positions=positions,
        billed=sum(a.billed for a in arrears),
        paid=sum(a.paid for a in arrears),
        outlook=outlook,
        claims_paid=claims_paid,
        whole=whole,
    )


# -- the dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    programme: Programme
    on: date
    computed_at: datetime
    coverage: Coverage
    profile: Profile
    pipeline: Pipeline
    claims: ClaimFigures
    money: Money | None


def dashboard(
    user: object, programme: Programme, *, focus: str | None = None, on: date | None = None
) -> Dashboard:
    """Every figure of the dashboard page for `user` (money only with VIEW_BILLS)."""
    day = on or timezone.localdate()
    see = scope_of(user)
    area = focus or home_area(user, programme)
    stamp = data_stamp()
    tally = member_tally(user, programme, day, stamp)
    shown = profile(tally, area)
    claims = claim_figures(see, programme)
    figures = None
    if has_capability(user, VIEW_BILLS):
        figures = money(
            programme,
            _whole_profile(user, programme, tally, area, shown),
            claims_paid=claims.paid_amount,
            on=day,
        )
    return Dashboard(
        programme=programme,
        on=day,
        computed_at=tally.computed_at,
        coverage=coverage(see, programme, tally, area),
        profile=shown,
        pipeline=cached_pipeline(user, programme, stamp),
        claims=claims,
        money=figures,
    )


def _whole_profile(
    user: object, programme: Programme, tally: Tally, area: str, shown: Profile
) -> Profile | None:
    """The whole programme's profile when `user` sees all of it (None otherwise)."""
    if not scoping.can_see_area(user, programme.owner_id):
        return None
    return shown if area == programme.owner_id else profile(tally, programme.owner_id)


def dashboard_summary(programme: Programme) -> dict[str, Any]:
    """The programme's headline figures, unscoped and uncached, for `lindung demo --json`."""
    day = timezone.localdate()
    tally = kept_tally(everything, programme, day)
    whole = coverage(everything, programme, tally, programme.owner_id)
    claims = claim_figures(everything, programme)
    members = profile(tally, programme.owner_id)
    figures = money(programme, members, claims_paid=claims.paid_amount, on=day)
    ratio = figures.benefit_ratio
    return {
        "programme": programme.pk,
        "name": programme.name,
        "active": whole.total.active,
        "registered": whole.total.registered,
        "target": whole.total.target,
        "budget_places": whole.budget_places,
        "by_kecamatan": {a.code: a.active for a in whole.areas if a.active},
        "billed": figures.billed,
        "paid": figures.paid,
        "months_left": figures.outlook.months_left,
        "claims": claims.count,
        "claims_paid": claims.paid_count,
        "claims_paid_amount": claims.paid_amount,
        "benefit_ratio": None if ratio is None else round(ratio / 100, 4),
    }


# -- the Paritrana profile ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of the profile: what is measured, its value, and where it comes from."""

    label: str
    value: Any  # int, Rupiah (money), str (a percentage or a text), or None (not known)
    note: str = ""


@dataclass(frozen=True)
class Paritrana:
    programme: Programme
    on: date
    regulation: list[Figure]
    decrees: list[Decree]
    coverage: list[Figure]
    innovation: list[Figure]


def _days_to_decree(see: Scope, programme: Programme) -> tuple[int, float | None, int | None]:
    """(members decreed, mean and median days from their proposal to the decree that named
    them), from counts per (decree date, proposal date)."""
    rows = (
        see(DecreeEntry.objects.filter(decree__programme=programme, change=DecreeChange.ADDED))
        .order_by()
        .values("decree__signed_on", day=TruncDate("membership__proposal__created_at"))
        .annotate(n=Count("pk"))
        .values_list("decree__signed_on", "day", "n")
    )
    spans = sorted(((signed - day).days, n) for signed, day, n in rows)
    total = sum(n for _d, n in spans)
    if not total:
        return 0, None, None
    mean = sum(d * n for d, n in spans) / total
    seen, median = 0, spans[-1][0]
    for days, n in spans:
        seen += n
        if seen * 2 >= total:
            median = days
            break
    return total, mean, median


def _auto_verified(see: Scope, programme: Programme) -> tuple[int, int]:
    """(proposals the system checked, those it passed with no finding needing a person)."""
    # One pass over the events, grouped per proposal (two DISTINCT counts read them twice).
    per_proposal = (
        see(ProposalEvent.objects.filter(proposal__programme=programme, action=Action.VERIFIED))
        .order_by()
        .values("proposal_id")
        .annotate(to_person=Max(Case(When(to_status=ProposalStatus.REVIEW, then=1), default=0)))
    )
    counts = per_proposal.aggregate(
        checked=Count("proposal_id"), to_a_person=Count("proposal_id", filter=Q(to_person=1))
    )
    return counts["checked"], counts["checked"] - counts["to_a_person"]


def _online_share(see: Scope, programme: Programme) -> tuple[int, int]:
    """(proposals, those villages sent themselves through a form or an uploaded file)."""
    rows = dict(
        see(Proposal.objects.filter(programme=programme))
        .order_by()
        .values("batch__source")
        .annotate(n=Count("pk"))
        .values_list("batch__source", "n")
    )
    return sum(rows.values()), rows.get(Source.FORM, 0) + rows.get(Source.UPLOAD, 0)


@dataclass(frozen=True)
class Innovation:
    """The counts behind the profile's innovation figures (each reads every proposal,
    event or decree entry of the programme, so they are kept like the tally)."""

    checked: int
    passed: int
    decreed: int
    mean_days: float | None
    median_days: int | None
    proposals: int
    online: int


def innovation_counts(user: object, programme: Programme, stamp: Stamp) -> Innovation:
    def count() -> Innovation:
        see = scope_of(user)
        checked, passed = _auto_verified(see, programme)
        decreed, mean_days, median_days = _days_to_decree(see, programme)
        proposals, online = _online_share(see, programme)
        return Innovation(checked, passed, decreed, mean_days, median_days, proposals, online)

    scope = _scope_key(user)
    parts = (programme.pk, programme.created_at.timestamp(), scope, stamp.members, stamp.proposals)
    return _cached("innovation", parts, count)


def paritrana(
    user: object, programme: Programme, *, informal: int | None = None, on: date | None = None
) -> Paritrana:
    """The figures a Paritrana Award submission asks for, as far as Lindung's data gives
    them: regulation (legal basis, decrees, budget), coverage (members against target and,
    when typed in, against the informal workforce), innovation (automatic checks, speed,
    online proposals, BPJS registration, claims paid, budget absorption)."""
    day = on or timezone.localdate()
    see = scope_of(user)
    stamp = data_stamp()
    tally = member_tally(user, programme, day, stamp)
    area = home_area(user, programme)
    cover = coverage(see, programme, tally, area)
    people = profile(tally, area)
    claims = claim_figures(see, programme)
    figures = None
    if has_capability(user, VIEW_BILLS):
        figures = money(
            programme,
            _whole_profile(user, programme, tally, area, people),
            claims_paid=claims.paid_amount,
            on=day,
        )
    decrees = list(
        see(Decree.objects.filter(programme=programme)).order_by("signed_on", "sequence")
    )

    regulation = [
        Figure(_("Dasar hukum program"), programme.legal_basis, programme.legal_title),
        Figure(_("Manfaat yang dibiayai"), " + ".join(programme.benefits)),
        Figure(_("Sumber dana iuran"), str(programme.get_funding_source_display())),
        Figure(
            _("Keputusan penetapan peserta (SK)"),
            len(decrees),
            ", ".join(f"{d.number} ({d.signed_on:%d-%m-%Y})" for d in decrees[-3:]),
        ),
    ]
    if figures is not None:
        lines = figures.year_positions
        regulation.append(
            Figure(
                _("Pagu anggaran tahun %(year)s") % {"year": figures.year},
                Rupiah(figures.pagu),
                ", ".join(f"{p.line} {p.line.dpa_number}".strip() for p in lines),
            )
        )

    total = cover.total
    women = next(s for s in people.sex if s.key == "P")
    coverage_rows = [
        Figure(_("Peserta aktif"), total.active),
        Figure(
            _("Target peserta"),
            total.target,
            _("kuota program x jumlah wilayah")
            if programme.quota_kind != QuotaKind.NONE
            else _("tempat yang dibiayai penetapan terakhir"),
        ),
        Figure(_("Cakupan terhadap target"), _pct(total.coverage)),
        Figure(_("Tempat yang dibiayai anggaran (penetapan terakhir)"), cover.budget_places),
        Figure(
            _("Pekerja informal di wilayah"),
            informal,
            _("diisi petugas dari Sakernas/BPS")
            if informal
            else _("tidak tercatat di Lindung; isi dari Sakernas/BPS untuk menghitung cakupan"),
        ),
        Figure(
            _("Cakupan terhadap pekerja informal"),
            _pct(percent(total.active, informal)) if informal else None,
        ),
        Figure(
            _("%(level)s yang sudah mempunyai peserta") % {"level": cover.level_label},
            f"{sum(1 for a in cover.areas if a.active)} / {len(cover.areas)}",
        ),
        Figure(
            _("Peserta perempuan"),
            _pct(women.share),
            _("%(n)s orang") % {"n": women.n},
        ),
        Figure(_("Peserta yang berhenti"), total.ended),
    ]

    speed = innovation_counts(user, programme, stamp)
    checked, passed = speed.checked, speed.passed
    decreed, mean_days, median_days = speed.decreed, speed.mean_days, speed.median_days
    proposals, online = speed.proposals, speed.online
    innovation = [
        Figure(
            _("Usulan yang lolos pemeriksaan otomatis tanpa perlu diperiksa petugas"),
            _pct(percent(passed, checked)),
            _("%(passed)s dari %(checked)s usulan yang diperiksa sistem")
            % {"passed": passed, "checked": checked},
        ),
        Figure(
            _("Usulan yang dikirim desa sendiri lewat formulir atau unggah berkas"),
            _pct(percent(online, proposals)),
            _("%(online)s dari %(all)s usulan") % {"online": online, "all": proposals},
        ),
        Figure(
            _("Hari dari usulan sampai SK (median)"),
            median_days,
            _("rata-rata %(mean)s hari, %(n)s peserta dalam SK")
            % {
                "mean": f"{mean_days:.1f}".replace(".", ",") if mean_days is not None else "—",
                "n": decreed,
            },
        ),
        Figure(
            _("Peserta aktif yang sudah terdaftar di BPJS (mempunyai KPJ)"),
            _pct(total.registered_share),
            _("%(n)s orang") % {"n": total.registered},
        ),
        Figure(_("Klaim yang dibayar BPJS"), claims.paid_count, _("kasus JKK dan JKM")),
    ]
    if figures is not None:
        innovation += [
            Figure(_("Manfaat klaim yang dibayar"), Rupiah(claims.paid_amount)),
            Figure(
                _("Rasio manfaat (klaim dibayar / iuran dibayar)"),
                _pct(figures.benefit_ratio),
                _("iuran dibayar %(paid)s") % {"paid": format_rupiah(figures.paid)},
            ),
            Figure(
                _("Penyerapan anggaran tahun %(year)s") % {"year": figures.year},
                _pct(figures.absorption),
                _("dibayar %(paid)s dari pagu %(pagu)s")
                % {"paid": format_rupiah(figures.year_paid), "pagu": format_rupiah(figures.pagu)},
            ),
        ]
    return Paritrana(programme, day, regulation, decrees, coverage_rows, innovation)


def _pct(value: float | None) -> str | None:
    return None if value is None else percent_text(value)

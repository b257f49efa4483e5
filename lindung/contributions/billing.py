"""Monthly bills: drafting and approving them (services), and reading them (selectors).

A draft is made in one set-based step: the programme's members are read into Arrow in one
query (COPY on PostgreSQL), `engine.billing` prices the month and corrects the months
already approved, and the lines go back with COPY. Nothing loops over members in Python.

Drafting and approving lock the programme row first: a bill's corrections are computed
from the bills approved so far, so two of these steps for one programme must not overlap.
An approved bill is never written again; the database refuses it anyway (migration 0002).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import MANAGE_BILLS, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.bulk import insert_table, select_table
from lindung.engine import billing as engine
from lindung.membership.models import Membership
from lindung.programs.models import BudgetLine, Occupation, Programme
from lindung.programs.services import rate_table
from lindung.regions.models import Region

from . import forecast
from .models import Bill, BillLine, BillStatus, LineKind
from .months import add_months, first_of, month_label

BENEFITS = ("jkk", "jkm", "jht")

_MEMBER_FIELDS: list[pa.Field[Any]] = [
    pa.field("membership_id", pa.int64()),
    pa.field("village", pa.string()),
    pa.field("coverage_start", pa.date32()),
    pa.field("ended_on", pa.date32()),
    pa.field("sector", pa.string()),
]
_BILLED_FIELDS: list[pa.Field[Any]] = [
    pa.field("membership_id", pa.int64()),
    pa.field("village", pa.string()),
    pa.field("month", pa.date32()),
    *(pa.field(b, pa.int64()) for b in ("jkk", "jkm", "jht")),
]
_MEMBER_SCHEMA = pa.schema(_MEMBER_FIELDS)
_BILLED_SCHEMA = pa.schema(_BILLED_FIELDS)


def _members(programme: Programme, last_month: date) -> pa.Table:
    """Every membership of `programme` ever registered from `last_month` or earlier, with
    what billing needs to know about it; the funding source is the programme's."""
    first_after = add_months(last_month, 1)
    # Only table names, integers and ISO dates are formatted in.
    sql = (
        "SELECT m.id, m.village_id, m.coverage_start, m.ended_on, o.sector "  # noqa: S608
        f"FROM {Membership._meta.db_table} m "
        f"LEFT JOIN {Occupation._meta.db_table} o ON o.id = m.occupation_id "
        f"WHERE m.programme_id = {int(programme.pk)} AND m.coverage_start IS NOT NULL "
        f"AND m.coverage_start < '{first_after.isoformat()}'"
    )
    table = select_table(sql, _MEMBER_SCHEMA)
    return table.append_column(
        "funding_source", pa.array([programme.funding_source] * table.num_rows, pa.string())
    )


def _billed(programme: Programme, months: list[date]) -> pa.Table:
    """Per membership and month, what the approved bills charged for `months` so far."""
    if not months:
        return _BILLED_SCHEMA.empty_table()
    listed = ", ".join(f"'{m.isoformat()}'" for m in months)
    sql = (
        "SELECT l.membership_id, max(l.village_id), l.month, "  # noqa: S608
        "sum(l.jkk), sum(l.jkm), sum(l.jht) "
        f"FROM {BillLine._meta.db_table} l JOIN {Bill._meta.db_table} b ON b.id = l.bill_id "
        f"WHERE b.programme_id = {int(programme.pk)} AND b.status = 'approved' "
        f"AND l.month IN ({listed}) GROUP BY l.membership_id, l.month"
    )
    return select_table(sql, _BILLED_SCHEMA)


def _rates(programme: Programme, months: list[date]) -> pa.Table:
    """The programme's rate per (sector, funding source) for each of `months`, as Arrow."""
    rows: dict[str, list[Any]] = {c: [] for c in engine.MONTH_RATE_COLUMNS}
    for month in months:
        for (sector, source), contribution in rate_table(programme, month).items():
            rows["month"].append(month)
            rows["sector"].append(sector)
            rows["funding_source"].append(source)
            for benefit in BENEFITS:
                rows[benefit].append(int(contribution.amounts.get(benefit.upper(), 0)))
    return pa.table(
        {
            "month": pa.array(rows["month"], pa.date32()),
            "sector": pa.array(rows["sector"], pa.string()),
            "funding_source": pa.array(rows["funding_source"], pa.string()),
            **{b: pa.array(rows[b], pa.int64()) for b in BENEFITS},
        }
    )


# -- services --------------------------------------------------------------------------------


def _check_actor(actor: User | None, programme: Programme) -> None:
    """`actor` None is a system job (the `bill` command)."""
    if actor is None:
        return
    if not has_capability(actor, MANAGE_BILLS):
        raise PermissionDenied(_("Peran Anda tidak boleh membuat atau menyetujui tagihan iuran."))
    if not scoping.can_see_area(actor, programme.owner_id):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))


def _lock(programme: Programme) -> None:
    Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk").first()


def _check_month(month: date) -> None:
    latest = add_months(first_of(timezone.localdate()), 1)
    if month > latest:
        raise ValidationError(
            _("Tagihan bulan %(month)s belum bisa dibuat: paling jauh bulan depan (%(latest)s).")
            % {"month": month_label(month), "latest": month_label(latest)},
            code="future",
        )


def _check_budget_line(programme: Programme, line: BudgetLine | None) -> None:
    if line is not None and line.programme_id != programme.pk:
        raise ValidationError(
            _("Pos anggaran %(line)s bukan milik program ini; pilih pos anggaran program.")
            % {"line": line},
            code="budget_line",
        )


def _lines(programme: Programme, month: date) -> tuple[pa.Table, pa.Table]:
    """The month's regular lines and the corrections of earlier approved months."""
    approved = sorted(
        Bill.objects.filter(
            programme=programme, status=BillStatus.APPROVED, month__lt=month
        ).values_list("month", flat=True)
    )
    members = _members(programme, month)
    try:
        regular = engine.months_lines(members, _rates(programme, [month]))
        expected = engine.months_lines(members, _rates(programme, approved))
        adjustments = engine.adjustment_lines(expected, _billed(programme, approved))
    except engine.BillingError as error:
        raise ValidationError(str(error), code="rates") from None
    return regular, adjustments


def _line_rows(bill: Bill, lines: pa.Table, kind: str) -> pa.Table:
    """Engine lines as BillLine columns."""
    n = lines.num_rows
    return pa.table(
        {
            "bill_id": pa.array([bill.pk] * n, pa.int64()),
            "membership_id": lines["membership_id"],
            "village_id": lines["village"],
            "kind": pa.array([kind] * n, pa.string()),
            "month": lines["month"].cast(pa.date32()),
            **{b: lines[b] for b in (*BENEFITS, "total")},
        }
    )


def _sum(table: pa.Table, column: str) -> int:
    value = pc.sum(table[column]).as_py() if table.num_rows else 0
    return int(value or 0)


@transaction.atomic
def bill_draft(
    *, actor: User | None, programme: Programme, month: date, budget_line: BudgetLine | None = None
) -> Bill:
    """Make the draft bill of `programme` for `month` (any day of it), or make it again:
    the draft's lines are replaced, never added to. Refuses an approved month, a month
    further ahead than the next one, a month with nobody to bill, and missing rates."""
    _check_actor(actor, programme)
    month = first_of(month)
    _check_month(month)
    _check_budget_line(programme, budget_line)
    _lock(programme)
    bill = Bill.objects.select_for_update().filter(programme=programme, month=month).first()
    if bill is not None and bill.approved:
        raise ValidationError(
            _(
                "Tagihan %(month)s sudah disetujui dan tidak bisa dibuat ulang; koreksi masuk "
                "ke tagihan bulan berikutnya."
            )
            % {"month": month_label(month)},
            code="approved",
        )
    regular, adjustments = _lines(programme, month)
    if regular.num_rows == 0 and adjustments.num_rows == 0:
        raise ValidationError(
            _(
                "Tidak ada peserta yang ditagih untuk %(month)s: belum ada peserta yang "
                "terdaftar di BPJS dengan perlindungan aktif pada bulan itu."
            )
            % {"month": month_label(month)},
            code="empty",
        )
    if bill is None:
        bill = Bill(programme=programme, month=month)
    else:
        # Fast: one DELETE (BillLine has no signals and nothing cascades from it).
        BillLine.objects.filter(bill=bill).delete()
        bill.version += 1
    bill.budget_line = budget_line or bill.budget_line or forecast.budget_line_for(programme, month)
    totals = {b: _sum(regular, b) + _sum(adjustments, b) for b in BENEFITS}
    bill.members = regular.num_rows
    bill.adjustment_lines = adjustments.num_rows
    bill.adjustment_total = _sum(adjustments, "total")
    bill.jkk, bill.jkm, bill.jht = totals["jkk"], totals["jkm"], totals["jht"]
    bill.total = sum(totals.values())
    # A draft made again is a new draft: who made it and when (approval checks the time).
    bill.created_by, bill.created_at = actor, timezone.now()
    bill.save()
    rows = pa.concat_tables(
        [
            _line_rows(bill, regular, LineKind.REGULAR),
            _line_rows(bill, adjustments, LineKind.ADJUSTMENT),
        ]
    )
    # In membership order the indexes and foreign-key checks walk the tables in order: a
    # third faster for a million lines on PostgreSQL than in village order.
    insert_table(BillLine, rows.sort_by([("membership_id", "ascending"), ("month", "ascending")]))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.BILL_DRAFT,
        object_type="bill",
        object_id=str(bill.pk),
        detail={
            "programme": programme.pk,
            "month": month.isoformat(),
            "members": bill.members,
            "adjustment_lines": bill.adjustment_lines,
            "total": bill.total,
            "version": bill.version,
        },
    )
    return bill


@transaction.atomic
def bill_approve(*, actor: User | None, bill: Bill, version: int) -> Bill:
    """Approve a draft bill as it was shown (`version`); from then on it never changes."""
    programme = bill.programme
    _check_actor(actor, programme)
    _lock(programme)
    current = Bill.objects.select_for_update().get(pk=bill.pk)
    if current.approved:
        raise ValidationError(
            _("Tagihan %(month)s sudah disetujui sebelumnya.")
            % {"month": month_label(current.month)},
            code="approved",
        )
    if current.version != version:
        raise ValidationError(
            _(
                "Draf tagihan ini baru saja dibuat ulang; muat ulang halaman, periksa lagi "
                "jumlahnya, lalu setujui."
            ),
            code="version",
        )
    # Corrections were computed from the bills approved when the draft was made; a bill
    # of an earlier month approved since then would be corrected twice or not at all.
    later = (
        Bill.objects.filter(
            programme=programme,
            status=BillStatus.APPROVED,
            month__lt=current.month,
            approved_at__gt=current.created_at,
        )
        .order_by("month")
        .first()
    )
    if later is not None:
        raise ValidationError(
            _(
                "Tagihan %(other)s disetujui setelah draf ini dibuat, jadi koreksinya belum "
                "dihitung; buat ulang draf %(month)s dulu, lalu setujui."
            )
            % {"other": month_label(later.month), "month": month_label(current.month)},
            code="stale",
        )
    current.status = BillStatus.APPROVED
    current.approved_by = actor
    current.approved_at = timezone.now()
    current.version += 1
    current.save(update_fields=["status", "approved_by", "approved_at", "version"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.BILL_APPROVE,
        object_type="bill",
        object_id=str(current.pk),
        detail={
            "programme": programme.pk,
            "month": current.month.isoformat(),
            "members": current.members,
            "total": current.total,
        },
    )
    forecast.budget_warnings_raise(programme, add_months(current.month, 1))
    return current


# -- selectors -------------------------------------------------------------------------------


def bills_for(user: object, programme: Programme) -> QuerySet[Bill]:
    """`programme`'s bills that `user` may see, the latest month first."""
    return scoping.visible(user, Bill.objects.filter(programme=programme)).order_by("-month")


def bill_for(user: object, pk: int) -> Bill | None:
    """One bill, or None when it does not exist or lies outside the user's area."""
    bills = scoping.visible(user, Bill.objects.select_related("programme", "budget_line"))
    return bills.filter(pk=pk).first()


@dataclass(frozen=True)
class AreaTotal:
    code: str
    name: str
    members: int
    adjustment_lines: int
    jkk: int
    jkm: int
    jht: int
    total: int


def _area_totals(user: object, bill: Bill, area: Any) -> list[AreaTotal]:
    """One GROUP BY over the bill's lines by `area` (an expression giving a region code)."""
    rows = list(
        scoping.visible(user, BillLine.objects.filter(bill=bill))
        .annotate(area=area)
        .values("area")
        .annotate(
            members=Count("id", filter=Q(kind=LineKind.REGULAR)),
            adjustments=Count("id", filter=Q(kind=LineKind.ADJUSTMENT)),
            jkk_sum=Sum("jkk"),
            jkm_sum=Sum("jkm"),
            jht_sum=Sum("jht"),
            total_sum=Sum("total"),
        )
        .order_by("area")
    )
    names = dict(
        Region.objects.filter(code__in=[r["area"] for r in rows]).values_list("code", "name")
    )
    return [
        AreaTotal(
            code=r["area"],
            name=names.get(r["area"], r["area"]),
            members=r["members"],
            adjustment_lines=r["adjustments"],
            jkk=int(r["jkk_sum"] or 0),
            jkm=int(r["jkm_sum"] or 0),
            jht=int(r["jht_sum"] or 0),
            total=int(r["total_sum"] or 0),
        )
        for r in rows
    ]


def totals_by_kecamatan(user: object, bill: Bill) -> list[AreaTotal]:
    """The bill per kecamatan (the first 8 characters of the village code, `17.05.01`)."""
    return _area_totals(user, bill, Substr("village_id", 1, 8))


def totals_by_village(user: object, bill: Bill) -> list[AreaTotal]:
    return _area_totals(user, bill, Substr("village_id", 1, 13))


def bill_lines_for(
    user: object, bill: Bill, *, village: str = "", kind: str = "", q: str = ""
) -> QuerySet[BillLine]:
    """The bill's lines that `user` may see, filtered by village (or kecamatan) code, kind,
    and name or KPJ (`q`)."""
    lines = scoping.visible(user, BillLine.objects.filter(bill=bill))
    if village:
        lines = lines.filter(scoping.area_q("village", village))
    if kind:
        lines = lines.filter(kind=kind)
    if q.strip():
        text = q.strip()
        lines = lines.filter(
            Q(membership__name__icontains=text) | Q(membership__kpj__startswith=text)
        )
    return lines.select_related("membership", "village").order_by(
        "village_id", "membership__name", "membership_id", "month"
    )

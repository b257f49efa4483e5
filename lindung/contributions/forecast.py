"""Budget position and forecast: how far each budget line's money goes.

- `budget_position`: per budget line, the ceiling (pagu), its part for contributions, what
  approved bills charged to it (adjustments included), what non-voided payments paid from
  it, and what is left; three GROUP BY queries whatever the number of lines.
- `programme_forecast`: from the first month not yet billed, what the active members cost
  a month, how many months the paying line's remaining money covers, the month it runs out,
  how many members it carries to the fiscal year's end, how many of the waiting list it
  could still take, and what next year needs for a target number of members.
- `budget_warnings_raise`: called after each bill approval; a line that covers fewer than
  `WARN_BELOW_MONTHS` more months gets one `BudgetWarning` per month, for the manager to
  acknowledge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import MANAGE_BILLS, MANAGE_BUDGET, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.engine.budget import format_rupiah
from lindung.membership.models import ACTIVE_STATUSES, Membership, WaitingEntry, WaitingStatus
from lindung.programs.models import BudgetLine, BudgetStatus, Programme
from lindung.programs.services import monthly_contribution, rate_table

from .models import Bill, BillStatus, BudgetWarning, Payment
from .months import add_months, first_of, month_label, months_between

WARN_BELOW_MONTHS = 2
AUDIT_WARNING = AuditEvent.Action.BUDGET_WARNING
AUDIT_ACKNOWLEDGE = AuditEvent.Action.BUDGET_WARNING_ACK


def budget_line_for(programme: Programme, month: date) -> BudgetLine | None:
    """The approved budget line that pays `programme`'s contributions for `month`: the
    fiscal year of the month, the programme's funding source, and (when the line has
    dates) a period that contains the month; the oldest such line first."""
    return (
        BudgetLine.objects.filter(
            programme=programme,
            fiscal_year=month.year,
            funding_source=programme.funding_source,
            status=BudgetStatus.APPROVED,
        )
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=month))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month))
        .order_by("pk")
        .first()
    )


# -- position --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinePosition:
    line: BudgetLine
    billed: int
    paid: int

    @property
    def pagu(self) -> int:
        return self.line.pagu

    @property
    def other_costs(self) -> int:
        return self.line.other_costs

    @property
    def for_contributions(self) -> int:
        return self.line.for_contributions

    @property
    def remaining(self) -> int:
        """Not yet billed: what later months can still be charged."""
        return self.for_contributions - self.billed

    @property
    def unpaid(self) -> int:
        """Billed but not yet paid."""
        return self.billed - self.paid

    def as_dict(self) -> dict[str, Any]:
        return {
            "budget_line": self.line.pk,
            "name": str(self.line),
            "fiscal_year": self.line.fiscal_year,
            "status": self.line.status,
            "pagu": self.pagu,
            "other_costs": self.other_costs,
            "for_contributions": self.for_contributions,
            "billed": self.billed,
            "paid": self.paid,
            "remaining": self.remaining,
            "unpaid": self.unpaid,
        }


def _billed_by_line(programme: Programme) -> dict[int, int]:
    rows = (
        Bill.objects.filter(
            programme=programme, status=BillStatus.APPROVED, budget_line__isnull=False
        )
        .values("budget_line")
        .annotate(total=Sum("total"))
        .order_by()
        .values_list("budget_line", "total")
    )
    return {line: int(total) for line, total in rows}


def _paid_by_line(programme: Programme) -> dict[int, int]:
    rows = (
        Payment.objects.filter(programme=programme, voided_at__isnull=True)
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("budget_line", "total")
    )
    return {line: int(total) for line, total in rows}


def budget_position(programme: Programme) -> list[LinePosition]:
    """Every budget line of `programme`, newest fiscal year first (three queries)."""
    lines = BudgetLine.objects.filter(programme=programme).order_by(
        "-fiscal_year", "funding_source", "pk"
    )
    billed = _billed_by_line(programme)
    paid = _paid_by_line(programme)
    return [LinePosition(line, billed.get(line.pk, 0), paid.get(line.pk, 0)) for line in lines]


def _remaining_on(line: BudgetLine) -> int:
    billed = Bill.objects.filter(budget_line=line, status=BillStatus.APPROVED).aggregate(
        total=Sum("total")
    )["total"]
    return line.for_contributions - int(billed or 0)


# -- forecast --------------------------------------------------------------------------------


def first_unbilled_month(programme: Programme) -> date:
    """The month after the latest approved bill, or this month when none was approved."""
    latest = Bill.objects.filter(programme=programme, status=BillStatus.APPROVED).aggregate(
        month=Max("month")
    )["month"]
    return add_months(latest, 1) if latest else first_of(timezone.localdate())


def monthly_cost(programme: Programme, month: date) -> tuple[int, int, int]:
    """(active members, what they cost in `month`, one member's standard rate): members
    counted per occupation sector in one query and priced from `rate_table`. Raises
    ValidationError when the programme has no rate for the month."""
    counts = (
        Membership.objects.filter(programme=programme, status__in=ACTIVE_STATUSES)
        .values("occupation__sector")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("occupation__sector", "n")
    )
    table = rate_table(programme, month)
    source = programme.funding_source
    active = cost = 0
    for sector, n in counts:
        active += n
        cost += n * table[(sector, source)].total
    return active, cost, table[(None, source)].total


@dataclass(frozen=True)
class NextYear:
    year: int
    target: int
    rate: int | None
    need: int | None
    available: int
    lines: int

    @property
    def gap(self) -> int | None:
        """Money still to find (positive) or to spare (negative)."""
        return None if self.need is None else self.need - self.available

    @property
    def shortfall(self) -> int:
        return max(self.gap or 0, 0)

    @property
    def surplus(self) -> int:
        return max(-(self.gap or 0), 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "target": self.target,
            "rate": self.rate,
            "need": self.need,
            "available": self.available,
            "budget_lines": self.lines,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class Forecast:
    month: date  # the first month not yet billed
    active: int
    monthly_cost: int | None  # None: no rate for the month (see rate_problem)
    rate: int | None  # one member's standard monthly rate
    budget_line: BudgetLine | None
    remaining: int
    year_end: date  # the last month the paying line may pay for
    waiting: int
    next_year: NextYear
    rate_problem: str = ""

    @property
    def months_left(self) -> int | None:
        """Whole months the remaining money pays at this month's cost."""
        if not self.monthly_cost:
            return None
        return max(self.remaining, 0) // self.monthly_cost

    @property
    def covered_until(self) -> date | None:
        """The last month paid for (None: not even this one)."""
        if self.months_left is None or self.months_left == 0:
            return None
        return min(add_months(self.month, self.months_left - 1), self.year_end)

    @property
    def runs_out(self) -> date | None:
        """The first month the money no longer pays, if it comes before the year ends."""
        if self.months_left is None:
            return None
        month = add_months(self.month, self.months_left)
        return month if month <= self.year_end else None

    @property
    def months_to_year_end(self) -> int:
        return months_between(self.month, self.year_end)

    @property
    def carry_to_year_end(self) -> int | None:
        """How many members the remaining money pays every month to the year's end."""
        if not self.rate or not self.months_to_year_end:
            return None
        return max(self.remaining, 0) // (self.months_to_year_end * self.rate)

    @property
    def waiting_fundable(self) -> int | None:
        """How many of the waiting list the money could still take on to the year's end."""
        if self.carry_to_year_end is None:
            return None
        return min(self.waiting, max(0, self.carry_to_year_end - self.active))

    @property
    def warn(self) -> bool:
        return self.months_left is not None and self.months_left < WARN_BELOW_MONTHS

    def as_dict(self) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "month": day(self.month),
            "active": self.active,
            "monthly_cost": self.monthly_cost,
            "rate": self.rate,
            "budget_line": self.budget_line.pk if self.budget_line else None,
            "remaining": self.remaining,
            "months_left": self.months_left,
            "covered_until": day(self.covered_until),
            "runs_out": day(self.runs_out),
            "year_end": day(self.year_end),
            "months_to_year_end": self.months_to_year_end,
            "carry_to_year_end": self.carry_to_year_end,
            "waiting": self.waiting,
            "waiting_fundable": self.waiting_fundable,
            "warn": self.warn,
            "rate_problem": self.rate_problem,
            "next_year": self.next_year.as_dict(),
        }


def _year_end(line: BudgetLine | None, month: date) -> date:
    if line is not None and line.ends_on is not None:
        return first_of(line.ends_on)
    return date(line.fiscal_year if line else month.year, 12, 1)


def _next_year(programme: Programme, year: int, target: int) -> NextYear:
    try:
        rate: int | None = monthly_contribution(programme=programme, month=date(year, 1, 1)).total
    except ValidationError:
        rate = None
    budget = (
        BudgetLine.objects.filter(programme=programme, fiscal_year=year)
        .exclude(status=BudgetStatus.CANCELLED)
        .aggregate(pagu=Sum("pagu"), other=Sum("other_costs"), lines=Count("pk"))
    )
    available = int(budget["pagu"] or 0) - int(budget["other"] or 0)
    need = None if rate is None else target * 12 * rate
    return NextYear(year, target, rate, need, available, int(budget["lines"]))


def programme_forecast(programme: Programme, *, target: int | None = None) -> Forecast:
    """The forecast from the first month not yet billed; `target` is next year's number of
    members (default: the active members plus the waiting list)."""
    month = first_unbilled_month(programme)
    waiting = WaitingEntry.objects.filter(
        determination__programme=programme, status=WaitingStatus.WAITING
    ).count()
    problem = ""
    try:
        active, cost, rate = monthly_cost(programme, month)
    except ValidationError as error:
        problem = " ".join(error.messages)
        active = Membership.objects.filter(programme=programme, status__in=ACTIVE_STATUSES).count()
        cost_or_none: int | None = None
        rate_or_none: int | None = None
    else:
        cost_or_none, rate_or_none = cost, rate
    line = budget_line_for(programme, month)
    remaining = _remaining_on(line) if line is not None else 0
    goal = target if target is not None else active + waiting
    return Forecast(
        month=month,
        active=active,
        monthly_cost=cost_or_none,
        rate=rate_or_none,
        budget_line=line,
        remaining=remaining,
        year_end=_year_end(line, month),
        waiting=waiting,
        next_year=_next_year(programme, month.year + 1, goal),
        rate_problem=problem,
    )


# -- warnings --------------------------------------------------------------------------------


def budget_warnings_raise(
    programme: Programme, month: date, *, actor: User | None = None
) -> list[BudgetWarning]:
    """Warn about the budget line that pays `programme`'s `month` (the first month not yet
    billed) when it covers fewer than two more months at the active members' cost: one
    warning per line and month, however often this runs. Returns the month's warnings."""
    line = budget_line_for(programme, month)
    if line is None:
        return []
    try:
        _active, cost, _rate = monthly_cost(programme, month)
    except ValidationError:
        return []  # no rate: the bill itself cannot be made, which says so louder
    if cost <= 0:
        return []
    remaining = _remaining_on(line)
    months_left = max(remaining, 0) // cost
    if months_left >= WARN_BELOW_MONTHS:
        return []
    warning, created = BudgetWarning.objects.get_or_create(
        budget_line=line,
        month=month,
        defaults={
            "programme": programme,
            "months_left": months_left,
            "remaining": remaining,
            "monthly_cost": cost,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action=AUDIT_WARNING,
            object_type="budget_warning",
            object_id=str(warning.pk),
            detail={
                "programme": programme.pk,
                "budget_line": line.pk,
                "month": month.isoformat(),
                "months_left": months_left,
                "remaining": remaining,
                "monthly_cost": cost,
            },
        )
    return [warning]


def may_acknowledge(user: object) -> bool:
    return has_capability(user, MANAGE_BILLS) or has_capability(user, MANAGE_BUDGET)


@transaction.atomic
def budget_warning_acknowledge(*, actor: User, warning: BudgetWarning) -> BudgetWarning:
    """The manager (or finance) has seen the warning; it leaves the open list."""
    if not may_acknowledge(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh menanggapi peringatan anggaran."))
    if not scoping.can_see_area(actor, warning.programme.owner_id):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))
    locked = BudgetWarning.objects.select_for_update().get(pk=warning.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError(
            _("Peringatan ini sudah ditanggapi oleh %(user)s pada %(day)s.")
            % {
                "user": locked.acknowledged_by or _("sistem"),
                "day": timezone.localtime(locked.acknowledged_at).strftime("%d-%m-%Y %H:%M"),
            }
        )
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        action=AUDIT_ACKNOWLEDGE,
        object_type="budget_warning",
        object_id=str(locked.pk),
        detail={"budget_line": locked.budget_line_id, "month": locked.month.isoformat()},
    )
    return locked


def open_warnings_for(user: object, programme: Programme | None = None) -> QuerySet[BudgetWarning]:
    """Warnings nobody has acknowledged yet, of the programmes `user` may see."""
    warnings = BudgetWarning.objects.filter(acknowledged_at__isnull=True)
    if programme is not None:
        warnings = warnings.filter(programme=programme)
    return scoping.visible(user, warnings.select_related("programme", "budget_line")).order_by(
        "-month", "-id"
    )


def warning_for(user: object, pk: int) -> BudgetWarning | None:
    return (
        scoping.visible(user, BudgetWarning.objects.select_related("programme"))
        .filter(pk=pk)
        .first()
    )


def warning_text(warning: BudgetWarning) -> str:
    return _(
        "Pos anggaran %(line)s tinggal %(remaining)s untuk iuran %(cost)s per bulan: cukup "
        "%(months)s bulan lagi dari %(month)s."
    ) % {
        "line": str(warning.budget_line),
        "remaining": format_rupiah(warning.remaining),
        "cost": format_rupiah(warning.monthly_cost),
        "months": warning.months_left,
        "month": month_label(warning.month),
    }

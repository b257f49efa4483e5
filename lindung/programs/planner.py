"""The budget planner as the web page and `lindung budget` use it: the engine's `plan` with
the rate taken from a programme when asked, and the result said in one Indonesian sentence."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.engine.budget import (
    DEFAULT_MONTHLY_RATE,
    Plan,
    PlanError,
    format_number,
    format_rupiah,
    month_label,
    next_year_need,
    plan,
)
from lindung.programs.models import Programme
from lindung.programs.services import monthly_contribution


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def monthly_rate(
    *, rate: int | None, programme: Programme | None, month: date | None
) -> tuple[int, str]:
    """The rate to plan with and where it came from: typed, a programme's rate function for
    `month` (default: this month), or Rp16,800 (JKK + JKM at Rp1,000,000)."""
    if rate is not None and programme is not None:
        raise ValidationError(_("Pilih salah satu: iuran yang diketik atau iuran dari program."))
    if rate is not None:
        return rate, _("diketik")
    if programme is None:
        return DEFAULT_MONTHLY_RATE, _("JKK + JKM pada penghasilan Rp1.000.000")
    when = month or this_month()
    total = monthly_contribution(programme=programme, month=when).total
    return total, _("%(programme)s, %(month)s") % {
        "programme": programme.name,
        "month": month_label(when),
    }


def error_text(error: PlanError) -> str:
    return error.render(_)


def run_plan(
    *,
    participants: int | None,
    months: int | None,
    amount: int | None,
    monthly_rate: int,
    other_costs: int,
) -> Plan:
    """The engine's planner, its errors turned into ValidationError sentences."""
    try:
        return plan(participants, months, amount, monthly_rate, other_costs)
    except PlanError as error:
        raise ValidationError(error_text(error), code=error.code) from None


def run_next_year(
    *, continuing: int, new: int, months: int, monthly_rate: int, other_costs: int
) -> Plan:
    try:
        return next_year_need(continuing, new, months, monthly_rate, other_costs)
    except PlanError as error:
        raise ValidationError(error_text(error), code=error.code) from None


def describe(result: Plan) -> str:
    """ "Rp480.000.000 cukup untuk 5.400 peserta selama 5 bulan; sisa Rp26.400.000." """
    figures = {
        "participants": format_number(result.participants),
        "months": format_number(result.months),
        "amount": format_rupiah(result.amount),
        "total": format_rupiah(result.total),
        "contributions": format_rupiah(result.contributions),
        "other": format_rupiah(result.other_costs),
        "remainder": format_rupiah(result.remainder),
        "monthly": format_rupiah(result.participants * result.monthly_rate),
    }
    if result.solved == "amount":
        text = _("%(participants)s peserta selama %(months)s bulan membutuhkan %(total)s") % figures
        if result.other_costs:
            text += " " + _("(iuran %(contributions)s + biaya lain %(other)s)") % figures
        return text + "."
    if result.participants == 0:
        return (
            _(
                "%(amount)s tidak cukup untuk satu peserta selama %(months)s bulan "
                "setelah biaya lain %(other)s."
            )
            % figures
        )
    if result.months == 0:
        return (
            _(
                "%(amount)s tidak cukup untuk satu bulan iuran %(participants)s peserta "
                "(perlu %(monthly)s per bulan)."
            )
            % figures
        )
    text = _("%(amount)s cukup untuk %(participants)s peserta selama %(months)s bulan") % figures
    if result.other_costs:
        text += ", " + _("setelah biaya lain %(other)s") % figures
    return text + "; " + _("sisa %(remainder)s.") % figures


def describe_next_year(result: Plan, continuing: int, new: int) -> str:
    """ "1.495 peserta lanjutan + 320 peserta baru = 1.815 peserta ..." """
    head = _("%(continuing)s peserta lanjutan + %(new)s peserta baru = ") % {
        "continuing": format_number(continuing),
        "new": format_number(new),
    }
    return head + describe(result)

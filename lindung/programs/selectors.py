"""Reading programmes and their parts; every queryset starts from the user's area scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.engine.budget import format_rupiah
from lindung.programs.models import (
    BudgetLine,
    BudgetStatus,
    FundingSource,
    Occupation,
    Priority,
    Programme,
    ProposalPeriod,
    RateAdjustment,
    RateSchedule,
)

M = TypeVar("M", bound=models.Model)


def programmes_for(user: object, *, q: str = "") -> QuerySet[Programme]:
    """The programmes `user` may see: those of their area and of the areas containing it."""
    programmes = scoping.visible(user, Programme.objects.select_related("owner"))
    if q.strip():
        programmes = programmes.filter(name__icontains=q.strip())
    return programmes.order_by("owner_id", "name")


def programme_for(user: object, programme_id: int) -> Programme | None:
    """One programme, or None when it does not exist *or* lies outside the user's area."""
    return programmes_for(user).filter(pk=programme_id).first()


def part_for(user: object, model: type[M], programme: Programme, pk: int) -> M | None:
    """A rate, adjustment, budget line or period of `programme` that `user` may see."""
    parts = scoping.visible(user, model._default_manager.filter(programme_id=programme.pk))
    return parts.filter(pk=pk).first()


def rates_of(programme: Programme) -> QuerySet[RateSchedule]:
    return programme.rates.order_by("benefit", "income_from", "valid_from")


def adjustments_of(programme: Programme) -> QuerySet[RateAdjustment]:
    return programme.adjustments.order_by("valid_from", "name")


def periods_of(programme: Programme) -> QuerySet[ProposalPeriod]:
    return programme.proposal_periods.order_by("-opens_on")


def budget_lines_of(programme: Programme) -> QuerySet[BudgetLine]:
    return programme.budget_lines.order_by("-fiscal_year", "funding_source", "pk")


@dataclass(frozen=True)
class YearBudget:
    fiscal_year: int
    pagu: int
    other_costs: int

    @property
    def for_contributions(self) -> int:
        return self.pagu - self.other_costs


def budget_by_year(programme: Programme) -> list[YearBudget]:
    """Pagu per fiscal year over the lines that are not cancelled, newest year first."""
    rows = (
        programme.budget_lines.exclude(status=BudgetStatus.CANCELLED)
        .values("fiscal_year")
        .annotate(pagu=Sum("pagu"), other=Sum("other_costs"))
        .order_by("-fiscal_year")
    )
    return [YearBudget(r["fiscal_year"], r["pagu"], r["other"]) for r in rows]


def occupations(*, active_only: bool = False) -> QuerySet[Occupation]:
    """The shared occupation list; not area-bound, every signed-in user reads it."""
    found = Occupation.objects.all()
    return found.filter(active=True) if active_only else found


# -- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    subject: str
    kind: str  # '+' created, '~' changed, '-' deleted (simple_history's history_type)
    changes: tuple[Change, ...]


_NOT_SHOWN = {"created_at"}
_MONEY_FIELDS = {"declared_income", "amount", "income_from", "income_to", "pagu", "other_costs"}


def programme_history(programme: Programme, *, limit: int | None = 50) -> list[HistoryEntry]:
    """Who changed the programme, its rates, adjustments, budget lines and proposal periods,
    what and when, newest first: one query per kind of record plus one for names."""
    names = dict(Occupation.objects.values_list("pk", "name"))
    sources: list[tuple[type[models.Model], Any, Any]] = [
        (Programme, Programme.history.filter(id=programme.pk), _programme_subject),
        (RateSchedule, RateSchedule.history.filter(programme_id=programme.pk), _rate_subject),
        (
            RateAdjustment,
            RateAdjustment.history.filter(programme_id=programme.pk),
            _adjustment_subject,
        ),
        (BudgetLine, BudgetLine.history.filter(programme_id=programme.pk), _budget_subject),
        (ProposalPeriod, ProposalPeriod.history.filter(programme_id=programme.pk), _period_subject),
    ]
    entries: list[HistoryEntry] = []
    for model, records, subject in sources:
        entries += _entries(model, records, subject, names)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries if limit is None else entries[:limit]


def _entries(
    model: type[models.Model], records: Any, subject: Any, names: dict[int, str]
) -> list[HistoryEntry]:
    labels = {
        f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")
    }
    choices = {
        f.name: {k: str(v) for k, v in f.flatchoices}
        for f in model._meta.concrete_fields
        if f.choices
    }
    previous: dict[int, Any] = {}
    entries = []
    ordered = records.select_related("history_user").order_by("history_date", "history_id")
    for record in ordered:
        changes: tuple[Change, ...] = ()
        before = previous.get(record.id)
        if before is not None:
            delta = record.diff_against(before, excluded_fields=_NOT_SHOWN)
            changes = tuple(
                Change(
                    labels.get(c.field, c.field),
                    _shown(c.field, c.old, names, choices),
                    _shown(c.field, c.new, names, choices),
                )
                for c in delta.changes
            )
        previous[record.id] = record
        user = record.history_user
        entries.append(
            HistoryEntry(
                record.history_date,
                str(user) if user else "—",
                subject(record),
                record.history_type,
                changes,
            )
        )
    return entries


def _shown(
    field: str, value: Any, names: dict[int, str], choices: dict[str, dict[Any, str]]
) -> str:
    if value is None or value == "":
        return ""
    if field in choices and isinstance(value, str | int) and not isinstance(value, bool):
        return choices[field].get(value, str(value))
    if field in _MONEY_FIELDS:
        return format_rupiah(int(value))
    if field == "occupations":
        return ", ".join(sorted(names.get(row["occupation"], "?") for row in value))
    if field == "priority":
        return " › ".join(str(Priority(c).label) for c in value if c in Priority.values)
    if field == "exempt_funding":
        return ", ".join(str(FundingSource(c).label) for c in value if c in FundingSource.values)
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if hasattr(value, "year") and hasattr(value, "day"):
        return date_format(value, "j F Y")
    return str(value)


def _programme_subject(record: Any) -> str:
    return _("Program")


def _rate_subject(record: Any) -> str:
    return _("Tarif %(benefit)s mulai %(day)s") % {
        "benefit": record.benefit,
        "day": date_format(record.valid_from, "j F Y"),
    }


def _adjustment_subject(record: Any) -> str:
    return _("Penyesuaian: %(name)s") % {"name": record.name}


def _budget_subject(record: Any) -> str:
    source = dict(FundingSource.choices).get(record.funding_source, record.funding_source)
    return _("Anggaran %(source)s %(year)s") % {"source": source, "year": record.fiscal_year}


def _period_subject(record: Any) -> str:
    return _("Periode usulan: %(name)s") % {"name": record.name}

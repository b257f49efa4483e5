"""Writing programmes, rates, budget lines and proposal periods; the contribution function.

Every write checks the actor's role and area (None = a system job such as the demo), refuses
impossible values with Indonesian messages naming the field, and saves with the actor as the
history user. Overlap checks (rate periods, adjustments, proposal periods) run after locking
the programme row, so two managers saving at once cannot both slip in; on SQLite, where
`select_for_update` is a no-op, the IMMEDIATE transactions serialise writers instead.

`monthly_contribution` is THE answer to "what does this member cost in this month";
`rate_table` gives the same answers for every sector and funding source at once, for
billing a whole programme without a call per member.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import MANAGE_BUDGET, MANAGE_PROGRAMMES, has_capability
from lindung.engine import budget as engine
from lindung.engine.verify.codes import CODES, DEFAULT_SEVERITIES, SEVERITIES
from lindung.programs import defaults
from lindung.programs.models import (
    MAX_AGE,
    MAX_DESIL,
    BudgetLine,
    BudgetStatus,
    FundingSource,
    Occupation,
    Priority,
    Programme,
    ProposalPeriod,
    QuotaKind,
    RateAdjustment,
    RateSchedule,
    Sector,
)
from lindung.regions import codes
from lindung.regions.models import Region

M = TypeVar("M", bound=models.Model)
Errors = dict[str, list[str]]

PROGRAMME_FIELDS = frozenset(
    {
        "name",
        "legal_type",
        "legal_number",
        "legal_year",
        "legal_title",
        "contact",
        "covers_jkk",
        "covers_jkm",
        "covers_jht",
        "declared_income",
        "min_age",
        "max_age",
        "occupations",
        "requires_registry",
        "max_desil",
        "quota_kind",
        "quota_size",
        "priority",
        "funding_source",
        "active",
    }
)
RATE_FIELDS = frozenset(
    {
        "benefit",
        "income_from",
        "income_to",
        "amount",
        "basis_points",
        "valid_from",
        "valid_to",
        "legal_reference",
    }
)
ADJUSTMENT_FIELDS = frozenset(
    {
        "name",
        "applies_jkk",
        "applies_jkm",
        "applies_jht",
        "discount_basis_points",
        "valid_from",
        "valid_to",
        "sector",
        "sector_excluded",
        "exempt_funding",
        "legal_reference",
    }
)
BUDGET_FIELDS = frozenset(
    {
        "fiscal_year",
        "funding_source",
        "name",
        "pagu",
        "other_costs",
        "status",
        "dpa_number",
        "dpa_date",
        "starts_on",
        "ends_on",
        "note",
    }
)
PERIOD_FIELDS = frozenset({"name", "opens_on", "closes_on", "proposal_limit", "note"})
OCCUPATION_FIELDS = frozenset({"name", "sector", "keywords", "active"})
FIRST_LEGAL_YEAR = 1945
LAST_YEAR = 2100
FIRST_FISCAL_YEAR = 2000


# -- shared helpers ------------------------------------------------------------------------


def _check_may_manage(actor: User | None, capability: str, owner_code: str | None) -> None:
    """`actor` holds `capability` and the programme's owner area lies inside their scope."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Peran Anda tidak boleh mengubah pengaturan program."))
    if owner_code is not None and not scoping.can_see_area(actor, owner_code):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))


def _assign(instance: models.Model, fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _save(instance: M, actor: User | None) -> M:
    instance.full_clean()
    # The history middleware attributes web requests; this covers jobs and shells too.
    instance._history_user = actor  # type: ignore[attr-defined]
    instance.save()
    return instance


def _locked(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme.pk)


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else _("seterusnya")


def _periods_meet(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def _overlapping(
    siblings: models.QuerySet[M], start: str, end: str, new_from: date, new_to: date | None
) -> models.QuerySet[M]:
    """Rows of `siblings` whose period [start, end] (end NULL = open) meets the new one."""
    meets = models.Q(**{f"{end}__isnull": True}) | models.Q(**{f"{end}__gte": new_from})
    if new_to is not None:
        meets &= models.Q(**{f"{start}__lte": new_to})
    return siblings.filter(meets)


def _month_errors(errors: Errors, valid_from: date | None, valid_to: date | None) -> None:
    """Rates are monthly: a validity period starts on the 1st and ends on a month's last day."""
    if valid_from and valid_from.day != 1:
        _add(errors, "valid_from", _("Tarif berlaku per bulan: tanggal mulai harus tanggal 1."))
    if valid_to and (valid_to + timedelta(days=1)).day != 1:
        _add(
            errors,
            "valid_to",
            _("Tarif berlaku per bulan: tanggal akhir harus hari terakhir bulan, mis. %(day)s.")
            % {"day": _day(_last_day(valid_to))},
        )
    if valid_from and valid_to and valid_to < valid_from:
        _add(errors, "valid_to", _("Tanggal akhir tidak boleh sebelum tanggal mulai."))


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# -- programmes ----------------------------------------------------------------------------


def _owner(code: str) -> Region:
    owner = Region.objects.filter(code=code).first()
    if owner is None:
        raise ValidationError({"owner": _("Wilayah %(code)s tidak dikenal.") % {"code": code}})
    if owner.level > codes.REGENCY:
        raise ValidationError(
            {
                "owner": _(
                    "Program dimiliki provinsi atau kabupaten/kota; %(name)s adalah "
                    "kecamatan atau desa."
                )
                % {"name": owner.label()}
            }
        )
    return owner


def _programme_errors(programme: Programme) -> Errors:
    p = programme
    errors: Errors = {}
    if not (p.name or "").strip():
        _add(errors, "name", _("Isi nama program."))
    elif (
        Programme.objects.filter(owner_id=p.owner_id, name=p.name.strip()).exclude(pk=p.pk).exists()
    ):
        _add(errors, "name", _("Wilayah ini sudah punya program dengan nama yang sama."))
    if p.legal_year is not None and not FIRST_LEGAL_YEAR <= p.legal_year <= LAST_YEAR:
        _add(errors, "legal_year", _("Tahun dasar hukum harus antara 1945 dan 2100."))
    if not (p.covers_jkk or p.covers_jkm or p.covers_jht):
        _add(errors, "covers_jkk", _("Pilih paling sedikit satu manfaat: JKK, JKM atau JHT."))
    if p.declared_income is None or p.declared_income <= 0:
        _add(errors, "declared_income", _("Penghasilan yang dilaporkan harus lebih dari Rp0."))
    _age_errors(errors, p.min_age, p.max_age)
    if p.max_desil is not None:
        if not 1 <= p.max_desil <= MAX_DESIL:
            _add(errors, "max_desil", _("Desil harus antara 1 (termiskin) dan 10."))
        elif not p.requires_registry:
            _add(
                errors,
                "max_desil",
                _(
                    "Desil hanya diketahui dari DTSEN/DTKS/P3KE: centang 'harus terdaftar' "
                    "atau kosongkan batas desil."
                ),
            )
    _quota_errors(errors, p.quota_kind, p.quota_size)
    _priority_errors(errors, p.priority)
    return errors


def _age_errors(errors: Errors, min_age: int | None, max_age: int | None) -> None:
    for field, age in (("min_age", min_age), ("max_age", max_age)):
        if age is not None and not 0 <= age <= MAX_AGE:
            _add(errors, field, _("Usia harus antara 0 dan %(max)d tahun.") % {"max": MAX_AGE})
    if min_age is not None and max_age is not None and min_age > max_age:
        _add(
            errors,
            "max_age",
            _("Usia maksimal (%(max)d) lebih kecil dari usia minimal (%(min)d).")
            % {"max": max_age, "min": min_age},
        )


def _quota_errors(errors: Errors, kind: str, size: int | None) -> None:
    if kind == QuotaKind.NONE:
        if size is not None:
            _add(errors, "quota_size", _("Kosongkan jumlah kuota bila program tanpa kuota."))
    elif size is None or size <= 0:
        _add(errors, "quota_size", _("Jumlah kuota harus lebih dari 0."))


def _priority_errors(errors: Errors, priority: Any) -> None:
    if not isinstance(priority, list) or any(c not in Priority.values for c in priority):
        _add(errors, "priority", _("Urutan prioritas hanya boleh memakai kriteria yang tersedia."))
    elif len(set(priority)) != len(priority):
        _add(errors, "priority", _("Setiap kriteria prioritas hanya boleh dipakai sekali."))
    elif {Priority.OLDEST, Priority.YOUNGEST} <= set(priority):
        _add(errors, "priority", _("Usia tertua dan usia termuda tidak bisa dipakai bersamaan."))


def _programme_save(
    programme: Programme, actor: User | None, occupations: Iterable[Occupation] | None
) -> Programme:
    programme.name = (programme.name or "").strip()
    _raise(_programme_errors(programme))
    if programme.pk is None:
        _save(programme, actor)
        if occupations is not None and _set_occupations(programme, occupations):
            _save(programme, actor)
        return programme
    if occupations is not None:
        _set_occupations(programme, occupations)
    return _save(programme, actor)


def _set_occupations(programme: Programme, occupations: Iterable[Occupation]) -> bool:
    """Replace the list without history records of its own: the programme's next save
    records the new list together with any other change, as one entry."""
    wanted = {o.pk for o in occupations}
    if wanted == set(programme.occupations.values_list("pk", flat=True)):
        return False
    programme.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        programme.occupations.set(wanted)
    finally:
        del programme.skip_history_when_saving  # type: ignore[attr-defined]
    return True


@transaction.atomic
def programme_create(
    *, actor: User | None, owner_code: str, seed_rates: bool = True, **fields: Any
) -> Programme:
    """A programme for `owner_code` (a province, regency or city), starting from the national
    rates and the PP 50/2025 adjustments unless `seed_rates` is False."""
    _check_may_manage(actor, MANAGE_PROGRAMMES, owner_code)
    occupations = fields.pop("occupations", None)
    programme = Programme(owner=_owner(owner_code))
    _assign(programme, fields, PROGRAMME_FIELDS)
    _programme_save(programme, actor, occupations)
    if seed_rates:
        for values in defaults.NATIONAL_RATES:
            _save(RateSchedule(programme=programme, **values), actor)
        for values in defaults.PP_50_ADJUSTMENTS:
            _save(RateAdjustment(programme=programme, **values), actor)
    return programme


@transaction.atomic
@transaction.atomic
def programme_set_severities(
    *, actor: User | None, programme: Programme, severities: Mapping[str, str]
) -> Programme:
    """How hard each verification finding weighs in this programme (the Perbup's rules).

    Only the codes that differ from the defaults are stored, so a later change of a default
    reaches every programme that did not choose otherwise."""
    _check_may_manage(actor, MANAGE_PROGRAMMES, programme.owner_id)
    unknown = sorted(set(severities) - set(CODES))
    wrong = sorted(c for c, v in severities.items() if v not in SEVERITIES)
    if unknown or wrong:
        raise ValidationError(
            _("Kode temuan tidak dikenal: %(unknown)s. Tingkat salah untuk: %(wrong)s.")
            % {"unknown": ", ".join(unknown) or "-", "wrong": ", ".join(wrong) or "-"}
        )
    programme = _locked(programme)
    programme.check_severities = {
        code: value
        for code, value in sorted(severities.items())
        if value != DEFAULT_SEVERITIES[code]
    }
    return _save(programme, actor)


def programme_update(*, actor: User | None, programme: Programme, **fields: Any) -> Programme:
    _check_may_manage(actor, MANAGE_PROGRAMMES, programme.owner_id)
    occupations = fields.pop("occupations", None)
    programme = _locked(programme)
    _assign(programme, fields, PROGRAMME_FIELDS)
    return _programme_save(programme, actor, occupations)


# -- rates ---------------------------------------------------------------------------------


def _rate_errors(rate: RateSchedule) -> Errors:
    errors: Errors = {}
    if (rate.amount is None) == (rate.basis_points is None):
        _add(
            errors,
            "amount",
            _("Isi salah satu: iuran per bulan (rupiah) atau persen penghasilan, bukan keduanya."),
        )
    if rate.basis_points is not None and rate.basis_points > engine.BASIS_POINTS:
        _add(errors, "basis_points", _("Persen penghasilan paling banyak 100% (10000 basis poin)."))
    if (
        rate.income_from is not None
        and rate.income_to is not None
        and rate.income_to < rate.income_from
    ):
        _add(errors, "income_to", _("Batas atas penghasilan tidak boleh di bawah batas bawah."))
    _month_errors(errors, rate.valid_from, rate.valid_to)
    if not errors:
        _rate_overlap_errors(errors, rate)
    return errors


def _band(rate: RateSchedule) -> str:
    if rate.income_from is None and rate.income_to is None:
        return _("semua penghasilan")
    low = engine.format_rupiah(rate.income_from or 0)
    high = engine.format_rupiah(rate.income_to) if rate.income_to is not None else "…"
    return f"{low}–{high}"


def _rate_overlap_errors(errors: Errors, rate: RateSchedule) -> None:
    siblings = RateSchedule.objects.filter(programme_id=rate.programme_id, benefit=rate.benefit)
    siblings = _overlapping(
        siblings.exclude(pk=rate.pk), "valid_from", "valid_to", rate.valid_from, rate.valid_to
    )
    if rate.income_to is not None:
        siblings = siblings.exclude(income_from__gt=rate.income_to)
    if rate.income_from is not None:
        siblings = siblings.exclude(income_to__lt=rate.income_from)
    other = siblings.first()
    if other is not None:
        _add(
            errors,
            "valid_from",
            _(
                "Masa berlaku tumpang tindih dengan tarif %(benefit)s (%(band)s) yang berlaku "
                "%(start)s sampai %(end)s. Akhiri tarif lama sebelum tarif baru mulai, atau "
                "ubah pita penghasilannya."
            )
            % {
                "benefit": other.benefit,
                "band": _band(other),
                "start": _day(other.valid_from),
                "end": _day(other.valid_to),
            },
        )


def _rate_save(rate: RateSchedule, actor: User | None, fields: dict[str, Any]) -> RateSchedule:
    _locked(rate.programme)
    _assign(rate, fields, RATE_FIELDS)
    _raise(_rate_errors(rate))
    return _save(rate, actor)


@transaction.atomic
def rate_create(*, actor: User | None, programme: Programme, **fields: Any) -> RateSchedule:
    _check_may_manage(actor, MANAGE_PROGRAMMES, programme.owner_id)
    return _rate_save(RateSchedule(programme=programme), actor, fields)


@transaction.atomic
def rate_update(*, actor: User | None, rate: RateSchedule, **fields: Any) -> RateSchedule:
    _check_may_manage(actor, MANAGE_PROGRAMMES, rate.programme.owner_id)
    return _rate_save(rate, actor, fields)


# -- adjustments ---------------------------------------------------------------------------


def _sectors_meet(a: RateAdjustment, b: RateAdjustment) -> bool:
    """Whether a member's sector can meet both adjustments' sector conditions at once."""
    if not a.sector or not b.sector:
        return True
    if a.sector_excluded and b.sector_excluded:
        return True
    if a.sector_excluded != b.sector_excluded:
        return a.sector != b.sector
    return a.sector == b.sector


def _adjustments_collide(a: RateAdjustment, b: RateAdjustment) -> bool:
    shares_benefit = bool(set(a.benefits) & set(b.benefits))
    paid_by_both = set(FundingSource.values) - set(a.exempt_funding) - set(b.exempt_funding)
    return (
        shares_benefit
        and bool(paid_by_both)
        and _sectors_meet(a, b)
        and _periods_meet(a.valid_from, a.valid_to, b.valid_from, b.valid_to)
    )


def _adjustment_errors(adjustment: RateAdjustment) -> Errors:
    a = adjustment
    errors: Errors = {}
    if not (a.name or "").strip():
        _add(errors, "name", _("Isi nama penyesuaian."))
    if not a.benefits:
        _add(errors, "applies_jkk", _("Pilih paling sedikit satu manfaat yang dipotong."))
    if not 0 < (a.discount_basis_points or 0) <= engine.BASIS_POINTS:
        _add(
            errors,
            "discount_basis_points",
            _("Potongan harus lebih dari 0 dan paling banyak 10000 basis poin (100%)."),
        )
    if a.sector_excluded and not a.sector:
        _add(errors, "sector", _("Pilih sektor yang dikecualikan."))
    if not isinstance(a.exempt_funding, list) or any(
        f not in FundingSource.values for f in a.exempt_funding
    ):
        _add(errors, "exempt_funding", _("Sumber dana tidak dikenal."))
    _month_errors(errors, a.valid_from, a.valid_to)
    if errors:
        return errors
    siblings = RateAdjustment.objects.filter(programme_id=a.programme_id).exclude(pk=a.pk)
    for other in siblings:
        if _adjustments_collide(a, other):
            _add(
                errors,
                "valid_from",
                _(
                    "Penyesuaian ini bisa berlaku bersamaan dengan '%(name)s' (%(start)s sampai "
                    "%(end)s) untuk manfaat dan sektor yang sama. Ubah masa berlaku atau "
                    "sektornya."
                )
                % {
                    "name": other.name,
                    "start": _day(other.valid_from),
                    "end": _day(other.valid_to),
                },
            )
            break
    return errors


def _adjustment_save(
    adjustment: RateAdjustment, actor: User | None, fields: dict[str, Any]
) -> RateAdjustment:
    _locked(adjustment.programme)
    _assign(adjustment, fields, ADJUSTMENT_FIELDS)
    _raise(_adjustment_errors(adjustment))
    return _save(adjustment, actor)


@transaction.atomic
def adjustment_create(*, actor: User | None, programme: Programme, **fields: Any) -> RateAdjustment:
    _check_may_manage(actor, MANAGE_PROGRAMMES, programme.owner_id)
    return _adjustment_save(RateAdjustment(programme=programme), actor, fields)


@transaction.atomic
def adjustment_update(
    *, actor: User | None, adjustment: RateAdjustment, **fields: Any
) -> RateAdjustment:
    _check_may_manage(actor, MANAGE_PROGRAMMES, adjustment.programme.owner_id)
    return _adjustment_save(adjustment, actor, fields)


# -- budget lines --------------------------------------------------------------------------


def _budget_errors(line: BudgetLine) -> Errors:
    errors: Errors = {}
    year = line.fiscal_year
    if year is None or not FIRST_FISCAL_YEAR <= year <= LAST_YEAR:
        _add(errors, "fiscal_year", _("Tahun anggaran harus antara 2000 dan 2100."))
    if line.pagu is None or line.pagu <= 0:
        _add(errors, "pagu", _("Pagu harus lebih dari Rp0."))
    elif (line.other_costs or 0) > line.pagu:
        _add(
            errors,
            "other_costs",
            _("Biaya lain %(other)s melebihi pagu %(pagu)s.")
            % {
                "other": engine.format_rupiah(line.other_costs),
                "pagu": engine.format_rupiah(line.pagu),
            },
        )
    for field in ("starts_on", "ends_on"):
        day = getattr(line, field)
        if day is not None and year is not None and day.year != year:
            _add(
                errors,
                field,
                _("Tanggal %(day)s di luar tahun anggaran %(year)d.")
                % {"day": _day(day), "year": year},
            )
    if line.starts_on and line.ends_on and line.ends_on < line.starts_on:
        _add(errors, "ends_on", _("Tanggal akhir tidak boleh sebelum tanggal mulai."))
    if line.status == BudgetStatus.APPROVED and not (line.dpa_number or "").strip():
        _add(errors, "dpa_number", _("Pos anggaran yang sudah disahkan harus punya nomor DPA."))
    return errors


def _budget_save(line: BudgetLine, actor: User | None, fields: dict[str, Any]) -> BudgetLine:
    _assign(line, fields, BUDGET_FIELDS)
    _raise(_budget_errors(line))
    return _save(line, actor)


@transaction.atomic
def budget_line_create(*, actor: User | None, programme: Programme, **fields: Any) -> BudgetLine:
    _check_may_manage(actor, MANAGE_BUDGET, programme.owner_id)
    return _budget_save(BudgetLine(programme=programme), actor, fields)


@transaction.atomic
def budget_line_update(*, actor: User | None, line: BudgetLine, **fields: Any) -> BudgetLine:
    _check_may_manage(actor, MANAGE_BUDGET, line.programme.owner_id)
    return _budget_save(line, actor, fields)


# -- proposal periods ----------------------------------------------------------------------


def _period_errors(period: ProposalPeriod) -> Errors:
    errors: Errors = {}
    if not (period.name or "").strip():
        _add(errors, "name", _("Isi nama periode, mis. Tahap 1."))
    if period.opens_on and period.closes_on and period.closes_on < period.opens_on:
        _add(errors, "closes_on", _("Tanggal tutup tidak boleh sebelum tanggal buka."))
        return errors
    if not (period.opens_on and period.closes_on):
        return errors
    siblings = ProposalPeriod.objects.filter(programme_id=period.programme_id).exclude(pk=period.pk)
    other = _overlapping(
        siblings, "opens_on", "closes_on", period.opens_on, period.closes_on
    ).first()
    if other is not None:
        _add(
            errors,
            "opens_on",
            _("Periode ini tumpang tindih dengan '%(name)s' (%(start)s sampai %(end)s).")
            % {"name": other.name, "start": _day(other.opens_on), "end": _day(other.closes_on)},
        )
    return errors


def _period_save(
    period: ProposalPeriod, actor: User | None, fields: dict[str, Any]
) -> ProposalPeriod:
    _locked(period.programme)
    _assign(period, fields, PERIOD_FIELDS)
    _raise(_period_errors(period))
    return _save(period, actor)


@transaction.atomic
def period_create(*, actor: User | None, programme: Programme, **fields: Any) -> ProposalPeriod:
    _check_may_manage(actor, MANAGE_PROGRAMMES, programme.owner_id)
    return _period_save(ProposalPeriod(programme=programme), actor, fields)


@transaction.atomic
def period_update(*, actor: User | None, period: ProposalPeriod, **fields: Any) -> ProposalPeriod:
    _check_may_manage(actor, MANAGE_PROGRAMMES, period.programme.owner_id)
    return _period_save(period, actor, fields)


# -- occupations ---------------------------------------------------------------------------


def _occupation_save(
    occupation: Occupation, actor: User | None, fields: dict[str, Any]
) -> Occupation:
    _assign(occupation, fields, OCCUPATION_FIELDS)
    occupation.name = (occupation.name or "").strip()
    errors: Errors = {}
    if not occupation.name:
        _add(errors, "name", _("Isi nama pekerjaan."))
    elif Occupation.objects.filter(name__iexact=occupation.name).exclude(pk=occupation.pk).exists():
        _add(errors, "name", _("Pekerjaan dengan nama ini sudah ada."))
    _raise(errors)
    return _save(occupation, actor)


@transaction.atomic
def occupation_create(*, actor: User | None, **fields: Any) -> Occupation:
    _check_may_manage(actor, MANAGE_PROGRAMMES, None)
    return _occupation_save(Occupation(), actor, fields)


@transaction.atomic
def occupation_update(*, actor: User | None, occupation: Occupation, **fields: Any) -> Occupation:
    _check_may_manage(actor, MANAGE_PROGRAMMES, None)
    return _occupation_save(occupation, actor, fields)


# -- the contribution function -------------------------------------------------------------


def engine_rates(programme: Programme) -> tuple[list[engine.Rate], list[engine.Adjustment]]:
    """The programme's rate rows and adjustments as engine values (two queries)."""
    rates = [
        engine.Rate(
            benefit=r.benefit,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            amount=r.amount,
            basis_points=r.basis_points,
            income_from=r.income_from,
            income_to=r.income_to,
        )
        for r in programme.rates.all()
    ]
    adjustments = [
        engine.Adjustment(
            name=a.name,
            benefits=frozenset(a.benefits),
            discount_basis_points=a.discount_basis_points,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            sector=a.sector or None,
            sector_excluded=a.sector_excluded,
            exempt_funding=frozenset(a.exempt_funding),
        )
        for a in programme.adjustments.all()
    ]
    return rates, adjustments


def _contribution(
    programme: Programme,
    rates: tuple[list[engine.Rate], list[engine.Adjustment]],
    month: date,
    sector: str | None,
    funding_source: str,
) -> engine.Contribution:
    try:
        return engine.contribution(
            rates=rates[0],
            adjustments=rates[1],
            benefits=programme.benefits,
            declared_income=programme.declared_income,
            month=month,
            sector=sector,
            funding_source=funding_source,
        )
    except engine.PlanError as error:
        raise ValidationError(error.render(_), code=error.code) from None


def monthly_contribution(
    *,
    programme: Programme,
    month: date,
    sector: str | None = None,
    funding_source: str | None = None,
) -> engine.Contribution:
    """What one member of `programme` costs in `month` (any day of it), per benefit and in
    total, in whole rupiah. `sector` is the member's occupation sector (None if unknown);
    `funding_source` who pays (default: the programme's own). Raises ValidationError with a
    sentence when a benefit has no rate for that month."""
    source = funding_source or programme.funding_source
    return _contribution(programme, engine_rates(programme), month, sector, source)


def rate_table(
    programme: Programme, month: date
) -> dict[tuple[str | None, str], engine.Contribution]:
    """`monthly_contribution` for every (sector, funding source) pair in one go: billing
    looks members up here instead of calling the function per member."""
    rates = engine_rates(programme)
    return {
        (sector, source): _contribution(programme, rates, month, sector, source)
        for sector in [None, *Sector.values]
        for source in FundingSource.values
    }

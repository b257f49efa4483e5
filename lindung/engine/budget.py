"""Money, contribution rates and budget planning for BPU programmes, no Django.

Money is whole rupiah in Python `int`, never float. Shares (JHT 2%, a 50% discount) are basis
points (1% = 100 bp) and every share is rounded half up to the whole rupiah, per benefit, once:
`share(1_000_000, 200) == 20_000`, `share(6_801, 5_000) == 3_401`.

Errors carry a code, an Indonesian template marked with `gettext_noop` and its parameters;
`PlanError.render(gettext)` gives the sentence where it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

BENEFITS = ("JKK", "JKM", "JHT")
BASIS_POINTS = 10_000  # 100%
DEFAULT_MONTHLY_RATE = 16_800  # JKK Rp10,000 + JKM Rp6,800 on a declared Rp1,000,000

_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` without importing Django."""
    return message


_TEMPLATES: dict[str, str] = {
    "not_money": gettext_noop(
        "{label} bukan jumlah rupiah: {text!r}. Tulis angka saja, mis. 480000000 atau "
        "Rp480.000.000."
    ),
    "negative": gettext_noop("{label} tidak boleh negatif."),
    "not_positive": gettext_noop("{label} harus lebih dari 0."),
    "need_two": gettext_noop(
        "Isi tepat dua dari tiga: jumlah peserta, jumlah bulan, jumlah uang. "
        "Yang ketiga dihitung dari keduanya."
    ),
    "below_other_costs": gettext_noop(
        "Jumlah uang {amount} tidak cukup untuk biaya lain {other_costs}; "
        "kurangi biaya lain atau tambah jumlah uang."
    ),
    "rate_missing": gettext_noop(
        "Tidak ada tarif {benefit} yang berlaku untuk {month} pada penghasilan {income}. "
        "Tambahkan tarif {benefit} dengan masa berlaku yang mencakup bulan itu."
    ),
    "rate_ambiguous": gettext_noop(
        "Ada lebih dari satu tarif {benefit} yang berlaku untuk {month}; "
        "perbaiki masa berlaku tarif agar tidak tumpang tindih."
    ),
    "adjustment_ambiguous": gettext_noop(
        "Ada lebih dari satu penyesuaian tarif {benefit} yang berlaku untuk {month}; "
        "perbaiki masa berlaku penyesuaian agar tidak tumpang tindih."
    ),
}


class PlanError(ValueError):
    """Bad input or missing data for a money calculation, with a sentence saying what to fix."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.render(lambda s: s))

    def render(self, gettext: Callable[[str], str]) -> str:
        params = {k: gettext(v) if k == "label" else v for k, v in self.params.items()}
        return gettext(_TEMPLATES[self.code]).format(**params)


# -- money ---------------------------------------------------------------------------------


def format_number(n: int) -> str:
    """`5400` -> `5.400`: Indonesian thousands separator."""
    return f"{n:,}".replace(",", ".")


def format_rupiah(n: int) -> str:
    """`101808000` -> `Rp101.808.000`; negative amounts as `-Rp1.000`."""
    return f"-Rp{format_number(-n)}" if n < 0 else f"Rp{format_number(n)}"


_MONEY = re.compile(r"(?:rp\.?)?\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,-|,00)?")


def parse_rupiah(text: str, *, label: str = gettext_noop("Jumlah uang")) -> int:
    """`480000000`, `480.000.000`, `Rp480.000.000`, `Rp 480.000.000,-` -> 480000000.

    Dots only ever group thousands (Indonesian writing); a decimal part other than `,00`
    is refused rather than guessed.
    """
    cleaned = text.strip().lower().replace(" ", "")
    negative = cleaned.startswith("-")
    match = _MONEY.fullmatch(cleaned.removeprefix("-"))
    if match is None:
        raise PlanError("not_money", label=label, text=text)
    value = int(match.group(1).replace(".", ""))
    if negative and value:
        raise PlanError("negative", label=label)
    return value


def share(amount: int, basis_points: int) -> int:
    """`basis_points` of `amount`, rounded half up to the whole rupiah."""
    if amount < 0 or basis_points < 0:
        raise ValueError("share of a negative amount or a negative share")
    return (amount * basis_points + BASIS_POINTS // 2) // BASIS_POINTS


def month_label(month: date) -> str:
    return f"{_MONTHS[month.month - 1]} {month.year}"


# -- contribution rates --------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """One rate row: a fixed amount or a share of the declared income, for one benefit, in a
    validity period, optionally for a band of declared incomes (JKK)."""

    benefit: str
    valid_from: date
    valid_to: date | None = None
    amount: int | None = None
    basis_points: int | None = None
    income_from: int | None = None
    income_to: int | None = None

    def covers(self, month: date, income: int) -> bool:
        in_period = self.valid_from <= month and (self.valid_to is None or month <= self.valid_to)
        above = self.income_from is None or income >= self.income_from
        below = self.income_to is None or income <= self.income_to
        return in_period and above and below

    def monthly(self, income: int) -> int:
        if self.amount is not None:
            return self.amount
        assert self.basis_points is not None
        return share(income, self.basis_points)


@dataclass(frozen=True)
class Adjustment:
    """A discount on some benefits, valid in a period, when the member's sector and the
    source that pays their contribution meet its conditions (PP 50/2025 is two of these)."""

    name: str
    benefits: frozenset[str]
    discount_basis_points: int
    valid_from: date
    valid_to: date | None = None
    sector: str | None = None  # None: every sector
    sector_excluded: bool = False  # True: every sector except `sector`
    exempt_funding: frozenset[str] = frozenset()

    def applies(self, month: date, sector: str | None, funding_source: str) -> bool:
        if month < self.valid_from or (self.valid_to is not None and month > self.valid_to):
            return False
        if funding_source in self.exempt_funding:
            return False
        if self.sector is None:
            return True
        # A member whose sector is unknown is not in the named sector.
        return (sector == self.sector) != self.sector_excluded


@dataclass(frozen=True)
class Contribution:
    """What one member costs in one month: per benefit before and after adjustments."""

    month: date
    base: dict[str, int]
    amounts: dict[str, int]
    adjustments: tuple[str, ...] = ()
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(self.amounts.values()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month.isoformat(),
            "base": dict(self.base),
            "amounts": dict(self.amounts),
            "adjustments": list(self.adjustments),
            "total": self.total,
        }


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def contribution(
    *,
    rates: Iterable[Rate],
    adjustments: Iterable[Adjustment] = (),
    benefits: Iterable[str],
    declared_income: int,
    month: date,
    sector: str | None = None,
    funding_source: str,
) -> Contribution:
    """The monthly contribution of one member: the rate valid in `month` for each benefit,
    then the adjustment whose conditions hold, if any. Raises PlanError when a benefit has no
    rate or more than one for that month and income."""
    month = first_of_month(month)
    rates, adjustments = list(rates), list(adjustments)
    base: dict[str, int] = {}
    amounts: dict[str, int] = {}
    applied: list[str] = []
    for benefit in (b for b in BENEFITS if b in set(benefits)):
        base[benefit] = _base_amount(rates, benefit, month, declared_income)
        matching = [
            a
            for a in adjustments
            if benefit in a.benefits and a.applies(month, sector, funding_source)
        ]
        if len(matching) > 1:
            raise PlanError("adjustment_ambiguous", benefit=benefit, month=month_label(month))
        discount = share(base[benefit], matching[0].discount_basis_points) if matching else 0
        amounts[benefit] = base[benefit] - discount
        applied += [a.name for a in matching if a.name not in applied]
    return Contribution(month, base, amounts, tuple(applied))


def _base_amount(rates: list[Rate], benefit: str, month: date, income: int) -> int:
    valid = [r for r in rates if r.benefit == benefit and r.covers(month, income)]
    if not valid:
        raise PlanError(
            "rate_missing",
            benefit=benefit,
            month=month_label(month),
            income=format_rupiah(income),
        )
    if len(valid) > 1:
        raise PlanError("rate_ambiguous", benefit=benefit, month=month_label(month))
    return valid[0].monthly(income)


# -- budget planning -----------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Participants x months x monthly rate (+ other costs) against an amount of money.

    `solved` names the figure computed from the other two; `remainder` is the money left
    when the amount was given (0 when the amount was computed).
    """

    participants: int
    months: int
    monthly_rate: int
    other_costs: int
    amount: int
    solved: str

    @property
    def contributions(self) -> int:
        return self.participants * self.months * self.monthly_rate

    @property
    def total(self) -> int:
        return self.contributions + self.other_costs

    @property
    def remainder(self) -> int:
        return self.amount - self.total

    def as_dict(self) -> dict[str, int | str]:
        return {
            "participants": self.participants,
            "months": self.months,
            "monthly_rate": self.monthly_rate,
            "other_costs": self.other_costs,
            "contributions": self.contributions,
            "total": self.total,
            "amount": self.amount,
            "remainder": self.remainder,
            "solved": self.solved,
        }


def _positive(value: int, label: str) -> int:
    if value <= 0:
        raise PlanError("not_positive", label=label)
    return value


def plan(
    participants: int | None = None,
    months: int | None = None,
    amount: int | None = None,
    monthly_rate: int = DEFAULT_MONTHLY_RATE,
    other_costs: int = 0,
) -> Plan:
    """Any two of participants, months and amount give the third (rounded down: whole
    participants, whole months), with the money left over.

    >>> plan(participants=2_020, months=3).total
    101808000
    >>> plan(participants=5_400, amount=480_000_000).months
    5
    """
    given = [v is not None for v in (participants, months, amount)]
    if sum(given) != 2:
        raise PlanError("need_two")
    _positive(monthly_rate, gettext_noop("Iuran per bulan"))
    if other_costs < 0:
        raise PlanError("negative", label=gettext_noop("Biaya lain"))
    if amount is None:
        assert participants is not None and months is not None
        _positive(participants, gettext_noop("Jumlah peserta"))
        _positive(months, gettext_noop("Jumlah bulan"))
        need = participants * months * monthly_rate + other_costs
        return Plan(participants, months, monthly_rate, other_costs, need, "amount")
    _positive(amount, gettext_noop("Jumlah uang"))
    if amount < other_costs:
        raise PlanError(
            "below_other_costs",
            amount=format_rupiah(amount),
            other_costs=format_rupiah(other_costs),
        )
    available = amount - other_costs
    if participants is None:
        assert months is not None
        _positive(months, gettext_noop("Jumlah bulan"))
        found = available // (months * monthly_rate)
        return Plan(found, months, monthly_rate, other_costs, amount, "participants")
    _positive(participants, gettext_noop("Jumlah peserta"))
    found = available // (participants * monthly_rate)
    return Plan(participants, found, monthly_rate, other_costs, amount, "months")


def next_year_need(
    continuing: int,
    new: int,
    months: int = 12,
    monthly_rate: int = DEFAULT_MONTHLY_RATE,
    other_costs: int = 0,
) -> Plan:
    """Next year's budget for the members who stay plus the new target (Samosir 2026:
    1,495 + 320 = 1,815 for 12 months at Rp16,800 + Rp30,000,000 = Rp395,904,000)."""
    if continuing < 0:
        raise PlanError("negative", label=gettext_noop("Peserta lanjutan"))
    if new < 0:
        raise PlanError("negative", label=gettext_noop("Peserta baru"))
    return plan(
        participants=continuing + new,
        months=months,
        monthly_rate=monthly_rate,
        other_costs=other_costs,
    )

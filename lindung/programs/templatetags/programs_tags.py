from __future__ import annotations

from django import template

from lindung.engine.budget import format_number, format_rupiah
from lindung.programs.models import FundingSource

register = template.Library()


@register.filter
def rupiah(value: int | str | None) -> str:
    """`{{ 101808000|rupiah }}` -> `Rp101.808.000`; empty for None or ''."""
    return "" if value is None or value == "" else format_rupiah(int(value))


@register.filter
def number(value: int | str | None) -> str:
    """`{{ 5400|number }}` -> `5.400`, whatever the active language."""
    return "" if value is None or value == "" else format_number(int(value))


@register.filter
def percent(basis_points: int | None) -> str:
    """`{{ 200|percent }}` -> `2%`, `{{ 50|percent }}` -> `0,5%`."""
    if basis_points is None:
        return ""
    whole, rest = divmod(int(basis_points), 100)
    return f"{whole}%" if not rest else f"{whole},{rest:02d}".rstrip("0") + "%"


@register.filter
def get_item(mapping: dict[str, int], key: str) -> int | None:
    return mapping.get(key)


@register.filter
def funding_labels(codes: list[str]) -> str:
    """Funding source codes as their names: `apbd, apbd_p` -> `APBD, APBD-Perubahan`."""
    labels = dict(FundingSource.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])

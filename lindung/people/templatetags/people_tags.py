from __future__ import annotations

from django import template

from lindung.people import nik

register = template.Library()


@register.filter
def mask_nik(value: str) -> str:
    """`1705********0003`: how a NIK appears unless it was revealed (and audited)."""
    return nik.mask_nik(value or "")

from __future__ import annotations

import re

from django import template

from lindung.people import nik

register = template.Library()


@register.filter
def mask_nik(value: str) -> str:
    """`1705********0003`: how a NIK appears unless it was revealed (and audited)."""
    return nik.mask_nik(value or "")


_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


@register.filter
def mask_niks(text: str) -> str:
    """`text` with every NIK or KK number in it masked: for messages shown in lists, such as
    a finding that quotes the NIK it found in a reference extract."""
    return _SIXTEEN_DIGITS.sub(lambda m: nik.mask_nik(m.group()), text or "")

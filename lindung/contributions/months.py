"""Months as the money side uses them: the first day of the month, read from `YYYY-MM`."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindung.people.nik import format_date_id

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str | None) -> date:
    """`2025-10` -> 1 October 2025, or a ValidationError saying how to write it."""
    match = _MONTH.match(text or "")
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return date(int(match[1]), int(match[2]), 1)
    raise ValidationError(
        _("Bulan %(text)s tidak dikenal; tulis tahun dan bulan seperti 2025-10.")
        % {"text": repr(text or "")},
        code="month",
    )


def first_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month` (negative goes back)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from `first`'s month to `last`'s, both counted (0 if last < first)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def month_label(month: date) -> str:
    """`Oktober 2025`."""
    return format_date_id(month).split(" ", 1)[1]

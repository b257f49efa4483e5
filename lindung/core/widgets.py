"""Form widgets every app shares."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's (and the phone's) date picker. A `type=date` input takes only ISO
    dates: with the site's Indonesian date format the field would show up empty, so a
    manager re-opening a form with an error would lose the date typed."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

"""Numbers sent back by forms must reach the server as written: Indonesian number
formatting (USE_THOUSAND_SEPARATOR) prints `{{ 1234 }}` as `1.234`, so an id or version
inside a form field needs `|unlocalize`, or every row with an id from 1,000 up would be
lost from a bulk action."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template

import lindung

ROOT = Path(lindung.__file__).parent
# An id, version, page or similar number printed into a form field or a link.
UNSAFE = re.compile(
    r'(?:value|name|href)="[^"]*\{\{ ?[a-z_.]*(?:pk|_id|\.id|version|rank|page_number) ?\}\}'
)


def test_thousands_are_grouped_in_indonesian_pages() -> None:
    assert Template("{{ n }}").render(Context({"n": 1234})) == "1.234"
    assert Template("{% load l10n %}{{ n|unlocalize }}").render(Context({"n": 1234})) == "1234"


def test_no_form_field_prints_an_id_with_grouping() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in ROOT.rglob("*.html")
        for match in UNSAFE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

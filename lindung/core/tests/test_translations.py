"""The English catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[dict[str, str]]:
    """msgid -> msgstr pairs of a .po file (plural forms as msgstr[0])."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            if current:
                entries.append(current)
                current = {}
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    if current:
        entries.append(current)
    return [e for e in entries if e.get("msgid")]


def test_no_translation_is_left_fuzzy() -> None:
    # gettext ignores fuzzy entries: the English page would silently show Indonesian.
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert not [line for line in text.splitlines() if line.startswith("#,") and "fuzzy" in line]


def test_every_message_has_an_english_translation() -> None:
    untranslated = [
        e["msgid"]
        for e in _po_entries(LOCALE / "django.po")
        if not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in _po_entries(LOCALE / "django.po"):
        msgid, context = entry["msgid"], entry.get("msgctxt")
        if "msgid_plural" in entry:
            got = compiled.ngettext(msgid, entry["msgid_plural"], 1)
            want = entry["msgstr[0]"]
        elif context:
            got, want = compiled.pgettext(context, msgid), entry["msgstr"]
        else:
            got, want = compiled.gettext(msgid), entry["msgstr"]
        if got != want:
            stale.append(msgid)
    assert stale == [], "run `make messages` to recompile the catalogue"


@pytest.mark.django_db
def test_the_login_page_reads_in_english_after_switching(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/akun/masuk/").content.decode()
    assert "Sign in to Lindung" in page
    assert "Masuk ke Lindung" not in page

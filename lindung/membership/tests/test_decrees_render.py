"""The attachment as PDF and XLSX: read back, it says what the decree says."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import client_for
from lindung.membership import decree_render
from lindung.membership.decree_render import (
    attachment_pdf,
    attachment_rows,
    attachment_xlsx,
    head_title,
    terbilang,
)
from lindung.membership.models import Decree, EndReason
from lindung.membership.tests import decree_helpers as h
from lindung.membership.tests.conftest import NAMES, Determined, nik
from lindung.people.nik import format_date_id, mask_nik

MEMBERS = [8, 9, 10, 6, 7, 2, 3, 1]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _sheet(xlsx: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
    return book.get_sheet_by_index(0).to_python()


def _amended(d: Determined) -> tuple[Decree, Decree]:
    original = h.issue(d)
    h.end(d.member(2), EndReason.DEATH, on=date(2026, 2, 14))
    h.replace(d.member(2), h.waiting(nik(4)))
    return original, h.amend(d)


def test_the_pdf_lists_everyone_by_kecamatan_and_village_with_masked_niks(
    determined: Determined,
) -> None:
    decree = h.issue(determined)
    text = _text(attachment_pdf(decree, full_nik=False))
    assert "LAMPIRAN" in text and "KEPUTUSAN BUPATI SELUMA" in text
    assert decree.number in text
    assert format_date_id(decree.signed_on) in text
    for heading in ("KECAMATAN SELUMA", "KECAMATAN SUKARAJA"):
        assert heading in text
    for village in ("Kelurahan Pasar Tais", "Desa Lubuk Sahung", "Desa Niur"):
        assert village in text
    for serial in MEMBERS:
        assert NAMES[serial] in text
        assert mask_nik(nik(serial)) in text
        assert nik(serial) not in text
    assert NAMES[4] not in text  # waiting, not a member
    assert "Halaman 1 dari 1" in text
    assert "Jumlah peserta: 8 (delapan) orang" in text
    assert decree.signer_name in text and "BUPATI SELUMA," in text
    # Kecamatan Seluma comes first, and Lubuk Sahung before Niur.
    assert text.index(NAMES[8]) < text.index(NAMES[6]) < text.index(NAMES[2])


def test_the_full_nik_pdf_carries_the_full_niks(determined: Determined) -> None:
    decree = h.issue(determined, full_nik=True)
    text = _text(attachment_pdf(decree, full_nik=True))
    assert all(nik(s) in text for s in MEMBERS)
    assert "disamarkan" not in text


def test_the_amendment_pdf_lists_who_left_and_who_replaced_them(
    determined: Determined,
) -> None:
    original, amendment = _amended(determined)
    text = " ".join(_text(attachment_pdf(amendment, full_nik=False)).split())
    assert "A. Peserta yang dikeluarkan" in text and "B. Peserta pengganti" in text
    assert f"Perubahan atas Keputusan Bupati Seluma Nomor {original.number}" in text
    assert f"tanggal {format_date_id(original.signed_on)}" in text
    ended_at = text.index(NAMES[2])
    assert "Meninggal dunia" in text and "14 Februari 2026" in text
    replacement_at = text.index(NAMES[4])
    assert ended_at < text.index("B. Peserta pengganti") < replacement_at
    assert text.index(NAMES[2], replacement_at) > replacement_at  # "menggantikan" column
    assert NAMES[3] not in text  # unchanged members are not repeated
    assert "Jumlah peserta yang dikeluarkan: 1 (satu) orang" in text


def test_the_xlsx_has_one_row_per_entry_with_the_nik_as_text(determined: Determined) -> None:
    decree = h.issue(determined)
    rows = _sheet(attachment_xlsx(decree, full_nik=False))
    assert decree.number in str(rows[0][0])
    header = rows[4]
    assert header[:5] == ["No.", "Kecamatan", "Desa/Kelurahan", "Nama", "NIK"]
    data = [r for r in rows[5:] if any(v != "" for v in r)]
    assert len(data) == 8
    assert [r[3] for r in data] == [NAMES[s] for s in MEMBERS]
    assert [r[4] for r in data] == [mask_nik(nik(s)) for s in MEMBERS]
    assert data[0][1:3] == ["Seluma", "Pasar Tais"]
    born = data[0][6]
    assert isinstance(born, date | datetime)


def test_the_full_nik_xlsx_keeps_every_digit(determined: Determined) -> None:
    decree = h.issue(determined, full_nik=True)
    data = _sheet(attachment_xlsx(decree, full_nik=True))[5:]
    assert [r[4] for r in data] == [nik(s) for s in MEMBERS]


def test_the_amendment_xlsx_says_what_changed(determined: Determined) -> None:
    _original, amendment = _amended(determined)
    rows = _sheet(attachment_xlsx(amendment, full_nik=False))
    assert "Perubahan" in rows[4] and "Menggantikan" in rows[4]
    data = rows[5:]
    assert len(data) == 2
    ended, added = data
    assert (ended[3], ended[9], ended[10]) == (NAMES[2], "Dikeluarkan", "Meninggal dunia")
    assert (added[3], added[9], added[12]) == (NAMES[4], "Pengganti", NAMES[2])


def test_the_rows_come_in_one_query(determined: Determined) -> None:
    decree = h.issue(determined)
    with CaptureQueriesContext(connection) as queries:
        rows = attachment_rows(decree, full_nik=False)
    assert len(rows) == 8
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (8, "delapan"),
        (11, "sebelas"),
        (15, "lima belas"),
        (100, "seratus"),
        (125, "seratus dua puluh lima"),
        (1_000, "seribu"),
        (30_517, "tiga puluh ribu lima ratus tujuh belas"),
        (2_000_001, "dua juta satu"),
    ],
)
def test_counts_are_written_in_words(n: int, words: str) -> None:
    assert terbilang(n) == words


@pytest.mark.parametrize(
    ("signer", "head"),
    [
        ("Bupati Seluma", "BUPATI SELUMA"),
        ("Pj. Bupati Seluma", "BUPATI SELUMA"),
        ("Wakil Bupati Seluma", "BUPATI SELUMA"),
        ("Wali Kota Bengkulu", "WALI KOTA BENGKULU"),
        ("Plt. Sekretaris Daerah", "SEKRETARIS DAERAH"),
    ],
)
def test_the_decree_is_the_heads_whoever_signs(signer: str, head: str) -> None:
    assert head_title(signer) == head


def test_a_large_attachment_is_rendered_once_in_the_background(
    determined: Determined, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    """Above RENDER_WHILE_WAITING lines the download queues a job (immediate in tests) and
    the stored file is served from then on."""
    settings.VAR_DIR = tmp_path
    decree = h.issue(determined)
    monkeypatch.setattr(decree_render, "RENDER_WHILE_WAITING", 1)  # the decree has 8 lines
    client = client_for(determined.users["manager"])
    url = reverse("membership:decree_pdf", args=[decree.pk])
    first = client.get(url)
    # The immediate test backend ran the job already: the file is there, the marker gone.
    assert first.status_code == 202
    assert "sedang disiapkan" in first.content.decode()
    path = decree_render.stored_pdf_path(decree, full_nik=False)
    assert path.is_file()
    assert not decree_render.queued_marker(decree, full_nik=False).exists()
    second = client.get(url)
    assert second.status_code == 200
    assert second.content == path.read_bytes()


def test_a_stored_attachment_is_never_served_for_another_decree_with_the_same_id(
    determined: Determined, settings: Any, tmp_path: Any
) -> None:
    """A rebuilt or restored database reuses ids: its decree 1 must not get the stored
    attachment (with other people's NIKs) of the decree 1 that was there before."""
    settings.VAR_DIR = tmp_path
    decree = h.issue(determined)
    stored = decree_render.store_pdf(decree, full_nik=False)
    assert decree_render.stored_pdf(decree, full_nik=False) == stored.read_bytes()
    Decree.objects.filter(pk=decree.pk).update(created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    decree.refresh_from_db()
    assert decree_render.stored_pdf(decree, full_nik=False) is None
    assert decree_render.stored_pdf_path(decree, full_nik=False) != stored

"""/laporan/: the index links every report the role may take; coverage by area and the
Paritrana profile download as valid XLSX and PDF, carry the hand-counted figures and no
personal data, are limited to the user's area, and are written to the audit log."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.contributions.tests.conftest import Billable, billable  # noqa: F401
from lindung.membership.models import Decree, DecreeChange, DecreeEntry, DecreeKind, Membership
from lindung.membership.tests.conftest import NAMES, determined, nik, proposed  # noqa: F401
from lindung.proposals.models import Action, Proposal, ProposalEvent, ProposalStatus
from lindung.reports.tests.dashboard_helpers import Dash, build_dash, member, shows_money

INDEX = reverse("reports:index")
COVERAGE = reverse("reports:coverage_export")
PARITRANA = reverse("reports:paritrana")
PARITRANA_EXPORT = reverse("reports:paritrana_export")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def dash(billable: Billable) -> Dash:  # noqa: F811
    """The dashboard fixture plus what the Paritrana profile reads: the system checked the
    11 proposals (4 and 5 needed a person), and a decree of 21 September 2025 named the 8
    members, proposed on 1 September (serials 1 and 2 on the 15th): 20 days for six of
    them, 6 days for two."""
    built = build_dash(billable)
    Proposal.objects.update(created_at=_at(date(2025, 9, 1)))
    Proposal.objects.filter(nik__in=[nik(1), nik(2)]).update(created_at=_at(date(2025, 9, 15)))
    ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal=p,
            action=Action.VERIFIED,
            from_status=ProposalStatus.SUBMITTED,
            to_status=ProposalStatus.REVIEW
            if p.nik in (nik(4), nik(5))
            else ProposalStatus.VERIFIED,
        )
        for p in Proposal.objects.all()
    )
    decree = Decree.objects.create(
        programme=built.programme,
        period=billable.period,
        kind=DecreeKind.ORIGINAL,
        number="500.15/166/2025",
        title="Penetapan peserta pekerja rentan",
        signed_on=date(2025, 9, 21),
        effective_on=date(2025, 10, 1),
        signer_name="Bupati Seluma",
        signer_title="Bupati",
        place="Tais",
    )
    members = Membership.objects.filter(programme=built.programme).order_by("pk")
    DecreeEntry.objects.bulk_create(
        DecreeEntry(decree=decree, membership=m, change=DecreeChange.ADDED, number=i)
        for i, m in enumerate(members, start=1)
    )
    return built


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _personal(dash: Dash) -> list[str]:
    return [*NAMES.values(), *(nik(s) for s in NAMES), member(1).kpj]


def test_the_index_links_the_reports_each_role_may_take(dash: Dash) -> None:
    pk = dash.programme.pk
    finance = client_for(dash.users["finance"]).get(INDEX).content.decode()
    assert f"{COVERAGE}?programme={pk}&amp;format=xlsx" in finance
    assert f"{PARITRANA_EXPORT}?programme={pk}&amp;format=pdf" in finance
    assert reverse("contributions:budget_export", args=[pk]) + "?format=xlsx" in finance
    assert reverse("claims:export") + f"?program={pk}&amp;format=xlsx" in finance
    desa = client_for(dash.users["desa"]).get(INDEX).content.decode()
    assert f"{COVERAGE}?programme={pk}" in desa
    assert reverse("contributions:budget_export", args=[pk]) not in desa


def test_the_coverage_spreadsheet_has_the_hand_counts_and_no_personal_data(dash: Dash) -> None:
    user = dash.users["manager"]
    response = client_for(user).get(
        COVERAGE, {"programme": str(dash.programme.pk), "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cakupan-peserta-')
    sheets = _sheets(response.content)
    assert list(sheets)[:3] == ["Ringkasan", "Per kecamatan", "Per desakelurahan"]
    summary = {row[0]: row[1] for row in sheets["Ringkasan"] if len(row) > 1}
    assert (summary["Peserta aktif"], summary["Target"], summary["Berhenti"]) == (7, 606, 1)
    districts = {
        row[0]: row[1:] for row in sheets["Per kecamatan"] if str(row[0]).startswith("17.")
    }
    assert districts["17.05.01"][:5] == ["Sukaraja", 21, 63, 5, "7,9%"]
    assert len(districts) == 14
    villages = {
        row[0]: row[1:] for row in sheets["Per desakelurahan"] if str(row[0]).startswith("17.")
    }
    assert len(villages) == 202
    assert villages["17.05.02.1010"][:4] == ["Pasar Tais", "Seluma", 3, 2]
    cells = " ".join(str(c) for rows in sheets.values() for row in rows for c in row)
    assert not [p for p in _personal(dash) if p in cells]
    event = AuditEvent.objects.get(object_type="coverage_report")
    assert event.actor == user and event.action == AuditEvent.Action.EXPORT
    assert event.detail["personal_data"] is False
    assert event.detail["programme"] == dash.programme.pk and event.detail["format"] == "xlsx"


def test_the_coverage_pdf_is_a_readable_pdf(dash: Dash) -> None:
    response = client_for(dash.users["leadership"]).get(
        COVERAGE, {"programme": str(dash.programme.pk), "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Cakupan peserta per wilayah" in text
    assert "17.05.01 Sukaraja 21 63 5 7,9%" in text
    assert "Rincian 202 desa/kelurahan ada di unduhan XLSX" in text  # too long for a PDF
    assert AuditEvent.objects.filter(object_type="coverage_report", detail__format="pdf").exists()


def test_a_kecamatan_user_downloads_its_own_villages_only(dash: Dash) -> None:
    response = client_for(dash.users["kecamatan"]).get(
        COVERAGE, {"programme": str(dash.programme.pk), "format": "xlsx"}
    )
    sheets = _sheets(response.content)
    assert "Per desakelurahan" in sheets
    villages = [row for row in sheets["Per desakelurahan"] if str(row[0]).startswith("17.")]
    assert len(villages) == 21 and all(row[0].startswith("17.05.01.") for row in villages)
    cells = " ".join(str(c) for rows in sheets.values() for row in rows for c in row)
    assert "Pasar Tais" not in cells
    summary = {row[0]: row[1] for row in sheets["Ringkasan"] if len(row) > 1}
    assert (summary["Peserta aktif"], summary["Target"]) == (5, 63)


def test_the_paritrana_profile_gives_regulation_coverage_and_innovation(dash: Dash) -> None:
    response = client_for(dash.users["manager"]).get(
        PARITRANA, {"programme": str(dash.programme.pk), "informal": "7.000"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Peraturan Bupati (Perbup) Nomor 15 Tahun 2025" in html
    assert "500.15/166/2025" in html
    assert "0,10%" in html  # 7 active of 7.000 informal workers
    assert "81,8%" in html and "9 dari 11 usulan" in html  # passed the automatic checks
    assert "rata-rata 16,5 hari, 8 peserta dalam SK" in html  # median 20
    assert "Rp42.000.000" in html and "Rp403.200" in html
    assert "33,3%" in html  # absorption: Rp134.400 of Rp403.200
    assert "informal=7000" in html  # the downloads carry the figure


def test_a_proposal_checked_again_counts_once_and_to_a_person_if_any_run_sent_it(
    dash: Dash,
) -> None:
    """Runs again over 1 (now sent to a person), 4 (still with a person) and 6 (passed
    again): 11 proposals checked, 8 passed (not 1, 4 and 5)."""
    again = {nik(1): ProposalStatus.REVIEW, nik(4): ProposalStatus.REVIEW}
    ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal=p,
            action=Action.VERIFIED,
            from_status=p.status,
            to_status=again.get(p.nik, ProposalStatus.VERIFIED),
        )
        for p in Proposal.objects.filter(nik__in=[nik(1), nik(4), nik(6)])
    )
    html = client_for(dash.users["manager"]).get(PARITRANA).content.decode()
    assert "8 dari 11 usulan yang diperiksa sistem" in html and "72,7%" in html


def test_a_village_user_sees_the_profile_without_money(dash: Dash) -> None:
    html = client_for(dash.users["desa"]).get(PARITRANA).content.decode()
    assert "Dasar hukum program" in html and not shows_money(html)
    assert "3 peserta dalam SK" in html  # Niur's three members only


def test_the_paritrana_downloads_are_valid_and_audited(dash: Dash) -> None:
    client = client_for(dash.users["leadership"])
    query = {"programme": str(dash.programme.pk), "informal": "7000"}
    xlsx = client.get(PARITRANA_EXPORT, query | {"format": "xlsx"})
    sheets = _sheets(xlsx.content)
    assert list(sheets) == ["Regulasi", "Keputusan penetapan peserta", "Cakupan", "Inovasi"]
    coverage = {row[0]: row[1] for row in sheets["Cakupan"] if len(row) > 1}
    assert coverage["Peserta aktif"] == 7 and coverage["Pekerja informal di wilayah"] == 7000
    pdf = client.get(PARITRANA_EXPORT, query | {"format": "pdf"})
    text = _pdf_text(pdf.content)
    assert "Profil program untuk Paritrana Award" in text and "500.15/166/2025" in text
    cells = " ".join(str(c) for rows in sheets.values() for row in rows for c in row) + text
    assert not [p for p in _personal(dash) if p in cells]
    events = AuditEvent.objects.filter(object_type="paritrana_profile").order_by("id")
    assert [e.detail["format"] for e in events] == ["xlsx", "pdf"]


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        (COVERAGE, {"programme": "999999", "format": "xlsx"}, "Pilih program yang ada"),
        (COVERAGE, {"format": "xlsx"}, "Pilih program yang ada"),
        (COVERAGE, {"programme": "PK", "format": "docx"}, "Format unduhan tidak dikenal"),
        (PARITRANA_EXPORT, {"programme": "PK", "format": "csv"}, "Format unduhan tidak dikenal"),
        (PARITRANA_EXPORT, {"programme": "PK", "informal": "banyak"}, "bilangan bulat"),
        (PARITRANA_EXPORT, {"programme": "PK", "informal": "0"}, "lebih dari 0"),
    ],
)
def test_a_wrong_download_request_says_what_to_fix_and_exports_nothing(
    dash: Dash, url: str, query: dict[str, str], message: str
) -> None:
    query = {k: str(dash.programme.pk) if v == "PK" else v for k, v in query.items()}
    response = client_for(dash.users["manager"]).get(url, query, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][0].startswith(INDEX)
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_wrong_informal_figure_is_explained_on_the_page(dash: Dash) -> None:
    html = (
        client_for(dash.users["manager"])
        .get(PARITRANA, {"programme": str(dash.programme.pk), "informal": "12,5"})
        .content.decode()
    )
    assert "harus bilangan bulat" in html
    assert "tidak tercatat di Lindung" in html


def test_the_report_pages_need_a_sign_in(db: None) -> None:
    for url in (INDEX, COVERAGE, PARITRANA, PARITRANA_EXPORT):
        response = Client().get(url)
        assert response.status_code == 302 and "/akun/" in response["Location"], url

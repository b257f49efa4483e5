"""The claims pages: who may see and do what, the forms' messages, and the exports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.claims.models import Claim, ClaimStatus
from lindung.claims.tests.conftest import ACCIDENT, open_jkk, open_jkm, receive_required
from lindung.contributions.tests.conftest import Billable
from lindung.people.nik import mask_nik


def url(name: str, *args: int) -> str:
    return reverse(f"claims:{name}", args=args)


def html(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def client(covered: Billable, role: str) -> Client:
    return client_for(covered.users[role])


def test_an_empty_register_says_how_cases_arrive(covered: Billable) -> None:
    page = client(covered, "desa").get(url("list"))
    assert page.status_code == 200
    assert "Belum ada kasus klaim" in html(page) and "Laporkan klaim" in html(page)


def test_the_register_lists_cases_with_masked_nik_and_totals(covered: Billable) -> None:
    claim = open_jkk(covered)
    open_jkm(covered, 8, role="manager")
    page = client(covered, "auditor").get(url("list"))
    text = html(page)
    member = claim.membership
    assert member.name in text and mask_nik(member.nik) in text and member.nik not in text
    assert page.context["totals"].count == 2
    assert "Laporkan klaim" not in text  # the auditor only reads
    assert "Rp42.000.000" in text  # the JKM case's expected amount
    filtered = client(covered, "auditor").get(url("list") + "?benefit=JKK&since=2025-11-01")
    assert [c.pk for c in filtered.context["page"]] == [claim.pk]
    bad = client(covered, "auditor").get(url("list") + "?since=2025-12-01&until=2025-11-01")
    assert "Tanggal akhir sebelum tanggal awal" in html(bad)


def test_a_village_operator_of_another_village_gets_404(covered: Billable) -> None:
    claim = open_jkk(covered)
    other = client(covered, "desa_b")
    assert other.get(url("claim", claim.pk)).status_code == 404
    assert other.post(url("heir_add", claim.pk), {"version": 1, "name": "X"}).status_code == 404
    assert other.get(url("open") + f"?member={claim.membership_id}").status_code == 404
    assert claim.pk not in [c.pk for c in other.get(url("list")).context["page"]]


def test_finance_reads_the_register_but_may_not_report_or_manage(covered: Billable) -> None:
    claim = open_jkk(covered)
    finance = client(covered, "finance")
    assert finance.get(url("claim", claim.pk)).status_code == 200
    assert finance.get(url("open")).status_code == 403
    assert finance.post(url("complete", claim.pk), {"version": 1}).status_code == 403
    desa = client(covered, "desa")
    assert desa.post(url("submit", claim.pk), {"version": 1}).status_code == 403


def test_a_village_opens_a_case_from_the_member_page(covered: Billable) -> None:
    member = covered.member(2)
    desa = client(covered, "desa")
    picker = desa.get(url("open") + "?q=bambang")
    assert member.name in html(picker) and f"?member={member.pk}" in html(picker)
    assert desa.get(url("open") + "?q=hartono").context["found"] == []  # village B's member
    form_url = url("open") + f"?member={member.pk}"
    assert desa.get(form_url).status_code == 200
    response = desa.post(
        form_url,
        {
            "benefit": "JKK",
            "event_date": "2025-11-10",
            "event_place": "Kebun sawit",
            "reporter_name": "Sumarni",
            "reporter_phone": "081273001122",
            "reported_on": "2025-11-11",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == url("claim", claim.pk)
    page = html(desa.get(url("claim", claim.pk)))
    assert "Laporan kecelakaan kerja tahap I" in page and "dibayar lunas" in page


def test_bad_input_on_the_open_form_says_what_to_fix(covered: Billable) -> None:
    member = covered.member(2)
    response = client(covered, "desa").post(
        url("open") + f"?member={member.pk}",
        {
            "benefit": "JKK",
            "event_date": "2025-09-01",
            "event_place": "",
            "reporter_name": "Sumarni",
            "reporter_phone": "abc",
            "reported_on": "2025-11-11",
        },
    )
    text = html(response)
    assert response.status_code == 400
    assert "sebelum perlindungan" in text
    assert "Isi tempat kecelakaan" in text and "Nomor HP abc tidak sah" in text
    assert not Claim.objects.exists()
    empty = client(covered, "desa").post(url("open") + f"?member={member.pk}", {})
    assert empty.status_code == 400 and "Isi tanggal kejadian." in html(empty)


def test_a_case_goes_through_the_pages_to_paid(covered: Billable) -> None:
    claim = open_jkm(covered)
    desa, bpjs = client(covered, "desa"), client(covered, "bpjs")

    def version() -> int:
        return Claim.objects.get(pk=claim.pk).version

    r = desa.post(
        url("heir_add", claim.pk), {"version": version(), "name": "Sumarni", "relation": "spouse"}
    )
    assert r.status_code == 302
    codes = list(claim.documents.filter(required=True).values_list("code", flat=True))
    r = desa.post(
        url("documents", claim.pk),
        {"version": version(), "codes": codes, "received_on": "2025-12-01"},
    )
    assert r.status_code == 302
    assert bpjs.post(url("complete", claim.pk), {"version": version()}).status_code == 302
    r = bpjs.post(
        url("submit", claim.pk),
        {"version": version(), "bpjs_reference": "JKM/1", "submitted_on": "2025-12-05"},
    )
    assert r.status_code == 302
    for kind, amount in (("jkm_lump_sum", "20.000.000"), ("jkm_periodic", "Rp12.000.000")):
        r = bpjs.post(
            url("component", claim.pk),
            {"version": version(), "kind": kind, "paid_amount": amount, "paid_on": "2025-12-20"},
        )
        assert r.status_code == 302
    r = bpjs.post(url("pay", claim.pk), {"version": version(), "decided_on": "2025-12-20"})
    assert r.status_code == 302
    done = Claim.objects.get(pk=claim.pk)
    assert done.status == ClaimStatus.PAID
    page = html(bpjs.get(url("claim", claim.pk)))
    assert "Rp32.000.000" in page  # paid so far, against Rp42.000.000 expected
    assert "Rp42.000.000" in page


def test_an_action_refused_shows_the_reason_on_the_case(covered: Billable) -> None:
    claim = open_jkk(covered)
    manager = client(covered, "manager")
    r = manager.post(url("complete", claim.pk), {"version": claim.version})
    assert r.status_code == 400 and "Dokumen wajib belum diterima" in html(r)
    r = manager.post(url("documents", claim.pk), {"version": claim.version, "received_on": ""})
    assert r.status_code == 400
    assert "Centang minimal satu dokumen" in html(r) and "Isi tanggal dokumen diterima" in html(r)


def test_a_stale_page_is_told_to_reload(covered: Billable) -> None:
    claim = receive_required(open_jkk(covered))
    manager = client(covered, "manager")
    r = manager.post(url("complete", claim.pk), {"version": 1}, follow=True)
    assert "muat ulang halaman" in html(r)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REPORTED


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_exports_are_audited_and_mask_the_nik(covered: Billable, fmt: str) -> None:
    claim = open_jkk(covered)
    member = claim.membership
    response = client(covered, "desa").get(url("export") + f"?format={fmt}&benefit=JKK")
    assert response.status_code == 200
    body = response.content
    if fmt == "xlsx":
        book = CalamineWorkbook.from_filelike(io.BytesIO(body))
        rows = book.get_sheet_by_index(0).to_python()
        text = "\n".join(" ".join(str(v) for v in row) for row in rows)
    else:
        pages = PdfReader(io.BytesIO(body)).pages
        text = " ".join(" ".join(p.extract_text() for p in pages).split())  # cells wrap
    assert member.name in text and mask_nik(member.nik) in text
    assert member.nik not in text
    audit = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="claim")
    assert audit.actor == covered.users["desa"]
    assert audit.detail["format"] == fmt and audit.detail["rows"] == 1
    assert audit.detail["full_nik"] is False


def test_an_unknown_export_format_is_refused(covered: Billable) -> None:
    r = client(covered, "desa").get(url("export") + "?format=doc", follow=True)
    assert "format tidak valid" in html(r)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_event_month_hint_and_paid_months_show_on_the_case(covered: Billable) -> None:
    claim = open_jkm(covered)
    page = html(client(covered, "desa").get(url("claim", claim.pk)))
    assert "Petunjuk kelayakan" in page and "November 2025" in page
    assert "beasiswa anak belum termasuk" in page
    assert ACCIDENT.year == 2025
    assert date(2025, 11, 20).strftime("%d") in page

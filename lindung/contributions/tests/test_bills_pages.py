"""The bill pages for every role: overview, a programme's bills, one bill, drafting and
approving through the forms, and the exports (figures as in the bill, masked NIK, audited)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.contributions.billing import bill_draft
from lindung.contributions.models import Bill, BillStatus
from lindung.contributions.tests.bills_helpers import NOV, OCT, approved_bill, end_member
from lindung.contributions.tests.conftest import MEMBERS, RATE, Billable
from lindung.people.nik import mask_nik

READERS = ["admin", "manager", "finance", "bpjs", "auditor", "leadership"]


def _client(billable: Billable, role: str) -> Client:
    return client_for(billable.users[role])


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def _draft(billable: Billable, month: Any = OCT) -> Bill:
    return bill_draft(actor=billable.users["finance"], programme=billable.programme, month=month)


@pytest.mark.parametrize("role", READERS)
def test_readers_open_every_bill_page(billable: Billable, role: str) -> None:
    bill = _draft(billable)
    client = _client(billable, role)
    index = _html(client.get(reverse("contributions:index")))
    assert billable.programme.name in index and "Rp134.400" in index
    listing = _html(client.get(reverse("contributions:bills", args=[billable.programme.pk])))
    assert "Rp134.400" in listing and "Draf" in listing
    detail = _html(client.get(reverse("contributions:bill", args=[bill.pk])))
    assert "Rp80.000" in detail and "Rp54.400" in detail and "Rp134.400" in detail
    may_manage = role in ("admin", "manager", "finance")
    assert ("Setujui tagihan ini" in detail) is may_manage
    assert ("Buat draf tagihan" in listing) is may_manage


@pytest.mark.parametrize("role", ["desa", "kecamatan", "verifier"])
def test_villages_and_kecamatan_have_no_part_in_the_money(billable: Billable, role: str) -> None:
    bill = _draft(billable)
    client = _client(billable, role)
    for url in (
        reverse("contributions:index"),
        reverse("contributions:bills", args=[billable.programme.pk]),
        reverse("contributions:bill", args=[bill.pk]),
        reverse("contributions:bill_export", args=[bill.pk]) + "?format=xlsx",
    ):
        assert client.get(url).status_code == 403, url
    approve = reverse("contributions:bill_approve", args=[bill.pk])
    assert client.post(approve, {"version": bill.version}).status_code == 403
    assert not Bill.objects.get(pk=bill.pk).approved


def test_empty_states_say_what_to_do(billable: Billable) -> None:
    client = _client(billable, "finance")
    index = _html(client.get(reverse("contributions:index")))
    assert "Belum ada tagihan" in index
    listing = _html(client.get(reverse("contributions:bills", args=[billable.programme.pk])))
    assert "Belum ada tagihan untuk program ini" in listing
    assert "Buat draf tagihan bulan pertama" in listing
    auditor = _html(
        _client(billable, "auditor").get(
            reverse("contributions:bills", args=[billable.programme.pk])
        )
    )
    assert "Belum ada tagihan untuk program ini" in auditor and "formulir" not in auditor


def test_the_bill_shows_masked_niks_and_area_totals(billable: Billable) -> None:
    bill = _draft(billable)
    html = _html(_client(billable, "auditor").get(bill.get_absolute_url()))
    member = billable.members()[0]
    assert mask_nik(member.nik) in html and member.nik not in html
    assert member.kpj in html
    assert "Per kecamatan" in html and "Per desa/kelurahan" in html
    filtered = _html(_client(billable, "auditor").get(bill.get_absolute_url(), {"q": member.kpj}))
    assert member.name in filtered
    others = [m for m in billable.members() if m.name != member.name]
    assert not any(mask_nik(m.nik) in filtered for m in others)
    nothing = _html(_client(billable, "auditor").get(bill.get_absolute_url(), {"q": "zzzz"}))
    assert "Tidak ada baris tagihan yang cocok" in nothing


def test_drafting_and_approving_through_the_pages(billable: Billable) -> None:
    client = _client(billable, "finance")
    made = client.post(
        reverse("contributions:bill_make", args=[billable.programme.pk]), {"month": "2025-10"}
    )
    bill = Bill.objects.get(programme=billable.programme, month=OCT)
    assert made.status_code == 302 and made["Location"] == bill.get_absolute_url()
    assert (bill.members, bill.total, bill.budget_line) == (MEMBERS, 134_400, billable.budget_line)
    approve = reverse("contributions:bill_approve", args=[bill.pk])
    client.post(approve, {"version": bill.version})
    bill.refresh_from_db()
    assert bill.status == BillStatus.APPROVED and bill.approved_by == billable.users["finance"]
    html = _html(client.get(bill.get_absolute_url()))
    assert "Setujui tagihan ini" not in html and "Disetujui" in html


def test_an_outdated_approval_form_is_refused_with_a_message(billable: Billable) -> None:
    bill = _draft(billable)
    _draft(billable)  # made again since the page was loaded
    client = _client(billable, "manager")
    response = client.post(
        reverse("contributions:bill_approve", args=[bill.pk]),
        {"version": bill.version},
        follow=True,
    )
    assert "baru saja dibuat ulang" in response.content.decode()
    assert not Bill.objects.get(pk=bill.pk).approved


def test_bad_months_and_approved_months_are_refused_with_a_message(billable: Billable) -> None:
    approved_bill(billable, OCT)
    client = _client(billable, "finance")
    url = reverse("contributions:bill_make", args=[billable.programme.pk])
    bad = client.post(url, {"month": "Oktober"}, follow=True).content.decode()
    assert "tulis tahun dan bulan seperti 2025-10" in bad
    again = client.post(url, {"month": "2025-10"}, follow=True).content.decode()
    assert "sudah disetujui dan tidak bisa dibuat ulang" in again
    assert Bill.objects.count() == 1


def test_the_xlsx_export_matches_the_bill_and_is_audited(billable: Billable) -> None:
    approved_bill(billable, OCT)
    approved_bill(billable, NOV)
    end_member(billable.members()[0], NOV)
    bill = _draft(billable, month=NOV.replace(month=12))
    response = _client(billable, "auditor").get(
        reverse("contributions:bill_export", args=[bill.pk]), {"format": "xlsx"}
    )
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    benefits = next(rows for name, rows in sheets.items() if name.startswith("Per manfaat"))
    assert ["Jumlah tagihan", bill.total] in [[r[0], r[1]] for r in benefits]
    lines = next(rows for name, rows in sheets.items() if name.startswith("Baris"))
    header = next(i for i, r in enumerate(lines) if r[0] == "Kode desa")
    body = lines[header + 1 : -1]
    assert len(body) == bill.members + bill.adjustment_lines == MEMBERS
    amounts = [int(str(r[10]).removesuffix(".0")) for r in body]
    assert sum(amounts) == bill.total == (MEMBERS - 2) * RATE
    assert min(amounts) == -RATE
    niks = {str(r[3]) for r in body}
    assert all("****" in n for n in niks)
    assert not any(m.nik in niks for m in billable.members())
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="bill")
    assert event.object_id == str(bill.pk) and event.actor == billable.users["auditor"]
    assert event.detail["format"] == "xlsx" and event.detail["full_nik"] is False


def test_the_pdf_export_is_a_pdf_with_the_totals(billable: Billable) -> None:
    from lindung.contributions import documents
    from lindung.contributions.views_bills import _report

    bill = _draft(billable)
    response = _client(billable, "finance").get(
        reverse("contributions:bill_export", args=[bill.pk]), {"format": "pdf"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = documents.pdf_html(_report(billable.users["finance"], bill, with_lines=True))
    assert "Rp134.400" in html and "Rp80.000" in html and "Rp54.400" in html
    assert AuditEvent.objects.filter(object_type="bill", detail__format="pdf").count() == 1
    wrong = _client(billable, "finance").get(
        reverse("contributions:bill_export", args=[bill.pk]), {"format": "doc"}
    )
    assert wrong.status_code == 302


def test_an_unknown_programme_or_bill_is_not_found(billable: Billable) -> None:
    client = _client(billable, "finance")
    assert client.get(reverse("contributions:bills", args=[999_999])).status_code == 404
    assert client.get(reverse("contributions:bill", args=[999_999])).status_code == 404
    make = reverse("contributions:bill_make", args=[999_999])
    assert client.post(make, {"month": "2025-10"}).status_code == 404

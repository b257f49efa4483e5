"""The invoice pages: upload for a bill, an invoice's differences, settling them, the XLSX, and
the `lindung invoice import` command."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import client_for, make_user
from lindung.audit.models import AuditEvent
from lindung.contributions import reconciliation
from lindung.contributions.invoice_simulator import invoice_file
from lindung.contributions.models import (
    Bill,
    DifferenceKind,
    Invoice,
    InvoiceDifference,
    Resolution,
)
from lindung.contributions.reconciliation import invoice_import
from lindung.contributions.tests.conftest import Billable
from lindung.contributions.tests.reconciliation_helpers import RATE, approved_bill, draft_bill
from lindung.regions.services import regions_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(billable: Billable) -> Bill:
    return approved_bill(billable.programme, date(2025, 10, 1), billable.members())


@pytest.fixture
def invoice(billable: Billable, bill: Bill) -> Invoice:
    """BPJS bills one KPJ that is not ours (the demo's deliberate difference)."""
    return invoice_import(
        actor=billable.users["bpjs"],
        bill=bill,
        number="TAG/BPU/1705/2025/10",
        total=bill.total + RATE,
        data=invoice_file(bill, extra=1),
        file_name="tagihan_bpjs_2025-10.csv",
    )


def _client(billable: Billable, role: str) -> Client:
    return client_for(billable.users[role])


def _upload(client: Client, bill: Bill, **fields: object) -> object:
    url = reverse("contributions:invoice_new", args=[bill.pk])
    return client.post(url, {"number": "TAG/1", "total": str(bill.total), **fields})


# -- upload ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["bpjs", "finance"])
def test_a_reconciler_uploads_an_invoice_with_its_member_list(
    billable: Billable, bill: Bill, role: str
) -> None:
    client = _client(billable, role)
    assert client.get(reverse("contributions:invoice_new", args=[bill.pk])).status_code == 200
    data = invoice_file(bill, file_format="xlsx", extra=1)
    berkas = io.BytesIO(data)
    berkas.name = "tagihan.xlsx"
    response = client.post(
        reverse("contributions:invoice_new", args=[bill.pk]),
        {
            "number": "TAG/10",
            "issued_on": "2025-11-05",
            "total": str(bill.total + RATE),
            "berkas": berkas,
        },
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == invoice.get_absolute_url()
    assert invoice.issued_on == date(2025, 11, 5) and invoice.imported_by == billable.users[role]
    assert invoice.counts["rows"] == 9 and invoice.counts["bpjs_only"] == 1
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert "9 baris = 8 cocok + 0 jumlah berbeda + 1 hanya di BPJS + 0 ganda" in page
    assert "KPJ dan NIK ini tidak dikenal di program ini." in page


def test_a_total_only_invoice_needs_no_file(billable: Billable, bill: Bill) -> None:
    response = _upload(_client(billable, "finance"), bill, total=str(bill.total + 5))
    assert response.status_code == 302  # type: ignore[attr-defined]
    (difference,) = Invoice.objects.get().differences.all()
    assert difference.kind == DifferenceKind.TOTAL


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": ""}, "Isi nomor tagihan seperti tertulis di tagihan BPJS."),
        ({"total": "134.400,5"}, "Tulis jumlah sebagai angka rupiah utuh"),
        ({"total": "-1"}, "Jumlah tagihan tidak boleh kurang dari nol."),
        ({"issued_on": "kemarin"}, "Tanggal tidak terbaca"),
    ],
)
def test_the_upload_form_says_in_indonesian_what_to_fix(
    billable: Billable, bill: Bill, fields: dict[str, str], message: str
) -> None:
    response = _upload(_client(billable, "finance"), bill, **fields)
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert message in html
    assert "Tagihan BPJS belum dicatat." in html
    assert Invoice.objects.count() == 0


def test_a_wrong_file_is_refused_on_the_form_and_nothing_is_kept(
    billable: Billable, bill: Bill
) -> None:
    berkas = io.BytesIO(b"Nama,NIK,Iuran\nBudi,1705,16800\n")
    berkas.name = "salah.csv"
    response = _upload(_client(billable, "finance"), bill, berkas=berkas)
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "Kolom nomor KPJ tidak ditemukan di berkas salah.csv" in html
    assert "Kolom yang terbaca: Nama, NIK, Iuran." in html
    assert Invoice.objects.count() == 0 and InvoiceDifference.objects.count() == 0


def test_a_draft_bill_cannot_be_reconciled_yet(billable: Billable) -> None:
    draft = draft_bill(billable.programme, date(2025, 11, 1))
    response = _upload(_client(billable, "finance"), draft)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "belum disetujui" in response.content.decode()  # type: ignore[attr-defined]
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize("role", ["auditor", "leadership", "desa", "kecamatan", "verifier"])
def test_other_roles_get_403_on_the_upload_form(billable: Billable, bill: Bill, role: str) -> None:
    client = _client(billable, role)
    assert client.get(reverse("contributions:invoice_new", args=[bill.pk])).status_code == 403
    assert _upload(client, bill).status_code == 403  # type: ignore[attr-defined]
    assert Invoice.objects.count() == 0


def test_the_bill_page_lists_its_invoices_and_links_the_upload(
    billable: Billable, bill: Bill, invoice: Invoice
) -> None:
    html = _client(billable, "finance").get(bill.get_absolute_url()).content.decode()
    assert invoice.get_absolute_url() in html and invoice.number in html
    assert reverse("contributions:invoice_new", args=[bill.pk]) in html
    auditor = _client(billable, "auditor").get(bill.get_absolute_url()).content.decode()
    assert invoice.number in auditor
    assert reverse("contributions:invoice_new", args=[bill.pk]) not in auditor


# -- the invoice page ------------------------------------------------------------------------


def test_the_auditor_reads_the_invoice_without_forms(billable: Billable, invoice: Invoice) -> None:
    response = _client(billable, "auditor").get(invoice.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ditagih BPJS, bukan peserta aktif kita" in html
    assert "Rp16.800" in html and "(BPJS menagih lebih)" in html
    assert reverse("contributions:invoice_resolve_bulk", args=[invoice.pk]) not in html
    assert "Simpan keputusan" not in html
    difference = invoice.differences.get(kind=DifferenceKind.BPJS_ONLY)
    url = reverse("contributions:invoice_resolve", args=[invoice.pk, difference.pk])
    post = _client(billable, "auditor").post(
        url, {"resolution": Resolution.ACCEPTED, "reason": "x"}
    )
    assert post.status_code == 403
    assert not InvoiceDifference.objects.get(pk=difference.pk).resolved


def test_a_reconciler_sees_the_forms_and_filters(billable: Billable, invoice: Invoice) -> None:
    client = _client(billable, "finance")
    html = client.get(invoice.get_absolute_url()).content.decode()
    assert "Simpan keputusan" in html
    assert reverse("contributions:invoice_resolve_bulk", args=[invoice.pk]) in html
    only_totals = client.get(f"{invoice.get_absolute_url()}?jenis=total").content.decode()
    assert "Jumlah tagihan berbeda" in only_totals
    assert "KPJ dan NIK ini tidak dikenal" not in only_totals


@pytest.mark.parametrize("role", ["desa", "kecamatan"])
def test_villages_and_districts_get_403_on_the_invoice(
    billable: Billable, invoice: Invoice, role: str
) -> None:
    client = _client(billable, role)
    assert client.get(invoice.get_absolute_url()).status_code == 403
    export = reverse("contributions:invoice_export", args=[invoice.pk])
    assert client.get(export).status_code == 403


def test_a_user_of_another_regency_cannot_open_the_invoice(
    billable: Billable, bill: Bill, invoice: Invoice
) -> None:
    regions_load(only="17.01")
    strangers = {
        role: make_user(role, "17.01", username=f"{role}-bengkulu-selatan")
        for role in (Role.FINANCE, Role.AUDITOR)
    }
    for stranger in strangers.values():
        client = client_for(stranger)
        assert client.get(invoice.get_absolute_url()).status_code == 404
        export = reverse("contributions:invoice_export", args=[invoice.pk])
        assert client.get(export).status_code == 404
        assert reconciliation.invoice_for(stranger, invoice.pk) is None
    stranger_finance = strangers[Role.FINANCE]
    assert _upload(client_for(stranger_finance), bill).status_code == 404  # type: ignore[attr-defined]
    difference = invoice.differences.first()
    assert difference is not None
    url = reverse("contributions:invoice_resolve", args=[invoice.pk, difference.pk])
    response = client_for(stranger_finance).post(url, {"resolution": "accepted", "reason": "x"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=reconciliation.ACTION_RESOLVE).exists()


def test_one_difference_is_settled_from_the_page(billable: Billable, invoice: Invoice) -> None:
    difference = invoice.differences.get(kind=DifferenceKind.BPJS_ONLY)
    url = reverse("contributions:invoice_resolve", args=[invoice.pk, difference.pk])
    client = _client(billable, "bpjs")
    refused = client.post(url, {"resolution": Resolution.OURS_CORRECT, "reason": ""})
    assert refused.status_code == 400
    assert "Tulis alasannya" in refused.content.decode()
    assert not InvoiceDifference.objects.get(pk=difference.pk).resolved
    done = client.post(
        url,
        {
            "resolution": Resolution.OURS_CORRECT,
            "reason": "Bukan peserta Seluma.",
            "next_query": "status=open",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == f"{invoice.get_absolute_url()}?status=open"
    stored = InvoiceDifference.objects.get(pk=difference.pk)
    assert (stored.reason, stored.resolved_by) == ("Bukan peserta Seluma.", billable.users["bpjs"])
    again = client.post(url, {"resolution": Resolution.ACCEPTED, "reason": "Lagi."})
    assert again.status_code == 400
    assert "sudah diselesaikan" in again.content.decode()


def test_checked_differences_are_settled_together(billable: Billable, invoice: Invoice) -> None:
    ids = [str(pk) for pk in invoice.differences.values_list("pk", flat=True)]
    url = reverse("contributions:invoice_resolve_bulk", args=[invoice.pk])
    client = _client(billable, "finance")
    nothing = client.post(url, {"bulk-resolution": "accepted", "bulk-reason": "x"})
    assert nothing.status_code == 400
    assert "Centang dulu" in nothing.content.decode()
    # An id printed with a thousands separator (1.234) must not vanish silently.
    grouped = client.post(
        url, {"difference": [ids[0], "1.234"], "bulk-resolution": "accepted", "bulk-reason": "x"}
    )
    assert grouped.status_code == 400
    assert "1 pilihan tidak terbaca" in grouped.content.decode()
    assert invoice.differences.filter(resolution="").count() == len(ids)
    done = client.post(
        url,
        {
            "difference": ids,
            "bulk-resolution": Resolution.OURS_CORRECT,
            "bulk-reason": "Bukan peserta program; dibayar sesuai tagihan Dinas.",
        },
    )
    assert done.status_code == 302
    assert invoice.differences.filter(resolution="").count() == 0
    event = AuditEvent.objects.get(action=reconciliation.ACTION_RESOLVE)
    assert event.detail["count"] == len(ids) == 2


def test_the_differences_download_as_xlsx_and_the_export_is_audited(
    billable: Billable, invoice: Invoice
) -> None:
    response = _client(billable, "auditor").get(
        reverse("contributions:invoice_export", args=[invoice.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "selisih_tagihan_bpjs_TAG-BPU-1705-2025-10.xlsx" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = [c for row in book.get_sheet_by_index(0).to_python() for c in row]
    assert "99000000001" in cells
    assert "Ditagih BPJS, bukan peserta aktif kita" in cells
    assert not any(isinstance(c, str) and c.isdigit() and len(c) == 16 for c in cells)  # no NIK
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.object_type, event.object_id) == ("invoice", str(invoice.pk))
    assert event.detail["rows"] == 2 and event.actor == billable.users["auditor"]


# -- the command -----------------------------------------------------------------------------


def test_the_command_imports_an_invoice_with_its_file(
    billable: Billable, bill: Bill, tmp_path: Path
) -> None:
    path = tmp_path / "tagihan.csv"
    path.write_bytes(invoice_file(bill, missing=1))
    out = io.StringIO()
    call_command(
        "invoice",
        "import",
        "--bill",
        str(bill.pk),
        "--number",
        "TAG/CLI",
        "--total",
        str(bill.total - RATE),
        "--issued",
        "2025-11-05",
        "--file",
        str(path),
        "--as",
        billable.users["bpjs"].username,
        "--json",
        stdout=out,
    )
    payload = json.loads(out.getvalue())
    invoice = Invoice.objects.get()
    assert payload["invoice_id"] == invoice.pk and payload["differences"] == 2
    assert payload["counts"]["rows"] == 7 and payload["counts"]["ours_only"] == 1
    assert invoice.imported_by == billable.users["bpjs"]
    assert invoice.issued_on == date(2025, 11, 5)


def test_the_command_prints_the_counts(billable: Billable, bill: Bill, tmp_path: Path) -> None:
    path = tmp_path / "tagihan.csv"
    path.write_bytes(invoice_file(bill))
    out = io.StringIO()
    call_command(
        "invoice", "import", "--bill", str(bill.pk), "--number", "T", "--total",
        str(bill.total), "--file", str(path), stdout=out,
    )  # fmt: skip
    assert "8 baris = 8 cocok + 0 jumlah berbeda" in out.getvalue()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--total", "134.400"], "--total harus rupiah utuh"),
        (["--total", "1", "--issued", "5/11/2025"], "--issued harus tanggal"),
        (["--total", "1", "--file", "/nonexistent/tagihan.csv"], "tidak ada"),
        (["--total", "1", "--as", "nobody"], "Pengguna nobody tidak ada"),
        (["--total", "1", "--as", "auditor-1705"], "tidak boleh mencocokkan"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_code_2(
    billable: Billable, bill: Bill, extra: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        call_command("invoice", "import", "--bill", str(bill.pk), "--number", "T", *extra)
    assert caught.value.returncode == 2
    assert Invoice.objects.count() == 0


def test_the_command_refuses_a_repeated_number(billable: Billable, bill: Bill) -> None:
    args = ["invoice", "import", "--bill", str(bill.pk), "--number", "T", "--total", "1"]
    call_command(*args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="nomor T untuk tagihan ini sudah diunggah"):
        call_command(*args)
    assert Invoice.objects.count() == 1

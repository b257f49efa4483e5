"""Importing BPJS's invoice and finding every difference from our approved bill.

The Seluma bill of October 2025 holds the 8 registered members at Rp16.800 (Rp134.400).
"""

from __future__ import annotations

from datetime import date

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import make_user
from lindung.audit.models import AuditEvent
from lindung.contributions import reconciliation
from lindung.contributions.invoice_simulator import CHANGE, invoice_file
from lindung.contributions.models import Bill, DifferenceKind, Invoice, InvoiceDifference
from lindung.contributions.reconciliation import ReconciliationError, invoice_import
from lindung.contributions.tests.conftest import Billable
from lindung.contributions.tests.reconciliation_helpers import (
    RATE,
    approved_bill,
    csv_bytes,
    draft_bill,
)
from lindung.membership.models import Membership, MemberStatus
from lindung.regions.services import regions_load

pytestmark = pytest.mark.django_db

OCTOBER = date(2025, 10, 1)
BILL_TOTAL = 8 * RATE  # Rp134.400
UNKNOWN_KPJ = "99000000001"


@pytest.fixture
def bill(billable: Billable) -> Bill:
    return approved_bill(billable.programme, OCTOBER, billable.members())


def _row(member: Membership, amount: str = str(RATE)) -> list[str]:
    return [member.kpj, member.nik, member.name, amount]


def _kinds(invoice: Invoice) -> dict[str, list[InvoiceDifference]]:
    found: dict[str, list[InvoiceDifference]] = {}
    for difference in invoice.differences.order_by("id"):
        found.setdefault(difference.kind, []).append(difference)
    return found


def _import(billable: Billable, bill: Bill, data: bytes, total: int, **kwargs: object) -> Invoice:
    return invoice_import(
        actor=billable.users["finance"],
        bill=bill,
        number=str(kwargs.pop("number", "TAG/2025/10")),
        total=total,
        issued_on=date(2025, 11, 5),
        data=data,
        file_name=str(kwargs.pop("file_name", "tagihan.csv")),
    )


def _crafted(members: list[Membership]) -> tuple[bytes, int]:
    """One difference of each kind in 10 rows, and the sum of the file's readable rows."""
    m = members
    rows = [
        _row(m[0]),
        _row(m[1]),
        _row(m[2], "17800"),  # amount
        _row(m[3]),
        _row(m[3]),  # duplicate of the row above
        # m[4] left out: ours_only
        _row(m[5]),
        _row(m[6]),
        _row(m[7]),
        ["", "1705000000000000", "Tanpa KPJ", "16800"],  # invalid
        [UNKNOWN_KPJ, "9999000000000001", "Orang Lain", "16800"],  # bpjs_only
    ]
    return csv_bytes(rows), 6 * RATE + 17_800 + RATE + RATE


def test_each_kind_of_difference_is_found_exactly_once(billable: Billable, bill: Bill) -> None:
    members = billable.members()
    data, file_total = _crafted(members)
    invoice = _import(billable, bill, data, file_total)
    kinds = _kinds(invoice)
    assert {kind: len(rows) for kind, rows in kinds.items()} == dict.fromkeys(
        DifferenceKind.values, 1
    )
    amount = kinds["amount"][0]
    assert (amount.membership_id, amount.row_number, amount.ours, amount.theirs) == (
        members[2].pk,
        4,
        RATE,
        17_800,
    )
    duplicate = kinds["duplicate"][0]
    assert (duplicate.kpj, duplicate.row_number, duplicate.theirs) == (members[3].kpj, 6, RATE)
    assert duplicate.detail == "KPJ ini sudah ada di baris 5."
    ours_only = kinds["ours_only"][0]
    assert (ours_only.membership_id, ours_only.kpj, ours_only.ours, ours_only.theirs) == (
        members[4].pk,
        members[4].kpj,
        RATE,
        None,
    )
    assert ours_only.row_number is None
    invalid = kinds["invalid"][0]
    assert (invalid.row_number, invalid.detail) == (10, "KPJ kosong.")
    bpjs_only = kinds["bpjs_only"][0]
    assert (bpjs_only.kpj, bpjs_only.row_number, bpjs_only.membership_id) == (
        UNKNOWN_KPJ,
        11,
        None,
    )
    assert bpjs_only.detail == "KPJ dan NIK ini tidak dikenal di program ini."
    total = kinds["total"][0]
    assert (total.ours, total.theirs) == (BILL_TOTAL, file_total)
    assert all(not d.resolved for rows in kinds.values() for d in rows)


def test_the_counts_add_up_from_the_files_side_and_from_the_bills(
    billable: Billable, bill: Bill
) -> None:
    data, file_total = _crafted(billable.members())
    invoice = _import(billable, bill, data, file_total)
    counts = invoice.counts
    assert counts == {
        "rows": 10,
        "matched": 6,
        "amount": 1,
        "bpjs_only": 1,
        "duplicate": 1,
        "invalid": 1,
        "ours_only": 1,
        "billed": 8,
        "file_total": file_total,
        "total": 1,
    }
    in_file = ("matched", "amount", "bpjs_only", "duplicate", "invalid")
    assert counts["rows"] == sum(counts[k] for k in in_file)
    assert counts["billed"] == counts["matched"] + counts["amount"] + counts["ours_only"]
    # Distinct readable KPJs: the 7 of ours listed plus the unknown one.
    assert invoice.members == 8
    assert invoice.programme_id == bill.programme_id
    assert invoice.file_name == "tagihan.csv" and len(invoice.file_sha256) == 64


def test_a_file_that_matches_the_bill_leaves_no_difference(billable: Billable, bill: Bill) -> None:
    invoice = _import(billable, bill, invoice_file(bill), BILL_TOTAL)
    assert invoice.differences.count() == 0
    assert invoice.counts["rows"] == invoice.counts["matched"] == 8


def test_the_simulator_xlsx_with_every_deliberate_difference(
    billable: Billable, bill: Bill
) -> None:
    data = invoice_file(bill, file_format="xlsx", extra=1, missing=1, changed=1, duplicated=1)
    file_total = 7 * RATE + CHANGE + RATE + RATE
    invoice = _import(billable, bill, data, file_total, file_name="tagihan.xlsx")
    counts = invoice.counts
    assert {k: counts[k] for k in ("rows", "matched", "amount", "bpjs_only", "duplicate")} == {
        "rows": 9,
        "matched": 6,
        "amount": 1,
        "bpjs_only": 1,
        "duplicate": 1,
    }
    assert (counts["invalid"], counts["ours_only"], counts["total"]) == (0, 1, 1)
    members = billable.members()
    kinds = _kinds(invoice)
    assert kinds["ours_only"][0].membership_id == members[0].pk
    assert kinds["amount"][0].membership_id == members[1].pk
    assert kinds["duplicate"][0].kpj == members[2].kpj


def test_the_bpjs_only_detail_says_who_the_kpj_or_nik_belongs_to(
    billable: Billable, bill: Bill
) -> None:
    members = billable.members()
    # Ended before the month (not in this bill): BPJS still bills them.
    ended = members[0]
    # A membership outside the bill, never registered: BPJS knows them, we have no KPJ yet.
    unregistered = members[1]
    billed = members[2:]
    october = approved_bill(billable.programme, date(2025, 11, 1), billed)
    Membership.objects.filter(pk=ended.pk).update(
        status=MemberStatus.ENDED, ended_on=date(2025, 10, 1), end_reason="died"
    )
    Membership.objects.filter(pk=unregistered.pk).update(
        status=MemberStatus.DETERMINED, kpj="", coverage_start=None
    )
    typo = billed[0]
    rows = [_row(m) for m in billed[1:]]
    rows += [
        [ended.kpj, "", ended.name, "16800"],
        ["77000000001", unregistered.nik, unregistered.name, "16800"],
        ["77000000002", typo.nik, typo.name, "16800"],  # our billed member, another KPJ
        [UNKNOWN_KPJ, "1705019999990001", "Orang Lain", "16.800"],
    ]
    invoice = _import(billable, october, csv_bytes(rows), 4 * RATE + 5 * RATE)
    found = {d.kpj: d for d in _kinds(invoice)["bpjs_only"]}
    assert found[ended.kpj].detail == (
        "KPJ ini milik peserta kita yang sudah berhenti sejak 01-10-2025."
    )
    assert found[ended.kpj].membership_id == ended.pk
    assert found["77000000001"].detail == (
        "NIK ini milik peserta kita yang belum tercatat terdaftar di BPJS (belum ada KPJ)."
    )
    assert found["77000000001"].membership_id == unregistered.pk
    assert found["77000000002"].detail == (
        f"NIK ini milik peserta kita yang ditagih dengan KPJ {typo.kpj}."
    )
    assert found[UNKNOWN_KPJ].detail == "KPJ dan NIK ini tidak dikenal di program ini."
    assert found[UNKNOWN_KPJ].membership_id is None
    ours_only = _kinds(invoice)["ours_only"]
    assert [d.membership_id for d in ours_only] == [typo.pk]


def test_amounts_are_read_as_operators_write_them(billable: Billable, bill: Bill) -> None:
    m = billable.members()
    rows = [
        _row(m[0], '"16.800"'),
        _row(m[1], "Rp 16.800"),
        _row(m[2], "16800.00"),
        _row(m[3], '"16,800"'),
        _row(m[4], '"16.800,00"'),
        _row(m[5], "1.6800"),  # unreadable
        _row(m[6], ""),  # empty
        [" " + m[7].kpj.lower() + " ", m[7].nik, m[7].name, "16800"],
        ["12", "", "Pendek", "16800"],  # KPJ too short
    ]
    invoice = _import(billable, bill, csv_bytes(rows), 0)
    assert invoice.counts["matched"] == 6
    invalid = {d.row_number: d for d in _kinds(invoice)["invalid"]}
    assert invalid[7].detail == "Iuran '1.6800' bukan jumlah rupiah utuh."
    assert invalid[7].kpj == m[5].kpj
    assert invalid[8].detail == "Iuran kosong."
    assert invalid[10].detail == "KPJ '12' tidak terbaca (5-20 angka atau huruf)."
    ours_only = {d.membership_id: d.detail for d in _kinds(invoice)["ours_only"]}
    # Their KPJs were in the file, on rows whose amount could not be read.
    assert ours_only == {
        m[5].pk: "KPJ ini ada di baris 7 berkas BPJS, tetapi iurannya tidak terbaca.",
        m[6].pk: "KPJ ini ada di baris 8 berkas BPJS, tetapi iurannya tidak terbaca.",
    }


def test_jkk_and_jkm_columns_stand_in_for_a_missing_amount_column(
    billable: Billable, bill: Bill
) -> None:
    rows = [[m.kpj, m.name, "10000", "6800"] for m in billable.members()]
    rows[0][3] = "7800"
    data = csv_bytes(rows, header=("Nomor Peserta", "Nama", "JKK", "JKM"))
    invoice = _import(billable, bill, data, BILL_TOTAL + 1_000)
    kinds = _kinds(invoice)
    assert sorted(kinds) == ["amount", "total"]
    assert (kinds["amount"][0].ours, kinds["amount"][0].theirs) == (RATE, RATE + 1_000)


def test_a_members_lines_are_summed_with_the_adjustments(billable: Billable) -> None:
    members = billable.members()
    bill = approved_bill(billable.programme, OCTOBER, members, adjustment={members[0].pk: RATE})
    rows = [_row(m) for m in members]
    rows[0][3] = str(2 * RATE)
    invoice = _import(billable, bill, csv_bytes(rows), bill.total)
    assert invoice.differences.count() == 0
    assert invoice.counts["matched"] == 8


# -- total only ------------------------------------------------------------------------------


def test_an_invoice_without_a_file_compares_the_total_only(billable: Billable, bill: Bill) -> None:
    same = invoice_import(actor=billable.users["bpjs"], bill=bill, number="A/1", total=BILL_TOTAL)
    assert same.differences.count() == 0
    assert same.members is None and same.file_name == "" and same.file_sha256 == ""
    assert same.counts["rows"] == 0 and same.counts["total"] == 0
    more = invoice_import(
        actor=billable.users["bpjs"], bill=bill, number="A/2", total=BILL_TOTAL + RATE
    )
    (difference,) = more.differences.all()
    assert difference.kind == DifferenceKind.TOTAL
    assert (difference.ours, difference.theirs) == (BILL_TOTAL, BILL_TOTAL + RATE)
    assert difference.detail == (
        "BPJS menagih Rp151.200, tagihan kita Rp134.400: selisih Rp16.800."
    )


def test_a_stated_total_that_differs_from_the_file_and_the_bill_gives_two_totals(
    billable: Billable, bill: Bill
) -> None:
    invoice = _import(billable, bill, invoice_file(bill), BILL_TOTAL + 5)
    totals = list(invoice.differences.filter(kind=DifferenceKind.TOTAL).order_by("id"))
    assert [(d.ours, d.theirs) for d in totals] == [
        (BILL_TOTAL, BILL_TOTAL + 5),
        (BILL_TOTAL, BILL_TOTAL + 5),
    ]
    assert "jumlah iuran di daftar pesertanya" in totals[0].detail
    assert "selisih Rp5" in totals[1].detail


def test_only_an_approved_bill_is_reconciled(billable: Billable) -> None:
    draft = draft_bill(billable.programme, OCTOBER)
    with pytest.raises(ReconciliationError, match="belum disetujui"):
        invoice_import(actor=billable.users["finance"], bill=draft, number="X", total=1)
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize(
    ("number", "total", "message"),
    [
        ("  ", 1, "Isi nomor tagihan BPJS"),
        ("X", -1, "rupiah utuh"),
        ("x" * 101, 1, "100 karakter"),
    ],
)
def test_the_number_and_total_are_checked(
    billable: Billable, bill: Bill, number: str, total: int, message: str
) -> None:
    with pytest.raises(ReconciliationError, match=message):
        invoice_import(actor=billable.users["finance"], bill=bill, number=number, total=total)
    assert Invoice.objects.count() == 0


# -- refusals --------------------------------------------------------------------------------


def test_the_same_file_is_refused_for_the_same_bill(billable: Billable, bill: Bill) -> None:
    data = invoice_file(bill)
    first = _import(billable, bill, data, BILL_TOTAL)
    with pytest.raises(ReconciliationError, match="Berkas ini sudah diunggah") as caught:
        _import(billable, bill, data, BILL_TOTAL, number="TAG/LAIN")
    assert first.number in caught.value.messages[0]
    assert Invoice.objects.count() == 1


def test_the_same_invoice_number_is_refused_for_the_same_bill(
    billable: Billable, bill: Bill
) -> None:
    invoice_import(actor=billable.users["finance"], bill=bill, number="TAG/1", total=BILL_TOTAL)
    with pytest.raises(ReconciliationError, match="nomor TAG/1 untuk tagihan ini sudah"):
        _import(billable, bill, invoice_file(bill), BILL_TOTAL, number="TAG/1")
    assert Invoice.objects.count() == 1
    assert InvoiceDifference.objects.count() == 0


def _workbook(headers: list[str], rows: list[list[str]]) -> bytes:
    import io

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([headers, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "file_name", "message"),
    [
        (
            csv_bytes([["Budi", "1705", "16800"]], header=("Nama", "NIK", "Iuran")),
            "tagihan.csv",
            "Kolom nomor KPJ tidak ditemukan di berkas tagihan.csv. Kolom yang terbaca: "
            "Nama, NIK, Iuran.",
        ),
        (
            _workbook(["No KPJ", "Nama", "Keterangan"], [["25000000001", "Budi", "-"]]),
            "tagihan.xlsx",
            "Kolom iuran tidak ditemukan di berkas tagihan.xlsx. Kolom yang terbaca: No KPJ, "
            "Nama, Keterangan.",
        ),
        (b"", "tagihan.csv", "kosong"),
        (b"No KPJ,Nama,Iuran\n", "tagihan.csv", "kosong"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "tagihan.pdf", "bukan CSV atau Excel"),
        (b"PK\x03\x04 not really a workbook", "tagihan.xlsx", "rusak"),
    ],
)
def test_a_wrong_file_is_refused_and_leaves_nothing_behind(
    billable: Billable, bill: Bill, data: bytes, file_name: str, message: str
) -> None:
    with pytest.raises(ReconciliationError) as caught:
        _import(billable, bill, data, BILL_TOTAL, file_name=file_name)
    assert message in caught.value.messages[0]
    assert Invoice.objects.count() == 0
    assert InvoiceDifference.objects.count() == 0
    assert not AuditEvent.objects.filter(action=reconciliation.ACTION_IMPORT).exists()


# -- audit and permissions -------------------------------------------------------------------


def test_the_import_is_audited(billable: Billable, bill: Bill) -> None:
    data, file_total = _crafted(billable.members())
    invoice = _import(billable, bill, data, file_total)
    event = AuditEvent.objects.get(action=reconciliation.ACTION_IMPORT)
    assert event.actor == billable.users["finance"]
    assert (event.object_type, event.object_id) == ("invoice", str(invoice.pk))
    assert event.detail["counts"] == invoice.counts
    assert event.detail["file_sha256"] == invoice.file_sha256
    assert event.detail["column_mapping"]["kpj"] == "No KPJ"


@pytest.mark.parametrize("role", ["bpjs", "finance", "manager", "admin"])
def test_the_dinas_finance_and_the_bpjs_liaison_may_reconcile(
    billable: Billable, bill: Bill, role: str
) -> None:
    invoice = invoice_import(
        actor=billable.users[role], bill=bill, number=f"T/{role}", total=BILL_TOTAL
    )
    assert invoice.imported_by == billable.users[role]


@pytest.mark.parametrize("role", ["auditor", "leadership", "verifier", "kecamatan", "desa"])
def test_other_roles_may_not_import_an_invoice(billable: Billable, bill: Bill, role: str) -> None:
    with pytest.raises(PermissionDenied):
        invoice_import(actor=billable.users[role], bill=bill, number="T", total=BILL_TOTAL)
    assert Invoice.objects.count() == 0


def test_finance_of_another_regency_may_not_import(billable: Billable, bill: Bill) -> None:
    regions_load(only="17.01")
    stranger = make_user(Role.FINANCE, "17.01", username="keuangan-bengkulu-selatan")
    with pytest.raises(PermissionDenied, match="di luar wilayah kerja"):
        invoice_import(actor=stranger, bill=bill, number="T", total=BILL_TOTAL)
    assert Invoice.objects.count() == 0

"""The payment and budget pages, the member's months and the home page's warnings: who
may see and do what, and that the figures reach the page."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.contributions.forecast import budget_warnings_raise
from lindung.contributions.models import BudgetWarning, Payment
from lindung.contributions.payments import payment_record, payment_void
from lindung.contributions.tests.conftest import Billable
from lindung.contributions.tests.payments_helpers import BILL_TOTAL, bills
from lindung.contributions.views_payments import budget_report, payments_report

DECEMBER = date(2025, 12, 1)


def record(billable: Billable, parts: list[tuple[object, int]], number: str = "001") -> Payment:
    return payment_record(
        actor=billable.users["finance"],
        programme=billable.programme,
        budget_line=billable.budget_line,
        sp2d_number=number,
        sp2d_date=date(2025, 11, 14),
        amount=sum(amount for _bill, amount in parts),
        allocations=parts,  # type: ignore[arg-type]
    )


def url(name: str, *args: int) -> str:
    return reverse(f"contributions:{name}", args=args)


def test_finance_records_a_partial_payment_through_the_form(billable: Billable) -> None:
    october, november = bills(billable, 2)
    client = client_for(billable.users["finance"])
    page = client.get(url("payment_new", billable.programme.pk) + f"?bill={october.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial[f"bill_{october.pk}"] == BILL_TOTAL
    response = client.post(
        url("payment_new", billable.programme.pk),
        {
            "sp2d_number": "00123/SP2D-LS/2025",
            "sp2d_date": "2025-11-14",
            "amount": "Rp200.000",
            "budget_line": billable.budget_line.pk,
            f"bill_{october.pk}": "134.400",
            f"bill_{november.pk}": "65.600",
        },
    )
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == url("payment", payment.pk)
    assert payment.amount == 200_000
    assert dict(payment.allocations.values_list("bill_id", "amount")) == {
        october.pk: BILL_TOTAL,
        november.pk: 65_600,
    }
    # November still owes: the form now offers only November, with its outstanding amount.
    form = client.get(url("payment_new", billable.programme.pk)).context["form"]
    assert [(r.bill_id, r.outstanding) for r in form.payable] == [(november.pk, 68_800)]


def test_a_refused_payment_shows_the_reason_and_records_nothing(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    response = client_for(billable.users["finance"]).post(
        url("payment_new", billable.programme.pk),
        {
            "sp2d_number": "001",
            "sp2d_date": "2025-11-14",
            "amount": "200000",
            "budget_line": billable.budget_line.pk,
            f"bill_{october.pk}": "200000",
        },
    )
    assert response.status_code == 400
    assert "Rp134.400 yang belum dibayar" in response.content.decode()
    assert not Payment.objects.exists()


def test_finance_voids_a_payment_with_a_reason(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    payment = record(billable, [(october, BILL_TOTAL)])
    client = client_for(billable.users["finance"])
    assert client.post(url("payment_void", payment.pk), {"reason": ""}).status_code == 400
    response = client.post(url("payment_void", payment.pk), {"reason": "Salah nomor"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.voided and payment.voided_by == billable.users["finance"]
    assert "Salah nomor" in client.get(url("payment", payment.pk)).content.decode()


@pytest.mark.parametrize("role", ["manager", "auditor", "leadership", "bpjs"])
def test_readers_see_payments_but_cannot_record_or_void(billable: Billable, role: str) -> None:
    (october,) = bills(billable, 1)
    payment = record(billable, [(october, BILL_TOTAL)])
    client = client_for(billable.users[role])
    for page in (url("payments", billable.programme.pk), url("payment", payment.pk)):
        response = client.get(page)
        assert response.status_code == 200 and "001" in response.content.decode()
    assert client.get(url("budget", billable.programme.pk)).status_code == 200
    assert client.get(url("payment_new", billable.programme.pk)).status_code == 403
    assert client.post(url("payment_void", payment.pk), {"reason": "x"}).status_code == 403
    assert not Payment.objects.get().voided


@pytest.mark.parametrize("role", ["desa", "kecamatan"])
def test_villages_have_no_part_in_the_money(billable: Billable, role: str) -> None:
    (october,) = bills(billable, 1)
    payment = record(billable, [(october, BILL_TOTAL)])
    client = client_for(billable.users[role])
    for page in (
        url("payments", billable.programme.pk),
        url("payment", payment.pk),
        url("budget", billable.programme.pk),
        url("budget_export", billable.programme.pk),
    ):
        assert client.get(page).status_code == 403


def test_the_budget_page_shows_the_position_and_warns_in_red(billable: Billable) -> None:
    october, _november = bills(billable, 2)
    record(billable, [(october, 100_000)])
    budget_warnings_raise(billable.programme, DECEMBER)
    response = client_for(billable.users["manager"]).get(url("budget", billable.programme.pk))
    html = response.content.decode()
    position = response.context["positions"][0]
    assert (position.billed, position.paid, position.remaining) == (268_800, 100_000, 134_400)
    assert response.context["outlook"].months_left == 1
    assert 'class="error"' in html and "cukup 1 bulan lagi" in html
    assert url("warning_acknowledge", BudgetWarning.objects.get().pk) in html
    assert "Rp34.400" in html  # October's arrears


def test_the_budget_page_takes_a_target_for_next_year(billable: Billable) -> None:
    bills(billable, 1)
    client = client_for(billable.users["finance"])
    response = client.get(url("budget", billable.programme.pk) + "?target=20")
    assert response.context["outlook"].next_year.need == 4_032_000
    assert "Rp4.032.000" in response.content.decode()
    bad = client.get(url("budget", billable.programme.pk) + "?target=dua")
    assert "bilangan bulat" in bad.content.decode()


@pytest.mark.parametrize(
    ("name", "kind"), [("budget_export", "budget_position"), ("payments_export", "payment")]
)
@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_exports_are_files_and_audited(
    billable: Billable, name: str, kind: str, fmt: str, magic: bytes
) -> None:
    (october,) = bills(billable, 1)
    record(billable, [(october, BILL_TOTAL)])
    auditor = billable.users["auditor"]
    response = client_for(auditor).get(url(name, billable.programme.pk) + f"?format={fmt}")
    assert response.status_code == 200 and response.content.startswith(magic)
    assert AuditEvent.objects.filter(
        actor=auditor, action=AuditEvent.Action.EXPORT, object_type=kind
    ).exists()


def test_the_budget_pdf_prints_counts_as_counts_and_money_as_rupiah(billable: Billable) -> None:
    bills(billable, 1)
    response = client_for(billable.users["finance"]).get(
        url("budget_export", billable.programme.pk) + "?format=pdf"
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Peserta aktif 8" in text and "Rp8\n" not in text
    assert "Iuran per bulan Rp134.400" in text
    assert "Cukup untuk (bulan) 2" in text


def test_the_home_page_warns_the_manager_and_not_a_village(billable: Billable) -> None:
    bills(billable, 2)
    (warning,) = budget_warnings_raise(billable.programme, DECEMBER)
    manager = client_for(billable.users["manager"])
    shown = "cukup 1 bulan lagi mulai Desember 2025"
    assert shown in manager.get("/").content.decode()
    desa = client_for(billable.users["desa"])
    assert shown not in desa.get("/").content.decode()
    assert desa.post(url("warning_acknowledge", warning.pk)).status_code == 403
    response = manager.post(url("warning_acknowledge", warning.pk), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    warning.refresh_from_db()
    assert warning.acknowledged_by == billable.users["manager"]
    assert shown not in manager.get("/").content.decode()


def test_the_member_page_lists_billed_months_and_what_is_paid(billable: Billable) -> None:
    october, _november = bills(billable, 2)
    record(billable, [(october, BILL_TOTAL)])
    member = billable.members()[0]
    response = client_for(billable.users["manager"]).get(
        reverse("membership:member", args=[member.pk])
    )
    html = response.content.decode()
    assert "Bulan iuran" in html
    assert [(c.month, c.paid) for c in response.context["coverage_months"]] == [
        (date(2025, 11, 1), "none"),
        (date(2025, 10, 1), "full"),
    ]
    assert "lunas" in html and "belum dibayar" in html and "Rp16.800" in html


def test_the_bill_page_lists_its_payments(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    record(billable, [(october, 100_000)])
    html = client_for(billable.users["finance"]).get(url("bill", october.pk)).content.decode()
    assert "Tunggakan Rp34.400" in html
    assert url("payment_new", billable.programme.pk) + f"?bill={october.pk}" in html


def test_the_exports_carry_the_figures(billable: Billable) -> None:
    october, november = bills(billable, 2)
    paid = record(billable, [(october, BILL_TOTAL), (november, 4_400)])
    record(billable, [(november, 1_000)], number="002")
    payment_void(actor=None, payment=paid, reason="Salah")
    position, arrears, _outlook = budget_report(billable.programme).tables
    assert position.rows[0][3:] == [403_200, 0, 403_200, 268_800, 1_000, 134_400, 267_800]
    assert arrears.footer == ["Jumlah", 268_800, 1_000, 267_800]
    sp2d, parts = payments_report(billable.users["auditor"], billable.programme).tables
    assert [row[0] for row in sp2d.rows] == ["002", "001"]
    assert sp2d.footer is not None and sp2d.footer[3] == 1_000  # the voided one left out
    assert len(parts.rows) == 3

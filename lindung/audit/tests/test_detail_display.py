from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.accounts.models import Role, User
from lindung.accounts.tests.helpers import REGENCY, client_for, load_seluma, make_user
from lindung.audit.display import DETAIL_LABELS, detail_items
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record

LINDUNG = Path(__file__).resolve().parents[2]


@pytest.fixture
def auditor(db: None) -> User:
    load_seluma()
    return make_user(Role.AUDITOR, REGENCY)


def _page(user: User, **detail: object) -> str:
    audit_record(actor=user, action=AuditEvent.Action.PAYMENT_RECORD, detail=detail)
    return client_for(user).get(reverse("audit:list")).content.decode()


def test_the_log_reads_the_detail_in_indonesian_not_as_a_python_dict(auditor: User) -> None:
    html = _page(auditor, programme=1, sp2d_number="001/SP2D", full_nik=False, via="api")
    assert "{&#x27;programme&#x27;" not in html and "sp2d_number" not in html
    lines = ("Lewat: API", "NIK lengkap: Tidak", "Nomor SP2D: 001/SP2D", "Program: 1")
    # By label, on both databases (PostgreSQL's jsonb keeps no key order).
    assert [html.index(line) for line in lines] == sorted(html.index(line) for line in lines)


def test_lists_nested_filters_and_missing_values_are_written_out(auditor: User) -> None:
    html = _page(
        auditor,
        codes=["ktp", "kk"],
        filters={"q": "Budi", "village_code": None, "include_sent": True},
        counts={"amount": 2, "rows": 10},
        reason=None,
    )
    assert "Dokumen: ktp, kk" in html
    assert "Saringan: desa: —, pencarian: Budi, termasuk yang sudah dikirim: Ya" in html
    # An invoice's counts: "amount" there is rows with another contribution, not money.
    assert "Hitungan baris: baris berkas: 10, jumlah berbeda: 2" in html
    assert "Alasan: —" in html


def test_a_key_without_a_label_is_shown_as_stored(auditor: User) -> None:
    assert "Kunci_baru: 5" in _page(auditor, kunci_baru=5)


def test_the_detail_cannot_inject_html(auditor: User) -> None:
    html = _page(auditor, reason='<script>alert("x")</script>', filters={"q": "<b>x</b>"})
    assert "<script>alert" not in html and "<b>x</b>" not in html
    assert "Alasan: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "pencarian: &lt;b&gt;x&lt;/b&gt;" in html


def test_values_are_plain_text() -> None:
    assert detail_items({"full_nik": True, "ids": [], "allocations": {"12": 117600}}) == [
        ("dibagi ke tagihan", "12: Rp117.600"),
        ("NIK lengkap", "Ya"),
        ("nomor selisih", "—"),
    ]


def test_money_reads_as_rupiah_and_days_as_indonesian_dates(auditor: User) -> None:
    html = _page(
        auditor,
        amount=1_764_000,
        sp2d_date="2025-11-05",
        month="2025-10-01",
        allocations={"12": 588_000, "7": 1_176_000},
        counts={"file_total": 1_176_000, "total": 1, "rows": 10},
        reason="2025-13-40",
    )
    assert "Nilai: Rp1.764.000" in html
    assert "Tanggal SP2D: 5 November 2025" in html and "Bulan: Oktober 2025" in html
    assert "Dibagi ke tagihan: 7: Rp1.176.000, 12: Rp588.000" in html  # in number order
    # Inside an invoice's counts only the file's total is money; "total" there counts rows.
    assert "total di berkas: Rp1.176.000" in html and "selisih total tagihan: 1" in html
    assert "Alasan: 2025-13-40" in html  # shaped like a day, but not one: as written


def test_codes_read_as_their_apps_labels_for_their_own_object_type(auditor: User) -> None:
    action = AuditEvent.Action
    events: list[tuple[str, str, dict[str, object]]] = [
        (
            action.CLAIM_STATUS,
            "claim",
            {"benefit": "JKM", "from_status": "submitted", "to_status": "paid"},
        ),
        (
            action.CLAIM_AMOUNT,
            "claim",
            {"kind": "jkm_funeral", "before": None, "paid_amount": 10_000_000},
        ),
        (action.CLAIM_DOCUMENT, "claim", {"codes": ["akta_kematian", "kode_baru"]}),
        (
            action.ADMIN_CHANGE,
            "user",
            {"change": "create", "role": "desa", "scope": "17.05.01.2001"},
        ),
        # Another object type's "kind" is not a claim component.
        (
            action.DIFFERENCE_RESOLVE,
            "invoice_difference",
            {"kind": "amount", "resolution": "accepted", "via": "api"},
        ),
    ]
    for what, object_type, detail in events:
        audit_record(
            actor=auditor, action=what, object_type=object_type, object_id="1", detail=detail
        )
    html = client_for(auditor).get(reverse("audit:list")).content.decode()
    assert "Manfaat: JKM (kematian)" in html
    assert "Status sebelumnya: Diajukan ke BPJS" in html and "Status baru: Dibayar" in html
    assert "Jenis: Biaya pemakaman" in html and "Jumlah dibayar: Rp10.000.000" in html
    assert "Dokumen: Akta kematian (Dukcapil), kode_baru" in html
    assert "Perubahan: akun dibuat" in html and "Peran: Operator desa/kelurahan" in html
    assert "Jenis: Jumlah iuran berbeda" in html and "Lewat: API" in html
    assert "Penyelesaian: Diterima dengan penjelasan" in html


def test_programmes_read_by_name_with_one_query_for_the_whole_page(auditor: User) -> None:
    from lindung.proposals.tests.conftest import make_programme

    seluma, other = make_programme(), make_programme(name="Nelayan Sejahtera")
    client = client_for(auditor)
    url = reverse("audit:list")
    audit_record(actor=auditor, action=AuditEvent.Action.BILL_DRAFT, detail={"programme": 1})
    client.get(url)  # the session and the user, read once
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for programme in (seluma, other, seluma):
        detail = {"programme": programme.pk}
        audit_record(actor=auditor, action=AuditEvent.Action.BILL_DRAFT, detail=detail)
    audit_record(actor=auditor, action=AuditEvent.Action.BILL_DRAFT, detail={"programme": 999_999})
    with CaptureQueriesContext(connection) as five:
        html = client.get(url).content.decode()
    assert len(five) == len(one)
    assert f"Program: Pekerja Rentan Seluma ({seluma.pk})" in html
    assert f"Program: Nelayan Sejahtera ({other.pk})" in html
    assert "Program: 999999" in html  # no longer there: the id as written


def test_the_intro_names_the_money_claim_and_token_changes_too(auditor: User) -> None:
    html = client_for(auditor).get(reverse("audit:list")).content.decode()
    intro = html.split("<h1>Catatan audit</h1>")[1].split("</p>")[0]
    for what in ("NIK lengkap", "tagihan iuran", "pembayaran", "klaim", "token API"):
        assert what in intro


def _written_keys() -> set[str]:
    """Keys of every literal `detail={...}` given to `audit_record` in the app (nested too).

    Keys that reach it through a helper (claims' `_audit(**detail)`, the invoice import's
    `detail` variable, the reports' `_download`, the export filters) were read by hand."""
    keys: set[str] = set()
    for path in LINDUNG.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "detail":
                        keys |= {
                            key.value
                            for inner in ast.walk(keyword.value)
                            if isinstance(inner, ast.Dict)
                            for key in inner.keys
                            if isinstance(key, ast.Constant) and isinstance(key.value, str)
                        }
    return keys


def test_every_key_the_app_writes_has_an_indonesian_label() -> None:
    written = _written_keys()
    assert {"programme", "sp2d_number", "full_nik", "via"} <= written  # the scan finds them
    assert written - DETAIL_LABELS.keys() == set()

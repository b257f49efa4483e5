"""`lindung bill`: draft, approve, JSON keys, and Indonesian refusals that write nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.contributions.models import Bill, BillStatus
from lindung.contributions.tests.conftest import MEMBERS, RATE, Billable

KEYS = {
    "bill",
    "programme",
    "month",
    "status",
    "members",
    "adjustment_lines",
    "adjustment_total",
    "jkk",
    "jkm",
    "jht",
    "total",
}


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("bill", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_it_drafts_and_approves_with_the_json_keys(billable: Billable) -> None:
    pk = str(billable.programme.pk)
    draft = _run("--programme", pk, "--month", "2025-10")
    assert set(draft) == KEYS
    assert draft["status"] == BillStatus.DRAFT and draft["month"] == "2025-10"
    assert (draft["members"], draft["total"]) == (MEMBERS, MEMBERS * RATE)
    assert (draft["jkk"], draft["jkm"], draft["jht"]) == (80_000, 54_400, 0)
    approved = _run("--programme", pk, "--month", "2025-10", "--approve")
    assert approved["bill"] == draft["bill"] and approved["status"] == BillStatus.APPROVED
    assert Bill.objects.get(pk=draft["bill"]).approved


def test_the_plain_output_is_a_sentence(billable: Billable) -> None:
    out = io.StringIO()
    call_command(
        "bill", "--programme", str(billable.programme.pk), "--month", "2025-11", stdout=out
    )
    assert "8 peserta" in out.getvalue() and "Rp134.400" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "Oktober"], "tulis tahun dan bulan seperti 2025-10"),
        (["--month", "2025-13"], "tulis tahun dan bulan seperti 2025-10"),
        (["--month", "2025-09"], "Tidak ada peserta yang ditagih"),
        (["--month", "2025-10", "--budget-line", "999999"], "Pos anggaran 999999 tidak ada"),
        (["--month", "2025-10", "--budget-line", "x"], "ID pos anggaran harus angka"),
    ],
)
def test_bad_input_is_refused_in_indonesian(
    billable: Billable, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        call_command("bill", "--programme", str(billable.programme.pk), *args)
    assert caught.value.returncode == 2
    assert not Bill.objects.exists()


def test_an_unknown_programme_is_refused(billable: Billable) -> None:
    with pytest.raises(CommandError, match="Program 999999 tidak ada"):
        call_command("bill", "--programme", "999999", "--month", "2025-10")
    with pytest.raises(CommandError, match="ID program harus angka"):
        call_command("bill", "--programme", "Seluma", "--month", "2025-10")


def test_an_approved_month_is_refused_and_stays_as_it_was(billable: Billable) -> None:
    pk = str(billable.programme.pk)
    first = _run("--programme", pk, "--month", "2025-10", "--approve")
    with pytest.raises(CommandError, match="sudah disetujui"):
        call_command("bill", "--programme", pk, "--month", "2025-10")
    bill = Bill.objects.get(pk=first["bill"])
    assert (bill.status, bill.total, bill.version) == (BillStatus.APPROVED, first["total"], 2)

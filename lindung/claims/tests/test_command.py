"""`lindung claim list|open|status`."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lindung.claims.models import Claim, ClaimStatus
from lindung.claims.tests.conftest import open_jkk, receive_required
from lindung.contributions.tests.conftest import Billable
from lindung.people.nik import mask_nik


def run(*args: str) -> Any:
    out = StringIO()
    call_command("claim", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_list_gives_the_cases_masked_and_their_totals(covered: Billable) -> None:
    claim = open_jkk(covered)
    data = run("list", "--programme", str(covered.programme.pk))
    assert [row["id"] for row in data["claims"]] == [claim.pk]
    row = data["claims"][0]
    assert row["nik"] == mask_nik(claim.membership.nik) and row["status"] == "reported"
    assert data["totals"]["count"] == 1
    assert run("list", "--user", covered.users["desa_b"].username)["claims"] == []
    out = StringIO()
    call_command("claim", "list", stdout=out)
    assert "1 kasus" in out.getvalue()


def test_open_and_status_move_a_case_as_a_user(covered: Billable) -> None:
    member = covered.member(2)
    data = run(
        "open",
        "--member",
        str(member.pk),
        "--benefit",
        "JKK",
        "--date",
        "2025-11-10",
        "--reporter",
        "Sumarni",
        "--place",
        "Kebun",
        "--user",
        covered.users["desa"].username,
    )
    claim = Claim.objects.get(pk=data["id"])
    assert claim.created_by == covered.users["desa"]
    receive_required(claim)
    data = run("status", "--claim", str(claim.pk), "--to", "complete")
    assert data["status"] == ClaimStatus.COMPLETE
    data = run(
        "status", "--claim", str(claim.pk), "--to", "submitted", "--reference", "JKK/1",
        "--date", "2025-12-01",
    )  # fmt: skip
    assert data["status"] == ClaimStatus.SUBMITTED


@pytest.mark.parametrize(
    "args, message",
    [
        (["list", "--programme", "abc"], "ID program harus angka"),
        (["list", "--programme", "999999"], "Program 999999 tidak ada"),
        (["status", "--claim", "999999", "--to", "paid"], "Kasus 999999 tidak ada"),
        (["list", "--user", "nobody"], "Pengguna nobody tidak ada"),
    ],
)
def test_bad_arguments_stop_with_a_message(
    covered: Billable, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as error:
        call_command("claim", *args)
    assert error.value.returncode == 2


def test_a_refused_move_writes_nothing(covered: Billable) -> None:
    claim = open_jkk(covered)
    with pytest.raises(CommandError, match="Dokumen wajib belum diterima"):
        call_command("claim", "status", "--claim", str(claim.pk), "--to", "complete")
    with pytest.raises(CommandError, match="tidak sah"):
        call_command(
            "claim", "open", "--member", str(claim.membership_id), "--benefit", "JKK",
            "--date", "10-11-2025", "--reporter", "X",
        )  # fmt: skip
    assert Claim.objects.get().status == ClaimStatus.REPORTED

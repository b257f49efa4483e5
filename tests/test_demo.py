"""The demo builds the showcase every later capability adds to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from lindung.core import demo
from lindung.core.tests.worlds import shared_world

# Issue 6's demo at a smaller population, big enough for villages with more than ten
# eligible workers.
PEOPLE = 3_000


@dataclass
class SelumaDemo:
    var: Path
    summary: dict[str, Any]


@shared_world
def seluma_demo() -> Iterator[SelumaDemo]:
    """One build (each costs tens of seconds) for the two tests that read it, with its files
    in a folder of its own."""
    with tempfile.TemporaryDirectory(prefix="lindung-demo-") as folder:
        with override_settings(VAR_DIR=Path(folder)):
            summary = demo.build_demo(people=PEOPLE, seed=2)
        yield SelumaDemo(Path(folder), summary)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_builds_seluma_with_a_login_per_role_and_links_a_typed_list(
    seluma_demo: SelumaDemo,
) -> None:
    """Checked for what issues 1-3 added."""
    summary = seluma_demo.summary
    assert summary["regency"] == {"code": "17.05", "name": "Kabupaten Seluma"}
    assert (summary["districts"], summary["villages"], summary["people"]) == (14, 202, PEOPLE)
    roles = {u["role"] for u in summary["users"]}
    assert roles >= {
        "admin",
        "manager",
        "verifier",
        "finance",
        "kecamatan",
        "desa",
        "bpjs",
        "auditor",
        "leadership",
    }
    programmes = {p["owner"]: p for p in summary["programmes"]}
    assert programmes["17.05"]["monthly_contribution"] == 16_800
    assert programmes["17.05"]["budget_lines"][0]["pagu"] == 101_808_000

    # The hand-typed list is linked to the demo's population.
    linkage = summary["linkage"]
    assert linkage["left"] == PEOPLE // 2  # half the population, up to 2,020
    assert linkage["match"] + linkage["review"] + linkage["no_match"] == linkage["left"]
    assert linkage["match"] > 0.75 * linkage["left"]
    result = Path(linkage["files"]["result"])
    assert result.parent == seluma_demo.var / "demo"
    assert result.read_text().startswith('"left_id","right_id","match_probability","decision"')

    # Every printed login works, and a desa operator sees one village.
    for user in summary["users"]:
        client = Client()
        response = client.post(
            "/akun/masuk/", {"username": user["username"], "password": user["password"]}
        )
        assert response.status_code == 302, user["username"]
    client = Client()
    client.post("/akun/masuk/", {"username": "desa.niur", "password": demo.PASSWORD})
    assert client.get("/wilayah/17.05.01.2002/").status_code == 200
    assert client.get("/wilayah/17.05.01.2003/").status_code == 404
    assert client.get("/wilayah/17.05.01/").status_code == 404


@pytest.mark.slow
def test_lindung_demo_no_serve_json_prints_the_summary(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "LINDUNG_VAR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lindung.cli", "demo", "--no-serve", "--json", "--people", "300"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"regency", "districts", "villages", "people", "users"} <= summary.keys()
    assert {
        "proposals",
        "eligible",
        "determined",
        "waiting_list",
        "registered",
        "active_members",
        "billed_months",
        "billed_total",
        "paid_total",
        "claims_total",
        "claims_paid",
        "dashboard",
    } <= summary.keys()
    assert summary["people"] == 300


def test_lindung_demo_refuses_bad_arguments(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "LINDUNG_VAR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lindung.cli", "demo", "--no-serve", "--people", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--people" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_determines_ten_per_village_registers_and_replaces(
    seluma_demo: SelumaDemo,
) -> None:
    """Issue 6's demo at a smaller population: ten places per village that has ten eligible
    workers, all of the village's eligible ones where fewer; everyone active registered
    after the last round; exits replaced from the waiting lists; the original decree and
    its amendments."""
    from django.db.models import Count, Q

    from lindung.membership.models import Decree, Membership, WaitingEntry
    from lindung.proposals.models import Proposal

    summary = seluma_demo.summary
    _assert_the_verification_step(summary)
    assert (
        summary["proposals"] == summary["eligible"] + summary["not_eligible"] + summary["pending"]
    )
    per_village = (
        Proposal.objects.filter(status="eligible")
        .values("village")
        .annotate(n=Count("id", distinct=True))
    )
    expected = sum(min(10, row["n"]) for row in per_village)
    assert summary["determined"] == expected
    assert summary["waiting_list"] == WaitingEntry.objects.count()
    assert summary["active_members"] == summary["registered"] > 0
    ended = Membership.objects.filter(status="ended")
    assert (
        summary["membership"]["replacements"]
        == Membership.objects.filter(replaces__isnull=False).count()
    )
    assert ended.filter(Q(end_reason="death") | Q(end_reason="moved")).exists()
    # The original, an amendment for BPJS's rejections (when there were any), one for exits.
    assert Decree.objects.count() == len(summary["membership"]["decrees"]) >= 2
    files = summary["membership"]["files"]
    assert Path(files["sk_penetapan_pdf"]).read_bytes().startswith(b"%PDF")
    # Issue 7: the first three months billed and paid, before any exit: every member whose
    # coverage began in October billed at Rp16.800 for each month, all of it paid from the
    # APBD 2025 line; BPJS's November invoice bills one KPJ too many, settled with a reason.
    from lindung.contributions.models import Bill, BudgetWarning, InvoiceDifference

    first_stage = Membership.objects.filter(coverage_start="2025-10-01").count()
    assert summary["billed_months"] == 3
    assert [b.members for b in Bill.objects.order_by("month")] == [first_stage] * 3
    assert summary["billed_total"] == first_stage * 16_800 * 3
    assert summary["paid_total"] == summary["billed_total"]
    assert InvoiceDifference.objects.filter(kind="bpjs_only").count() == 1
    assert not InvoiceDifference.objects.filter(resolution="").exists()
    assert summary["contributions"]["invoices"]["november"]["bpjs_only"] == 1
    # After November the APBD 2025 line (pagu for 2,020 members) has this many months left
    # for December; under two, the manager was warned.
    cost = first_stage * 16_800
    left = (101_808_000 - 2 * cost) // cost
    warned = BudgetWarning.objects.filter(month="2025-12-01", months_left=left).exists()
    assert warned == (left < 2)
    # Issue 8: the death cases are worked and two accidents reported; the dashboard's
    # figures are the books' figures.
    from lindung.claims.models import Claim, ClaimSource

    deaths = Claim.objects.filter(source=ClaimSource.DEATH_RECORD).count()
    assert summary["claims"]["jkm_from_deaths"] == deaths
    assert summary["claims"]["jkk_opened"] == 2
    assert summary["claims_total"] == Claim.objects.count() == deaths + 2
    board = summary["dashboard"]
    assert board["active"] == summary["active_members"]
    assert (board["billed"], board["paid"]) == (summary["billed_total"], summary["paid_total"])
    assert board["claims"] == summary["claims_total"]
    assert board["claims_paid_amount"] == summary["claims_paid"] > 0


def _assert_the_verification_step(summary: dict[str, Any]) -> None:
    """Issue 4's step: villages propose, the run finds real cases, people act (checked on the
    same build as the later steps, since each build costs tens of seconds)."""
    from lindung.proposals.models import Proposal
    from lindung.verification.models import Finding, VerificationRun

    found = summary["verification"]
    assert found["rows"] == found["accepted"] + found["rejected"] + found["duplicates"]
    # Later, villages short of eligible workers propose more (the membership demo's top-up).
    topped_up = summary["membership"]["topped_up"]["proposals"]
    assert found["proposals"] == found["accepted"] == Proposal.objects.count() - topped_up
    assert found["verified"] + found["review"] == found["proposals"]
    assert Proposal.objects.values("village").distinct().count() > 100
    run = VerificationRun.objects.order_by("id").first()
    assert run is not None
    assert run.snapshots.count() == 4
    assert Finding.objects.filter(code="NOT_IN_REGISTRY").exists()
    assert sum(found["findings"].values()) == Finding.objects.filter(run=run).count()
    assert found["reviewed"]["forwarded"] > 0

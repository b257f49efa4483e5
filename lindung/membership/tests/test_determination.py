"""Determination: ranking within quotas and budget, preview, commit once."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.membership.determination import determination_commit, determination_preview
from lindung.membership.models import Membership, MemberStatus, WaitingEntry
from lindung.membership.tests.conftest import Determined, next_month, nik
from lindung.programs import services as programme_services
from lindung.programs.models import BudgetStatus, FundingSource

RATE = 16_800


def test_quota_and_priority_decide_the_places(determined: Determined) -> None:
    members = set(Membership.objects.values_list("nik", flat=True))
    assert members == {nik(s) for s in (1, 2, 3, 6, 7, 8, 9, 10)}
    assert determined.member(2).rank == 1  # desil 1 first
    assert determined.member(3).rank == 2
    assert determined.member(8).rank == 1  # all desil 1 in B: oldest first
    waiting = {w.proposal.nik: (w.rank, w.reason) for w in WaitingEntry.objects.all()}
    assert waiting == {nik(4): (1, "quota"), nik(5): (2, "quota"), nik(11): (1, "quota")}
    assert determined.determination.counts["determined"] == 8
    assert determined.determination.counts["waiting_list"] == 3
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert statuses == {MemberStatus.DETERMINED}
    assert all(m.events.count() == 1 for m in Membership.objects.all())


def test_preview_writes_nothing_and_shows_the_effect(proposed) -> None:
    _, _, period = proposed
    plan = determination_preview(period=period, months=3, coverage_start=next_month())
    assert Membership.objects.count() == 0
    assert (plan.eligible, plan.determined, plan.waiting_list) == (11, 8, 3)
    assert plan.monthly_rate == RATE
    assert plan.monthly_cost == 8 * RATE
    by_village = {a.code: (a.eligible, a.determined, a.waiting) for a in plan.areas}
    assert by_village["17.05.01.2002"] == (5, 3, 2)


def test_budget_cuts_the_lowest_ranked_across_villages(proposed) -> None:
    world, programme, period = proposed
    line = programme_services.budget_line_create(
        actor=None,
        programme=programme,
        fiscal_year=next_month().year,
        funding_source=FundingSource.APBD,
        pagu=5 * RATE * 3 + 1_000,
        status=BudgetStatus.APPROVED,
        dpa_number="UJI/DPA/1",
    )
    plan = determination_preview(
        period=period, months=3, coverage_start=next_month(), budget_line=line
    )
    assert plan.capacity == 5
    assert plan.determined == 5
    assert plan.months_covered == 3
    determination_commit(
        actor=world.users["manager"],
        period=period,
        months=3,
        coverage_start=next_month(),
        budget_line=line,
    )
    # Desil 1 first (2, 8, 9, 10), then desil 2, oldest: 3 (born 1963) before 6 and 7.
    chosen = set(Membership.objects.values_list("nik", flat=True))
    assert chosen == {nik(s) for s in (2, 8, 9, 10, 3)}
    assert WaitingEntry.objects.filter(reason="budget").count() == 3


def test_a_period_is_determined_once(determined: Determined) -> None:
    with pytest.raises(ValidationError, match="sudah ditetapkan"):
        determination_commit(
            actor=determined.users["manager"],
            period=determined.period,
            months=3,
            coverage_start=next_month(),
        )
    assert Membership.objects.count() == 8


def test_bad_parameters_and_roles_are_refused(proposed) -> None:
    world, _, period = proposed
    with pytest.raises(ValidationError) as error:
        determination_preview(period=period, months=13, coverage_start=next_month().replace(day=2))
    assert set(error.value.message_dict) == {"months", "coverage_start"}
    with pytest.raises(PermissionDenied):
        determination_commit(
            actor=world.users["verifier"], period=period, months=3, coverage_start=next_month()
        )
    assert Membership.objects.count() == 0


def test_command_dry_run_then_commit(proposed) -> None:
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    _, programme, period = proposed
    start = next_month().strftime("%Y-%m")
    args = ["--programme", str(programme.pk), "--period", str(period.pk), "--start", start]
    out = io.StringIO()
    call_command("determine", *args, "--months", "3", "--dry-run", "--json", stdout=out)
    dry = json.loads(out.getvalue())
    assert (dry["committed"], dry["determined"], dry["waiting_list"]) == (False, 8, 3)
    assert Membership.objects.count() == 0
    out = io.StringIO()
    call_command("determine", *args, "--json", stdout=out)
    done = json.loads(out.getvalue())
    assert (done["committed"], done["determined"]) == (True, 8)
    assert Membership.objects.count() == 8
    with pytest.raises(CommandError, match="sudah ditetapkan"):
        call_command("determine", *args)
    with pytest.raises(CommandError, match="TAHUN-BULAN"):
        call_command(
            "determine",
            "--programme",
            str(programme.pk),
            "--period",
            str(period.pk),
            "--start",
            "januari",
        )
    with pytest.raises(CommandError, match="harus angka"):
        call_command("determine", "--programme", "x", "--period", str(period.pk))

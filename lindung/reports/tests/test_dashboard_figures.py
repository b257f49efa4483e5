"""The dashboard's figures equal the hand counts of dashboard_helpers' fixture, for each
role's area; money only for roles that see bills; the tally follows changes at once."""

from __future__ import annotations

from datetime import date

import pytest

from lindung.accounts.tests.helpers import World
from lindung.contributions import forecast
from lindung.contributions.tests.conftest import Billable, billable  # noqa: F401
from lindung.membership.models import EndReason
from lindung.membership.services import membership_end
from lindung.membership.tests.conftest import determined, nik, proposed  # noqa: F401
from lindung.programs.models import Programme, ProposalPeriod, QuotaKind
from lindung.proposals.models import Action, Proposal, ProposalStatus
from lindung.proposals.services import proposal_transition
from lindung.reports import selectors
from lindung.reports.tests.dashboard_helpers import BILLED, JKM_PAID, ON, Dash, build_dash, member

SUKARAJA, SELUMA_DISTRICT = "17.05.01", "17.05.02"
NIUR, LUBUK_SAHUNG, PASAR_TAIS = "17.05.01.2002", "17.05.01.2003", "17.05.02.1010"


@pytest.fixture
def dash(billable: Billable) -> Dash:  # noqa: F811
    return build_dash(billable)


def _area(data: selectors.Dashboard, code: str) -> selectors.AreaRow:
    return next(a for a in data.coverage.areas if a.code == code)


def test_the_regency_view_counts_every_kecamatan_against_its_village_quota(dash: Dash) -> None:
    data = selectors.dashboard(dash.users["manager"], dash.programme, on=ON)
    cover = data.coverage
    assert cover.focus == "17.05" and cover.child_level == 3
    assert len(cover.areas) == 14
    assert (cover.total.active, cover.total.registered, cover.total.ended) == (7, 7, 1)
    assert cover.total.target == 3 * 202
    sukaraja, seluma = _area(data, SUKARAJA), _area(data, SELUMA_DISTRICT)
    assert (sukaraja.villages, sukaraja.target, sukaraja.active) == (21, 63, 5)
    assert (seluma.villages, seluma.target, seluma.active, seluma.ended) == (7, 21, 2, 1)
    assert sukaraja.coverage_text == "7,9%"
    empty = [a for a in cover.areas if a.code not in (SUKARAJA, SELUMA_DISTRICT)]
    assert all(a.active == 0 and a.target == 3 * a.villages for a in empty)


def test_the_profile_counts_sex_age_band_and_occupation_of_active_members(dash: Dash) -> None:
    people = selectors.dashboard(dash.users["leadership"], dash.programme, on=ON).profile
    assert people.total == 7
    assert {s.key: s.n for s in people.sex} == {"L": 5, "P": 2}
    # 6 turns 45 on 16 January, 7 turned 45 on the 15th: the bands use exact ages.
    assert [(s.key, s.n) for s in people.age] == [
        ("u25", 1),
        ("25_34", 1),
        ("35_44", 1),
        ("45_54", 1),
        ("55", 3),
    ]
    assert [(s.label, s.n) for s in people.occupation] == [("Petani", 6), ("Nelayan", 1)]
    assert people.sex[0].share_text == "71,4%"


def test_the_age_bands_move_with_the_reference_date(dash: Dash) -> None:
    people = selectors.dashboard(
        dash.users["manager"], dash.programme, on=date(2026, 1, 16)
    ).profile
    assert [s.n for s in people.age] == [1, 1, 0, 2, 3]


def test_the_pipeline_counts_proposals_in_review_and_the_waiting_list(dash: Dash) -> None:
    pipeline = selectors.dashboard(dash.users["manager"], dash.programme, on=ON).pipeline
    assert pipeline.in_process == {"review": 1}
    assert (pipeline.waiting, pipeline.awaiting, pipeline.open_periods) == (3, 0, 0)
    assert pipeline.total == 4


def test_claims_count_every_case_and_pay_only_paid_cases(dash: Dash) -> None:
    claims = selectors.dashboard(dash.users["manager"], dash.programme, on=ON).claims
    assert (claims.count, claims.paid_count, claims.paid_amount) == (2, 1, JKM_PAID)


def test_money_adds_up_the_budget_bills_payments_and_the_benefit_ratio(dash: Dash) -> None:
    money = selectors.dashboard(dash.users["finance"], dash.programme, on=ON).money
    assert money is not None
    assert (money.billed, money.paid, money.claims_paid) == (BILLED, BILLED, JKM_PAID)
    assert (money.year, money.pagu) == (2025, 8 * 16_800 * 3)
    assert money.absorption_text == "33,3%"
    assert money.benefit_ratio == pytest.approx(100 * JKM_PAID / BILLED)
    # The same months left as the budget page's forecast, without counting members again.
    assert money.outlook.months_left == forecast.programme_forecast(dash.programme).months_left == 2
    assert money.outlook.monthly_cost == 7 * 16_800


def test_roles_without_bills_get_no_money_figures(dash: Dash) -> None:
    for role in ("kecamatan", "desa", "verifier"):
        data = selectors.dashboard(dash.users[role], dash.programme, on=ON)
        assert data.money is None, role


def test_a_kecamatan_user_sees_the_villages_of_its_kecamatan_only(dash: Dash) -> None:
    data = selectors.dashboard(dash.users["kecamatan"], dash.programme, on=ON)
    cover = data.coverage
    assert cover.focus == SUKARAJA and cover.child_level == 4
    assert len(cover.areas) == 21
    assert all(a.code.startswith(SUKARAJA + ".") for a in cover.areas)
    assert (cover.total.active, cover.total.target) == (5, 63)
    assert (_area(data, NIUR).active, _area(data, LUBUK_SAHUNG).active) == (3, 2)
    assert data.profile.total == 5
    assert {s.key: s.n for s in data.profile.sex} == {"L": 3, "P": 2}
    assert data.claims.count == 1  # member 1's JKK case; 9's death is in Seluma
    assert data.pipeline.waiting == 2  # 4 and 5 of Niur


def test_a_village_user_sees_its_own_village(dash: Dash) -> None:
    data = selectors.dashboard(dash.users["desa_b"], dash.programme, on=ON)
    cover = data.coverage
    assert [a.code for a in cover.areas] == [PASAR_TAIS]
    assert (cover.total.active, cover.total.ended, cover.total.target) == (2, 1, 3)
    assert data.profile.total == 2
    assert (data.claims.count, data.claims.paid_count) == (1, 1)
    assert data.pipeline.waiting == 1


def test_a_drill_down_shows_the_villages_of_one_kecamatan(dash: Dash) -> None:
    data = selectors.dashboard(dash.users["manager"], dash.programme, focus=SUKARAJA, on=ON)
    assert data.coverage.child_level == 4 and len(data.coverage.areas) == 21
    assert data.coverage.total.active == 5
    assert data.profile.total == 5


def test_a_focus_outside_the_area_or_below_kecamatan_is_refused(dash: Dash) -> None:
    manager, kecamatan = dash.users["manager"], dash.users["kecamatan"]
    programme = dash.programme
    assert selectors.focus_problem(manager, programme, SUKARAJA) == ""
    assert "tingkat kecamatan" in selectors.focus_problem(manager, programme, NIUR)
    assert "tidak dikenal" in selectors.focus_problem(manager, programme, "17.5")
    assert "di luar" in selectors.focus_problem(manager, programme, "17.06")
    assert "di luar" in selectors.focus_problem(kecamatan, programme, SELUMA_DISTRICT)
    assert "di luar" in selectors.focus_problem(kecamatan, programme, "17.05")
    assert "tidak ada" in selectors.focus_problem(manager, programme, "17.05.99")


def test_the_tally_is_counted_again_after_a_member_ends(dash: Dash) -> None:
    manager = dash.users["manager"]
    before = selectors.dashboard(manager, dash.programme, on=ON)
    assert before.coverage.total.active == 7
    leaving = member(10)
    membership_end(
        actor=manager,
        membership=leaving,
        expected_version=leaving.version,
        reason=EndReason.MOVED,
        effective_on=date(2026, 2, 1),
    )
    after = selectors.dashboard(manager, dash.programme, on=ON)
    assert (after.coverage.total.active, after.coverage.total.ended) == (6, 2)


def test_a_programme_without_quota_takes_the_budgeted_places_as_its_target(dash: Dash) -> None:
    type(dash.programme).objects.filter(pk=dash.programme.pk).update(
        quota_kind=QuotaKind.NONE, quota_size=None
    )
    dash.programme.refresh_from_db()
    data = selectors.dashboard(dash.users["manager"], dash.programme, on=ON)
    assert all(a.target is None for a in data.coverage.areas)
    assert data.coverage.total.target == data.coverage.budget_places


def test_the_summary_for_the_demo_is_unscoped(dash: Dash) -> None:
    summary = selectors.dashboard_summary(dash.programme)
    assert summary["active"] == 7 and summary["target"] == 606
    assert summary["by_kecamatan"] == {SUKARAJA: 5, SELUMA_DISTRICT: 2}
    assert (summary["billed"], summary["paid"]) == (BILLED, BILLED)
    assert (summary["claims"], summary["claims_paid_amount"]) == (2, JKM_PAID)
    assert summary["benefit_ratio"] == round(JKM_PAID / BILLED, 4)


def test_an_empty_programme_gives_zeros_not_errors(
    proposed: tuple[World, Programme, ProposalPeriod],  # noqa: F811
) -> None:
    world, programme, _period = proposed
    data = selectors.dashboard(world.users["finance"], programme, on=ON)
    assert data.coverage.total.active == 0 and data.profile.total == 0
    assert data.claims.count == 0
    assert data.money is not None and data.money.benefit_ratio is None
    assert data.money.positions == []


def test_the_pipeline_is_counted_again_after_a_proposal_moves(dash: Dash) -> None:
    manager = dash.users["manager"]
    assert selectors.dashboard(manager, dash.programme, on=ON).pipeline.in_process == {"review": 1}
    proposal = Proposal.objects.get(nik=nik(4))
    proposal_transition(
        actor=manager,
        proposal=proposal,
        to_status=ProposalStatus.RETURNED,
        action=Action.RETURNED,
        expected_version=proposal.version,
    )
    pipeline = selectors.dashboard(manager, dash.programme, on=ON).pipeline
    assert pipeline.in_process == {"review": 1, "returned": 1}


def test_the_data_stamp_moves_with_memberships_and_proposals(dash: Dash) -> None:
    before = selectors.data_stamp()
    leaving = member(8)
    membership_end(
        actor=dash.users["manager"],
        membership=leaving,
        expected_version=leaving.version,
        reason=EndReason.MOVED,
        effective_on=date(2026, 2, 1),
    )
    after = selectors.data_stamp()
    assert after.members != before.members and after.proposals == before.proposals

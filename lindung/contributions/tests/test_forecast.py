"""Budget position per line, the forecast from the first month not yet billed, and the
warning raised when a line covers fewer than two more months.

The fixture: 8 members at Rp16.800 = Rp134.400 a month; the APBD 2025 line holds exactly
three months (Rp403.200); the waiting list holds 3."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoAssertNumQueries

from lindung.audit.models import AuditEvent
from lindung.contributions import forecast
from lindung.contributions.forecast import (
    budget_position,
    budget_warning_acknowledge,
    budget_warnings_raise,
    open_warnings_for,
    programme_forecast,
)
from lindung.contributions.models import BudgetWarning
from lindung.contributions.payments import payment_record
from lindung.contributions.tests.conftest import RATE, Billable
from lindung.contributions.tests.payments_helpers import BILL_TOTAL, bills, make_bill
from lindung.membership.models import Membership, MemberStatus
from lindung.programs import services as programme_services
from lindung.programs.models import BudgetLine, BudgetStatus, FundingSource

DECEMBER = date(2025, 12, 1)


def end_members(billable: Billable, count: int) -> None:
    ids = [m.pk for m in billable.members()[:count]]
    Membership.objects.filter(pk__in=ids).update(
        status=MemberStatus.ENDED, ended_on=date(2025, 11, 1), end_reason="death"
    )


def test_the_position_after_three_bills_leaves_nothing_to_bill(
    billable: Billable, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    october, november, _december = bills(billable, 3)
    payment_record(
        actor=None,
        programme=billable.programme,
        budget_line=billable.budget_line,
        sp2d_number="001",
        sp2d_date=date(2025, 12, 12),
        amount=BILL_TOTAL + 34_400,
        allocations=[(october, BILL_TOTAL), (november, 34_400)],
    )
    with django_assert_num_queries(3):
        (position,) = budget_position(billable.programme)
    assert (position.pagu, position.other_costs, position.for_contributions) == (
        403_200,
        0,
        403_200,
    )
    assert (position.billed, position.paid) == (403_200, 168_800)
    assert (position.remaining, position.unpaid) == (0, 234_400)


def test_warnings_come_when_fewer_than_two_months_are_left(billable: Billable) -> None:
    bills(billable, 1)
    assert budget_warnings_raise(billable.programme, date(2025, 11, 1)) == []  # 2 months left
    make_bill(billable, date(2025, 11, 1))
    (warning,) = budget_warnings_raise(billable.programme, DECEMBER)
    assert (warning.months_left, warning.remaining, warning.monthly_cost) == (1, 134_400, 134_400)
    assert warning.budget_line == billable.budget_line
    # Once per line and month, however often the approval path calls it.
    assert budget_warnings_raise(billable.programme, DECEMBER) == [warning]
    assert BudgetWarning.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action=forecast.AUDIT_WARNING, object_id=str(warning.pk)).count()
        == 1
    )
    assert "Rp134.400" in forecast.warning_text(warning)


def test_no_warning_without_a_line_for_the_month(billable: Billable) -> None:
    bills(billable, 3)
    assert budget_warnings_raise(billable.programme, date(2026, 1, 1)) == []


def test_the_manager_acknowledges_a_warning_once(billable: Billable) -> None:
    bills(billable, 2)
    (warning,) = budget_warnings_raise(billable.programme, DECEMBER)
    manager = billable.users["manager"]
    assert list(open_warnings_for(manager)) == [warning]
    with pytest.raises(PermissionDenied):
        budget_warning_acknowledge(actor=billable.users["auditor"], warning=warning)
    budget_warning_acknowledge(actor=manager, warning=warning)
    assert list(open_warnings_for(manager)) == []
    with pytest.raises(ValidationError, match="sudah ditanggapi"):
        budget_warning_acknowledge(actor=billable.users["finance"], warning=warning)
    assert AuditEvent.objects.filter(action=forecast.AUDIT_ACKNOWLEDGE, actor=manager).exists()


def test_the_forecast_after_one_bill(billable: Billable) -> None:
    bills(billable, 1)
    outlook = programme_forecast(billable.programme)
    assert outlook.month == date(2025, 11, 1)
    assert (outlook.active, outlook.monthly_cost, outlook.rate) == (8, BILL_TOTAL, RATE)
    assert outlook.budget_line == billable.budget_line
    assert (outlook.remaining, outlook.months_left) == (268_800, 2)
    assert outlook.covered_until == DECEMBER and outlook.runs_out is None  # lasts the year
    assert outlook.months_to_year_end == 2
    assert outlook.carry_to_year_end == 8  # 268.800 // (2 x 16.800)
    assert (outlook.waiting, outlook.waiting_fundable) == (3, 0)
    assert not outlook.warn


def test_the_forecast_finds_the_month_the_money_runs_out(billable: Billable) -> None:
    # Rp100.000 of the pagu is for other costs: Rp303.200 for contributions.
    BudgetLine.objects.filter(pk=billable.budget_line.pk).update(other_costs=100_000)
    bills(billable, 1)
    outlook = programme_forecast(billable.programme)
    assert (outlook.remaining, outlook.months_left) == (168_800, 1)
    assert outlook.covered_until == date(2025, 11, 1)
    assert outlook.runs_out == DECEMBER
    assert outlook.carry_to_year_end == 5  # 168.800 // 33.600
    assert outlook.warn


def test_fewer_members_leave_room_for_the_waiting_list(billable: Billable) -> None:
    bills(billable, 1)
    end_members(billable, 2)
    outlook = programme_forecast(billable.programme)
    assert (outlook.active, outlook.monthly_cost) == (6, 6 * RATE)
    assert outlook.months_left == 2  # 268.800 // 100.800
    # 8 members fit to the year's end; 6 are active: 2 of the 3 waiting could join.
    assert (outlook.carry_to_year_end, outlook.waiting_fundable) == (8, 2)
    assert outlook.next_year.target == 6 + 3


def test_next_year_needs_the_target_for_twelve_months(billable: Billable) -> None:
    bills(billable, 1)
    outlook = programme_forecast(billable.programme, target=20)
    assert outlook.next_year.year == 2026
    assert outlook.next_year.need == 20 * 12 * RATE  # Rp4.032.000
    assert (outlook.next_year.available, outlook.next_year.gap) == (0, 4_032_000)
    programme_services.budget_line_create(
        actor=None,
        programme=billable.programme,
        fiscal_year=2026,
        funding_source=FundingSource.APBD,
        pagu=5_000_000,
        status=BudgetStatus.PLANNED,
    )
    next_year = programme_forecast(billable.programme, target=20).next_year
    assert (next_year.available, next_year.gap, next_year.lines) == (5_000_000, -968_000, 1)
    assert programme_forecast(billable.programme).next_year.target == 8 + 3


def test_the_forecast_as_json_has_the_figures(billable: Billable) -> None:
    bills(billable, 2)
    data = programme_forecast(billable.programme).as_dict()
    assert data["month"] == "2025-12-01" and data["months_left"] == 1 and data["warn"] is True
    assert data["next_year"]["need"] == 11 * 12 * RATE

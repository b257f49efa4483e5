from lindung.contributions.tests.conftest import MEMBERS, RATE, Billable
from lindung.programs.services import monthly_contribution


def test_the_fixture_members_cost_the_national_rate(billable: Billable) -> None:
    assert len(billable.members()) == MEMBERS
    month = billable.members()[0].coverage_start
    assert month is not None
    assert monthly_contribution(programme=billable.programme, month=month).total == RATE
    assert billable.budget_line.pagu == MEMBERS * RATE * 3

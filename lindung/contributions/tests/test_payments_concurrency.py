"""Two clerks recording SP2D at the same moment, each on its own PostgreSQL connection:
the locks on the bill and the budget line let only one of them over the limit.

SQLite serialises every write, so these races cannot happen there; the sequential
refusals are in test_payments.py and run on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lindung.contributions.models import Bill, Payment
from lindung.contributions.payments import payment_record
from lindung.contributions.tests.conftest import COVERAGE_START, MEMBERS, RATE, Billable, kpj_of
from lindung.contributions.tests.payments_helpers import BILL_TOTAL, bills, make_bill
from lindung.membership.models import Membership, MemberStatus
from lindung.membership.tests.conftest import (  # noqa: F401 - fixtures used below
    Determined,
    committed,
    flush_allowed,
)
from lindung.membership.tests.lifecycle_helpers import run_together
from lindung.programs import services as programme_services
from lindung.programs.models import BudgetStatus, FundingSource

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)

# Approved bills and payments refuse TRUNCATE; the flush after a transactional test needs it.
_TRUNCATE_GUARDS = {
    "contributions_bill": "bill_approved_no_truncate",
    "contributions_billline": "bill_line_no_truncate",
    "contributions_payment": "payment_no_truncate",
    "contributions_paymentallocation": "allocation_no_truncate",
}


def _truncate_guards(enabled: bool) -> None:
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for table, trigger in _TRUNCATE_GUARDS.items():
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}")


@pytest.fixture
def money_flush_allowed(
    flush_allowed: None,  # noqa: F811
    django_db_blocker: Any,
) -> Iterator[None]:
    """Set up before `transactional_db` and torn down after its flush."""
    with django_db_blocker.unblock():
        _truncate_guards(False)
    yield
    with django_db_blocker.unblock():
        _truncate_guards(True)


@pytest.fixture
def committed_billable(
    money_flush_allowed: None,
    committed: Determined,  # noqa: F811
) -> Billable:
    """conftest's `billable`, committed so that other connections see it."""
    members = list(Membership.objects.filter(programme=committed.programme))
    assert len(members) == MEMBERS
    for member in members:
        member.status = MemberStatus.REGISTERED
        member.kpj = kpj_of(member)
        member.coverage_start = COVERAGE_START
    Membership.objects.bulk_update(members, ["status", "kpj", "coverage_start"])
    line = programme_services.budget_line_create(
        actor=None,
        programme=committed.programme,
        fiscal_year=2025,
        funding_source=FundingSource.APBD,
        pagu=MEMBERS * RATE * 3,
        status=BudgetStatus.APPROVED,
        dpa_number="900/01/DPA/2025",
    )
    return Billable(
        committed.world, committed.programme, committed.period, committed.determination, line
    )


def _pay(billable: Billable, number: str, bill: Bill, amount: int) -> Any:
    return lambda: payment_record(
        actor=billable.users["finance"],
        programme=billable.programme,
        budget_line=billable.budget_line,
        sp2d_number=number,
        sp2d_date=date(2025, 11, 14),
        amount=amount,
        allocations=[(bill, amount)],
    )


def _one_wins(results: list[Any]) -> str:
    wins = [r for r in results if isinstance(r, Payment)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert (len(wins), len(losses)) == (1, 1), results
    return " ".join(losses[0].messages)


def test_two_clerks_paying_one_bill_at_once_pay_it_once(committed_billable: Billable) -> None:
    (october,) = bills(committed_billable, 1)
    loss = _one_wins(
        run_together(
            _pay(committed_billable, "001", october, BILL_TOTAL),
            _pay(committed_billable, "002", october, BILL_TOTAL),
        )
    )
    assert "tinggal Rp0" in loss
    assert Payment.objects.count() == 1


def test_two_payments_cannot_push_a_line_over_its_pagu_together(
    committed_billable: Billable,
) -> None:
    # Four months billed to a line that holds three: the last two payments race for the
    # money of one month.
    october, november, december = bills(committed_billable, 3)
    january = make_bill(committed_billable, date(2026, 1, 1))
    _pay(committed_billable, "001", october, BILL_TOTAL)()
    _pay(committed_billable, "002", november, BILL_TOTAL)()
    loss = _one_wins(
        run_together(
            _pay(committed_billable, "003", december, BILL_TOTAL),
            _pay(committed_billable, "004", january, BILL_TOTAL),
        )
    )
    assert "melebihi sisa" in loss
    assert Payment.objects.count() == 3

"""The register as read: scoping, filters, the eligibility hint and the totals."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.claims import selectors, services
from lindung.claims.selectors import Hint
from lindung.claims.tests.conftest import open_jkk, open_jkm, pay_bill, to_submitted
from lindung.contributions.models import Bill, BillStatus
from lindung.contributions.tests.conftest import Billable


def test_the_hint_says_the_event_month_was_billed_and_paid(covered: Billable) -> None:
    hint = selectors.eligibility_hint(open_jkk(covered))
    assert (hint.code, hint.ok, hint.month) == (Hint.PAID, True, date(2025, 11, 1))
    assert "November 2025" in hint.message and "Rp16.800" in hint.message


def test_the_hint_warns_when_the_month_is_unpaid_partly_draft_or_not_billed(
    covered: Billable,
) -> None:
    december = open_jkk(covered, event_date=date(2025, 12, 3))
    hint = selectors.eligibility_hint(december)
    assert (hint.code, hint.ok) == (Hint.UNPAID, False)
    assert "belum dibayar" in hint.message
    pay_bill(covered, Bill.objects.get(month=date(2025, 12, 1)), amount=1_000)
    assert selectors.eligibility_hint(december).code == Hint.PARTLY
    Bill.objects.create(programme=covered.programme, month=date(2026, 1, 1))
    january = open_jkk(covered, event_date=date(2026, 1, 9))
    assert selectors.eligibility_hint(january).code == Hint.NOT_BILLED
    assert Bill.objects.get(month=date(2026, 1, 1)).status == BillStatus.DRAFT


def test_the_hint_says_a_member_not_registered_is_not_covered(covered: Billable) -> None:
    claim = open_jkk(covered)
    claim.membership.coverage_start = None
    hint = selectors.eligibility_hint(claim)
    assert (hint.code, hint.ok) == (Hint.NOT_REGISTERED, False)


def test_paid_months_count_only_months_paid_in_full(covered: Billable) -> None:
    assert selectors.paid_months(open_jkk(covered)) == 2  # October, November; not December


def test_a_village_sees_only_its_own_members_cases(covered: Billable) -> None:
    mine, theirs = open_jkk(covered, 2), open_jkk(covered, 8, role="desa_b")
    users = covered.users
    assert list(selectors.claims_for(users["desa"])) == [mine]
    assert list(selectors.claims_for(users["desa_b"])) == [theirs]
    assert set(selectors.claims_for(users["auditor"])) == {mine, theirs}
    assert selectors.claim_for(users["desa"], theirs.pk) is None
    assert selectors.claim_for(users["kecamatan"], mine.pk) == mine


def test_filters_narrow_the_register(covered: Billable) -> None:
    jkk = open_jkk(covered, 2)
    jkm = open_jkm(covered, 8, role="manager")
    late = open_jkk(covered, 9, role="manager", event_date=date(2025, 12, 3))
    user = covered.users["manager"]

    def ids(**filters: object) -> set[int]:
        return {c.pk for c in selectors.claims_for(user, **filters)}  # type: ignore[arg-type]

    assert ids(benefit="JKM") == {jkm.pk}
    assert ids(area="17.05.01") == {jkk.pk}
    assert ids(area="17.05.02.1010") == {jkm.pk, late.pk}
    assert ids(since=date(2025, 11, 15)) == {jkm.pk, late.pk}
    assert ids(until=date(2025, 11, 15)) == {jkk.pk}
    assert ids(q="bambang") == {jkk.pk}  # Bambang Sutrisno, serial 2
    assert ids(q=jkm.membership.kpj) == {jkm.pk}
    assert ids(q=late.membership.nik[:12]) == {late.pk}
    assert ids(programme_id=covered.programme.pk) == {jkk.pk, jkm.pk, late.pk}
    to_submitted(jkk)
    assert ids(status="submitted") == {jkk.pk}


def test_totals_count_and_sum_by_benefit_status_and_component(covered: Billable) -> None:
    paid = to_submitted(open_jkm(covered, 2), reference="JKM/1")
    for kind, amount in (("jkm_lump_sum", 20_000_000), ("jkm_funeral", 10_000_000)):
        services.claim_component_record(
            actor=None,
            claim=paid,
            expected_version=paid.version,
            kind=kind,
            paid_amount=amount,
            paid_on=date(2025, 12, 20),
        )
    services.claim_pay(
        actor=None, claim=paid, expected_version=paid.version, decided_on=date(2025, 12, 20)
    )
    open_jkk(covered, 2)
    open_jkk(covered, 3)
    claims = selectors.claims_for(covered.users["manager"])
    with CaptureQueriesContext(connection) as queries:
        totals = selectors.register_totals(claims)
    assert len(queries) == 2  # set-based, whatever the number of cases
    assert (totals.count, totals.paid) == (3, 30_000_000)
    assert totals.cell("JKM", "paid").count == 1 and totals.cell("JKM", "paid").paid == 30_000_000
    assert totals.cell("JKK", "reported").count == 2
    assert totals.by_component == {"jkm_lump_sum": 20_000_000, "jkm_funeral": 10_000_000}
    listed = {c.pk: c for c in claims}
    assert listed[paid.pk].paid_total == 30_000_000  # type: ignore[attr-defined]
    assert listed[paid.pk].expected_total == 42_000_000  # type: ignore[attr-defined]
    assert totals.as_dict()["by_benefit"] == {
        "JKK": {"count": 2, "paid": 0, "by_status": {"reported": 2}},
        "JKM": {"count": 1, "paid": 30_000_000, "by_status": {"paid": 1}},
    }

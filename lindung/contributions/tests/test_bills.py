"""Drafting and approving the monthly bill: Seluma's figures to the rupiah, whole months,
corrections of approved months, and who may do it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from lindung.audit.models import AuditEvent
from lindung.contributions.billing import (
    bill_approve,
    bill_draft,
    bill_lines_for,
    totals_by_kecamatan,
    totals_by_village,
)
from lindung.contributions.models import Bill, BillLine, BillStatus, LineKind
from lindung.contributions.months import add_months, first_of
from lindung.contributions.tests.bills_helpers import (
    DEC,
    JAN,
    JKK,
    JKM,
    NOV,
    OCT,
    SEP,
    approved_bill,
    end_member,
)
from lindung.contributions.tests.conftest import MEMBERS, RATE, Billable
from lindung.membership.models import Membership
from lindung.programs.models import FundingSource
from lindung.programs.services import rate_table


def _draft(billable: Billable, month: date, role: str = "finance") -> Bill:
    return bill_draft(actor=billable.users[role], programme=billable.programme, month=month)


# -- Seluma's figures ------------------------------------------------------------------------


def test_three_months_of_seluma_cost_exactly_the_budget_line(billable: Billable) -> None:
    bills = [approved_bill(billable, month) for month in (OCT, NOV, DEC)]
    assert [(b.members, b.total) for b in bills] == [(MEMBERS, MEMBERS * RATE)] * 3
    assert [b.total for b in bills] == [134_400] * 3
    assert sum(b.total for b in bills) == 403_200 == billable.budget_line.pagu
    assert all(b.budget_line == billable.budget_line for b in bills)
    assert all(b.status == BillStatus.APPROVED and b.approved_at for b in bills)
    assert BillLine.objects.filter(bill__in=bills).count() == 3 * MEMBERS


def test_totals_per_benefit_follow_the_rate_table(billable: Billable) -> None:
    bill = _draft(billable, OCT)
    sectors = set(
        Membership.objects.filter(programme=billable.programme).values_list(
            "occupation__sector", flat=True
        )
    )
    rates = rate_table(billable.programme, OCT)
    for sector in sectors:
        amounts = rates[(sector, FundingSource.APBD)].amounts
        assert (amounts["JKK"], amounts["JKM"], amounts.get("JHT", 0)) == (JKK, JKM, 0)
    assert (bill.jkk, bill.jkm, bill.jht) == (MEMBERS * JKK, MEMBERS * JKM, 0)
    assert bill.total == bill.jkk + bill.jkm + bill.jht == 134_400
    lines = BillLine.objects.filter(bill=bill)
    assert set(lines.values_list("total", flat=True)) == {RATE}
    assert set(lines.values_list("kind", flat=True)) == {LineKind.REGULAR}


def test_totals_by_kecamatan_and_village_add_up_to_the_bill(billable: Billable) -> None:
    bill = _draft(billable, OCT)
    finance = billable.users["finance"]
    for totals in (totals_by_kecamatan(finance, bill), totals_by_village(finance, bill)):
        assert sum(t.total for t in totals) == bill.total
        assert sum(t.jkk for t in totals) == bill.jkk
        assert sum(t.jkm for t in totals) == bill.jkm
        assert sum(t.members for t in totals) == bill.members
    kecamatan = totals_by_kecamatan(finance, bill)
    assert all(len(t.code) == 8 and t.name != t.code for t in kecamatan)
    per_village = Membership.objects.values_list("village_id").annotate(n=Count("id"))
    villages = dict(per_village.filter(programme=billable.programme))
    assert {t.code: t.members for t in totals_by_village(finance, bill)} == villages


def test_the_line_list_filters_by_village_kind_and_name(billable: Billable) -> None:
    bill = _draft(billable, OCT)
    finance = billable.users["finance"]
    member = billable.members()[0]
    assert bill_lines_for(finance, bill).count() == MEMBERS
    in_village = bill_lines_for(finance, bill, village=member.village_id)
    assert in_village.count() == Membership.objects.filter(village=member.village).count()
    assert bill_lines_for(finance, bill, village=member.village_id[:8]).count() >= 1
    assert bill_lines_for(finance, bill, kind=LineKind.ADJUSTMENT).count() == 0
    found = bill_lines_for(finance, bill, q=member.name[:5].lower())
    assert member.pk in set(found.values_list("membership_id", flat=True))
    assert [line.membership_id for line in bill_lines_for(finance, bill, q=member.kpj)] == [
        member.pk
    ]


# -- whole months ----------------------------------------------------------------------------


def test_a_member_dying_mid_month_is_billed_for_that_whole_month(billable: Billable) -> None:
    end_member(billable.members()[0], date(2025, 11, 5))
    assert _draft(billable, NOV).members == MEMBERS
    assert _draft(billable, DEC).members == MEMBERS - 1


def test_a_member_ended_on_the_first_is_not_billed_for_that_month(billable: Billable) -> None:
    end_member(billable.members()[0], NOV)
    assert _draft(billable, OCT).members == MEMBERS
    assert _draft(billable, NOV).total == (MEMBERS - 1) * RATE


def test_coverage_from_the_last_day_bills_the_whole_month(billable: Billable) -> None:
    late = billable.members()[0]
    Membership.objects.filter(pk=late.pk).update(coverage_start=date(2025, 11, 30))
    assert _draft(billable, OCT).members == MEMBERS - 1
    nov = _draft(billable, NOV)
    assert nov.members == MEMBERS
    assert BillLine.objects.get(bill=nov, membership=late).total == RATE


# -- corrections -----------------------------------------------------------------------------


def test_a_retroactive_end_is_corrected_in_the_next_draft(billable: Billable) -> None:
    approved_bill(billable, OCT)
    approved_bill(billable, NOV)
    gone = billable.members()[0]
    end_member(gone, NOV)  # found out in December: not covered from 1 November
    dec = _draft(billable, DEC)
    adjustment = BillLine.objects.get(bill=dec, kind=LineKind.ADJUSTMENT)
    assert (adjustment.membership_id, adjustment.month) == (gone.pk, NOV)
    assert (adjustment.jkk, adjustment.jkm, adjustment.total) == (-JKK, -JKM, -16_800)
    assert (dec.members, dec.adjustment_lines, dec.adjustment_total) == (MEMBERS - 1, 1, -16_800)
    assert dec.total == (MEMBERS - 1) * RATE - 16_800 == 100_800
    assert dec.jkk == (MEMBERS - 2) * JKK and dec.jkm == (MEMBERS - 2) * JKM


def test_redrafting_replaces_the_lines_and_never_duplicates_them(billable: Billable) -> None:
    approved_bill(billable, OCT)
    approved_bill(billable, NOV)
    end_member(billable.members()[0], NOV)
    first = _draft(billable, DEC)
    again = _draft(billable, DEC, role="manager")
    assert again.pk == first.pk and again.version == first.version + 1
    assert BillLine.objects.filter(bill=again).count() == MEMBERS - 1 + 1
    assert BillLine.objects.filter(bill=again, kind=LineKind.ADJUSTMENT).count() == 1
    assert again.created_by == billable.users["manager"]
    assert Bill.objects.filter(programme=billable.programme, month=DEC).count() == 1


def test_a_correction_once_approved_is_not_made_again(billable: Billable) -> None:
    approved_bill(billable, OCT)
    approved_bill(billable, NOV)
    end_member(billable.members()[0], NOV)
    approved_bill(billable, DEC)
    jan = _draft(billable, JAN)
    assert (jan.members, jan.adjustment_lines, jan.total) == (MEMBERS - 1, 0, 7 * RATE)


def test_a_retroactive_registration_is_billed_for_the_months_missed(billable: Billable) -> None:
    late = billable.members()[0]
    Membership.objects.filter(pk=late.pk).update(coverage_start=NOV)
    approved_bill(billable, OCT)  # seven members
    Membership.objects.filter(pk=late.pk).update(coverage_start=OCT)  # BPJS backdated it
    nov = _draft(billable, NOV)
    line = BillLine.objects.get(bill=nov, kind=LineKind.ADJUSTMENT)
    assert (line.membership_id, line.month, line.total) == (late.pk, OCT, RATE)
    assert nov.total == MEMBERS * RATE + RATE


def test_an_approval_after_the_draft_makes_a_later_draft_stale(billable: Billable) -> None:
    approved_bill(billable, OCT)
    nov = _draft(billable, NOV)
    dec = _draft(billable, DEC)
    bill_approve(actor=billable.users["finance"], bill=nov, version=nov.version)
    with pytest.raises(ValidationError, match="buat ulang draf Desember 2025"):
        bill_approve(actor=billable.users["finance"], bill=dec, version=dec.version)
    dec = _draft(billable, DEC)
    assert bill_approve(actor=billable.users["finance"], bill=dec, version=dec.version).approved


def test_approving_a_later_month_first_is_allowed(billable: Billable) -> None:
    oct_ = _draft(billable, OCT)
    nov = approved_bill(billable, NOV)
    assert nov.approved and not Bill.objects.get(pk=oct_.pk).approved


# -- refusals --------------------------------------------------------------------------------


def test_an_approved_month_cannot_be_drafted_again(billable: Billable) -> None:
    approved_bill(billable, OCT)
    with pytest.raises(ValidationError, match="sudah disetujui"):
        _draft(billable, OCT)


def test_approving_an_outdated_version_is_refused(billable: Billable) -> None:
    shown = _draft(billable, OCT)
    _draft(billable, OCT)
    with pytest.raises(ValidationError, match="baru saja dibuat ulang"):
        bill_approve(actor=billable.users["finance"], bill=shown, version=shown.version)
    assert not Bill.objects.get(pk=shown.pk).approved


def test_approving_twice_is_refused(billable: Billable) -> None:
    bill = approved_bill(billable, OCT)
    with pytest.raises(ValidationError, match="sudah disetujui sebelumnya"):
        bill_approve(actor=billable.users["manager"], bill=bill, version=bill.version)


def test_a_month_without_members_is_refused(billable: Billable) -> None:
    with pytest.raises(ValidationError, match="Tidak ada peserta yang ditagih untuk September"):
        _draft(billable, SEP)
    assert not Bill.objects.exists()


def test_a_month_beyond_the_next_is_refused(billable: Billable) -> None:
    too_far = add_months(first_of(date.today()), 2)
    with pytest.raises(ValidationError, match="paling jauh bulan depan"):
        _draft(billable, too_far)


def test_missing_rates_stop_the_draft_with_a_reason(billable: Billable) -> None:
    billable.programme.rates.all().delete()
    with pytest.raises(ValidationError) as caught:
        _draft(billable, OCT)
    assert "tarif" in " ".join(caught.value.messages).lower()
    assert not Bill.objects.exists()


def test_a_budget_line_of_another_programme_is_refused(billable: Billable) -> None:
    from lindung.membership.tests.conftest import make_programme

    other = make_programme(name="Program lain")
    line = type(billable.budget_line).objects.create(
        programme=other, fiscal_year=2025, funding_source=FundingSource.APBD, pagu=1
    )
    with pytest.raises(ValidationError, match="bukan milik program ini"):
        bill_draft(
            actor=billable.users["finance"],
            programme=billable.programme,
            month=OCT,
            budget_line=line,
        )


# -- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "manager", "admin"])
def test_the_dinas_and_finance_draft_and_approve(billable: Billable, role: str) -> None:
    bill = approved_bill(billable, OCT, role=role)
    assert bill.approved_by == billable.users[role]
    events = AuditEvent.objects.filter(object_type="bill", object_id=str(bill.pk))
    assert sorted(events.values_list("action", flat=True)) == ["bill_approve", "bill_draft"]
    assert set(events.values_list("actor", flat=True)) == {billable.users[role].pk}


@pytest.mark.parametrize("role", ["auditor", "leadership", "desa", "kecamatan", "bpjs"])
def test_other_roles_may_neither_draft_nor_approve(billable: Billable, role: str) -> None:
    with pytest.raises(PermissionDenied):
        _draft(billable, OCT, role=role)
    bill = _draft(billable, OCT)
    with pytest.raises(PermissionDenied):
        bill_approve(actor=billable.users[role], bill=bill, version=bill.version)
    assert not Bill.objects.get(pk=bill.pk).approved

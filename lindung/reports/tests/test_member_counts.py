"""The member counts the database keeps equal a fresh count after every kind of write, and
the dashboard's tally read from them equals the tally counted member by member."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum

from lindung.contributions.tests.conftest import Billable, billable  # noqa: F401
from lindung.membership.models import ACTIVE_STATUSES, EndReason, Membership, MemberStatus
from lindung.membership.tests.conftest import determined, nik, proposed  # noqa: F401
from lindung.programs.models import Occupation
from lindung.reports import counts, selectors
from lindung.reports.models import MemberBirthCount, MemberCount
from lindung.reports.tests.dashboard_helpers import ON, Dash, build_dash, member


@pytest.fixture
def dash(billable: Billable) -> Dash:  # noqa: F811
    return build_dash(billable)


def _same_tally(dash: Dash, on: date) -> None:
    everyone = Membership.objects.filter(programme=dash.programme)
    kept = selectors.kept_tally(selectors.everything, dash.programme, on)
    fresh = selectors.count_members(everyone, on)
    assert kept.by_village == fresh.by_village
    assert kept.by_kecamatan == fresh.by_kecamatan


def _kept_active(dash: Dash) -> int:
    total = MemberCount.objects.filter(
        programme=dash.programme, status__in=ACTIVE_STATUSES
    ).aggregate(t=Sum("n"))["t"]
    return int(total or 0)


def test_the_fixture_is_counted_by_the_triggers_without_drift(dash: Dash) -> None:
    assert counts.drift(connection).none
    assert _kept_active(dash) == 7
    _same_tally(dash, ON)


def test_the_kept_tally_puts_edge_month_birthdays_in_the_right_band(dash: Dash) -> None:
    # For every member and every band edge, the day before, of and after the birthday that
    # crosses it: the month of a band's edge is where month counts alone would be wrong.
    days = set()
    for born in Membership.objects.values_list("birth_date", flat=True):
        for years in (25, 35, 45, 55):
            birthday = selectors.years_before(born, -years)
            days |= {birthday - timedelta(days=1), birthday, birthday + timedelta(days=1)}
    assert len(days) > 40
    for on in sorted(days):
        _same_tally(dash, on)


class _Undo(Exception):
    pass


def test_every_kind_of_write_keeps_the_counts(dash: Dash) -> None:
    # The ORM's update of one row, a bulk update over several, raw SQL, a delete.
    one = member(1)
    one.status, one.end_reason, one.ended_on = MemberStatus.ENDED, EndReason.WITHDRAWN, ON
    one.save(update_fields=["status", "end_reason", "ended_on"])
    nelayan = Occupation.objects.get(name="Nelayan")
    Membership.objects.filter(nik__in=[nik(2), nik(3)]).update(
        occupation=nelayan, sex="P", birth_date=date(1970, 6, 30)
    )
    Membership.objects.filter(nik=nik(6)).update(village_id="17.05.02.1010")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE membership_membership SET birth_date = %s WHERE nik = %s",
            [date(1999, 2, 1), nik(7)],
        )
    # A change to nothing counted (the name) moves no count.
    Membership.objects.filter(nik=nik(10)).update(name="NAMA BARU")
    assert counts.drift(connection).none
    assert _kept_active(dash) == 6
    _same_tally(dash, ON)
    # A delete, undone with its savepoint (the member's events still point at it): the
    # counts go down with it and come back with the rollback.
    with pytest.raises(_Undo), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM membership_membership WHERE nik = %s", [nik(8)])
        assert counts.drift(connection).none
        assert _kept_active(dash) == 5
        raise _Undo
    assert counts.drift(connection).none
    assert _kept_active(dash) == 6


def test_drift_is_found_and_a_rebuild_repairs_it(dash: Dash) -> None:
    row = MemberCount.objects.filter(programme=dash.programme).order_by("pk").first()
    assert row is not None
    MemberCount.objects.filter(pk=row.pk).update(n=row.n + 5)
    MemberBirthCount.objects.filter(programme=dash.programme).delete()
    found = counts.drift(connection)
    assert found.counts == 1
    assert found.births > 0
    counts.rebuild(connection)
    assert counts.drift(connection).none
    _same_tally(dash, ON)


def test_the_command_checks_and_rebuilds(dash: Dash) -> None:
    out = StringIO()
    call_command("member_counts", "--check", stdout=out)
    assert "sesuai" in out.getvalue()
    MemberCount.objects.filter(programme=dash.programme).update(n=0)
    with pytest.raises(CommandError, match="berbeda"):
        call_command("member_counts", "--check", stdout=StringIO())
    out = StringIO()
    call_command("member_counts", "--rebuild", stdout=out)
    assert "dihitung ulang" in out.getvalue()
    assert counts.drift(connection).none
    assert _kept_active(dash) == 7


def test_a_village_user_is_counted_directly_and_sees_its_village_only(dash: Dash) -> None:
    desa = dash.users["desa"]
    tally = selectors.member_tally(desa, dash.programme, ON)
    assert set(tally.by_village) == {desa.scope_id}
    kecamatan = dash.users["kecamatan"]
    wider = selectors.member_tally(kecamatan, dash.programme, ON)
    assert set(wider.by_village) >= {desa.scope_id}
    assert all(code.startswith(f"{kecamatan.scope_id}.") for code in wider.by_village)

"""Two requests at the same moment, each on its own PostgreSQL connection: only one wins.

SQLite serialises every write to the whole file, so these races cannot happen there; the
sequential versions of the same refusals are in test_lifecycle.py and run on both databases.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lindung.membership.models import (
    ACTIVE_STATUSES,
    EndReason,
    Membership,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)
from lindung.membership.services import ConflictError, membership_end, replacement_fill
from lindung.membership.tests.conftest import Determined, nik
from lindung.membership.tests.lifecycle_helpers import (
    run_together,
    second_period,
    waiting_entry,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


def _end(member: Membership) -> Membership:
    return membership_end(
        actor=None,
        membership=member,
        expected_version=member.version,
        reason=EndReason.WITHDRAWN,
        effective_on=timezone.localdate(),
        note="Mengundurkan diri",
    )


def _one_wins(results: list[Any]) -> ConflictError:
    wins = [r for r in results if isinstance(r, Membership)]
    losses = [r for r in results if isinstance(r, ConflictError)]
    assert (len(wins), len(losses)) == (1, 1), results
    return losses[0]


def test_two_clicks_on_one_place_fill_it_once(committed: Determined) -> None:
    ended = _end(committed.member(2))
    manager = committed.users["manager"]
    loss = _one_wins(
        run_together(
            lambda: replacement_fill(actor=manager, ended=ended),
            lambda: replacement_fill(actor=manager, ended=ended),
        )
    )
    assert "sudah diisi oleh" in loss.message
    assert Membership.objects.filter(replaces=ended).count() == 1
    assert WaitingEntry.objects.filter(status=WaitingStatus.TAKEN).count() == 1


def test_one_waiting_person_cannot_take_two_places_at_once(committed: Determined) -> None:
    two, three = _end(committed.member(2)), _end(committed.member(3))
    entry = waiting_entry(committed.determination, 4)
    loss = _one_wins(
        run_together(
            lambda: replacement_fill(actor=None, ended=two, entry=entry),
            lambda: replacement_fill(actor=None, ended=three, entry=entry),
        )
    )
    assert "sudah menggantikan peserta lain" in loss.message
    assert Membership.objects.filter(nik=nik(4)).count() == 1
    assert Membership.objects.filter(replaces__in=[two, three]).count() == 1


def test_a_person_waiting_in_two_periods_gets_one_place_under_a_race(
    committed: Determined,
) -> None:
    """Two determinations, so two different locks: here the partial unique index (or the
    check just before it) is what stops the second place."""
    det2 = second_period(committed)
    four = _end(Membership.objects.get(determination=det2))
    one = committed.member(1)  # ended by second_period
    loss = _one_wins(
        run_together(
            lambda: replacement_fill(
                actor=None, ended=one, entry=waiting_entry(committed.determination, 5)
            ),
            lambda: replacement_fill(actor=None, ended=four, entry=waiting_entry(det2, 5)),
        )
    )
    assert "sudah menjadi peserta aktif" in loss.message
    active = Membership.objects.filter(nik=nik(5), status__in=ACTIVE_STATUSES)
    assert active.count() == 1
    assert WaitingEntry.objects.filter(proposal__nik=nik(5), status="taken").count() == 1


def _place_for(entry: WaitingEntry) -> Membership:
    p = entry.proposal
    return Membership(
        programme_id=p.programme_id,
        period_id=p.period_id,
        determination_id=entry.determination_id,
        proposal=p,
        village_id=p.village_id,
        nik=p.nik,
        name=p.name,
        birth_date=p.birth_date,
        sex=p.sex,
        rank=99,
        status=MemberStatus.DETERMINED,
    )


def test_the_index_makes_the_second_of_two_open_transactions_fail(
    committed: Determined,
) -> None:
    """The first transaction inserts and holds its commit for a moment; the second inserts
    the same person (another period, another proposal) meanwhile and must wait for the
    first, then fail on the partial unique index."""
    det2 = second_period(committed)
    first = _place_for(waiting_entry(committed.determination, 5))
    second = _place_for(waiting_entry(det2, 5))
    inserted = threading.Event()
    outcome: dict[str, Any] = {}

    def hold() -> None:
        try:
            with transaction.atomic():
                first.save(force_insert=True)
                inserted.set()
                time.sleep(1)
            outcome["first"] = "committed"
        finally:
            connection.close()

    def follow() -> None:
        inserted.wait(timeout=10)
        started = time.monotonic()
        try:
            with transaction.atomic():
                second.save(force_insert=True)
            outcome["second"] = "committed"
        except IntegrityError as error:
            outcome["second"] = str(error)
        finally:
            outcome["waited"] = time.monotonic() - started
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=follow)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["first"] == "committed"
    assert "membership_one_active_per_person" in outcome["second"]
    assert outcome["waited"] > 0.5  # it really waited for the first transaction
    assert Membership.objects.filter(nik=nik(5), status__in=ACTIVE_STATUSES).count() == 1

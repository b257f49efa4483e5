"""Two managers recording a decree for the same period at the same moment, each on its own
PostgreSQL connection: one decree is recorded, the other manager is told why not.

SQLite serialises every write to the whole file, so these races cannot happen there; the
sequential refusals are in test_decrees.py and run on both databases.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lindung.membership.decrees import decree_amend, decree_issue
from lindung.membership.models import Decree, DecreeEntry
from lindung.membership.tests import decree_helpers as h
from lindung.membership.tests.conftest import Determined
from lindung.membership.tests.lifecycle_helpers import (
    run_together,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


def _one_wins(results: list[Any]) -> ValidationError:
    wins = [r for r in results if isinstance(r, Decree)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert (len(wins), len(losses)) == (1, 1), results
    return losses[0]


def test_two_managers_recording_the_original_at_once_record_it_once(
    committed: Determined,
) -> None:
    manager, admin = committed.users["manager"], committed.users["admin"]
    period = committed.period
    loss = _one_wins(
        run_together(
            lambda: decree_issue(actor=manager, period=period, **h.decree_fields(number="A/1")),
            lambda: decree_issue(actor=admin, period=period, **h.decree_fields(number="A/2")),
        )
    )
    assert "sudah dicatat" in " ".join(loss.messages)
    assert Decree.objects.count() == 1
    assert DecreeEntry.objects.count() == 8


def test_two_amendments_at_once_list_each_change_once(committed: Determined) -> None:
    h.issue(committed)
    h.end(committed.member(2))
    manager, admin = committed.users["manager"], committed.users["admin"]
    period = committed.period

    def amend(actor: Any, number: str) -> Decree:
        fields = h.decree_fields(number=number, signed_on=h.today())
        return decree_amend(actor=actor, period=period, **fields)

    loss = _one_wins(run_together(lambda: amend(manager, "B/1"), lambda: amend(admin, "B/2")))
    assert "Tidak ada perubahan" in " ".join(loss.messages)
    assert Decree.objects.filter(sequence=1).count() == 1
    assert DecreeEntry.objects.filter(change="ended").count() == 1

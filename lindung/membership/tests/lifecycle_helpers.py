"""Helpers for the lifecycle tests: Dukcapil extracts, a second determined period, and a
committed database for the PostgreSQL concurrency tests.

The concurrency tests need rows other connections can see, so they cannot run inside the
rollback of pytest-django's `db` fixture: they use `transactional_db`, which empties the
database afterwards (flush, a TRUNCATE). The audit log refuses TRUNCATE, so the guard is
switched off around that test and on again after the flush, and the occupations a migration
seeds are put back, so the tests after it find the database as migrations left it.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

from lindung.accounts.tests.helpers import build_world
from lindung.membership.determination import determination_commit
from lindung.membership.models import Determination, Membership, WaitingEntry
from lindung.membership.tests.conftest import (
    Determined,
    import_welfare,
    make_eligible,
    make_period,
    make_programme,
    next_month,
    nik,
)
from lindung.programs import services as programme_services
from lindung.references.models import ReferenceKind, Snapshot
from lindung.references.services import snapshot_import

OUTSIDE_VILLAGE = "17.01.01.2001"  # another regency (Bengkulu Selatan)


def _csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def import_deaths(deaths: dict[str, date], *, on: date | None = None) -> Snapshot:
    """A Dukcapil death extract for the regency: NIK -> date of death."""
    rows: list[dict[str, object]] = [
        {"NIK": n, "Nama": f"Almarhum {i}", "Tanggal Meninggal": d.isoformat()}
        for i, (n, d) in enumerate(deaths.items(), start=1)
    ]
    return snapshot_import(
        actor=None,
        kind=ReferenceKind.DEATH,
        source="Dukcapil",
        extracted_on=on or timezone.localdate(),
        area_code="17.05",
        file=_csv(rows),
        filename="kematian.csv",
    )


def import_moves(
    moves: dict[str, tuple[date, str]],
    *,
    destinations: dict[str, str] | None = None,
    on: date | None = None,
) -> Snapshot:
    """A Dukcapil move extract: NIK -> (date of the move, the village code in Kode Desa);
    `destinations` gives the Tujuan text (default "Desa <code>")."""
    destinations = destinations or {}
    rows: list[dict[str, object]] = [
        {
            "NIK": n,
            "Tanggal Pindah": d.isoformat(),
            "Kode Desa": v,
            "Tujuan": destinations.get(n, f"Desa {v}"),
        }
        for n, (d, v) in moves.items()
    ]
    return snapshot_import(
        actor=None,
        kind=ReferenceKind.MOVE,
        source="Dukcapil",
        extracted_on=on or timezone.localdate(),
        area_code="17.05",
        file=_csv(rows),
        filename="pindah.csv",
    )


def build_determined() -> Determined:
    """The conftest's `determined` fixture, as a plain function."""
    world = build_world()
    programme = make_programme()
    period = make_period(programme)
    import_welfare(world.users["manager"], timezone.localdate())
    make_eligible(programme, period, list(range(1, 12)))
    determination = determination_commit(
        actor=world.users["manager"], period=period, months=3, coverage_start=next_month()
    )
    return Determined(world, programme, period, determination)


def end_directly(member: Membership) -> None:
    """Mark `member` ended without the service: the state a test starts from."""
    Membership.objects.filter(pk=member.pk).update(
        status="ended", ended_on=timezone.localdate(), end_reason="withdrawn"
    )


def second_period(d: Determined) -> Determination:
    """A later period of the same programme in which serials 4 and 5 (both waiting in the
    first) are proposed again, after member 1 of village A ended: one of them gets the one
    free place of village A, the other waits in this period's list too."""
    end_directly(d.member(1))
    today = timezone.localdate()
    period = programme_services.period_create(
        actor=None,
        programme=d.programme,
        name="Usulan uji kedua",
        opens_on=today + timedelta(days=11),
        closes_on=today + timedelta(days=40),
        proposal_limit=5,
    )
    make_eligible(d.programme, period, [4, 5])
    return determination_commit(
        actor=None, period=period, months=3, coverage_start=next_month(next_month())
    )


def waiting_entry(determination: Determination, serial: int) -> WaitingEntry:
    return WaitingEntry.objects.get(determination=determination, proposal__nik=nik(serial))


def allow_audit_truncate(allowed: bool) -> None:
    """Switch the audit log's TRUNCATE guard off (for the flush after a transactional
    test) and on again. PostgreSQL only."""
    action = "DISABLE" if allowed else "ENABLE"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE audit_auditevent {action} TRIGGER audit_event_no_truncate")


def reseed_occupations() -> None:
    """Put back the occupations a migration seeds, which a flush removes."""
    seeding = import_module("lindung.programs.migrations.0002_occupations_and_overlap_constraints")
    seeding.seed_occupations(apps, None)


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` at the same moment, each in its own thread with its own database
    connection; each result is the return value or the exception raised."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        try:
            start.wait(timeout=10)
            return call()
        except Exception as error:  # the outcome under test
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))

"""A determined Seluma period to test membership work on.

The programme takes 3 workers per village (national rates: Rp16.800 per member per month),
ranked by lowest desil, then oldest. Proposals (all found eligible; the review steps that
get them there are tested in the verification app):

| village | serials | desil (welfare extract) | determined | waiting list |
|---|---|---|---|---|
| A  (Niur)        | 1-5   | 1: 3, 2: 1, 3: 2, 4: 4, 5: none | 2, 3, 1 | 4, 5 |
| A2 (Lubuk Sahung) | 6, 7  | 2, 2 | 6, 7 (6 older) | - |
| B  (Pasar Tais)  | 8-11  | all 1 | the 3 oldest | the youngest |
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2, VILLAGE_B, World, build_world
from lindung.core.tests.worlds import shared_world
from lindung.membership.determination import determination_commit
from lindung.membership.models import Determination, Membership
from lindung.people.nik import compose_nik
from lindung.programs import services as programme_services
from lindung.programs.models import (
    FundingSource,
    LegalType,
    Occupation,
    Priority,
    Programme,
    ProposalPeriod,
    QuotaKind,
)
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.proposals.services import batch_import, sender_for
from lindung.references.models import ReferenceKind
from lindung.references.services import snapshot_import

QUOTA = 3
VILLAGE_OF = dict.fromkeys(range(1, 6), VILLAGE_A)
VILLAGE_OF |= {6: VILLAGE_A2, 7: VILLAGE_A2} | dict.fromkeys(range(8, 12), VILLAGE_B)
DESIL = {1: 3, 2: 1, 3: 2, 4: 4, 6: 2, 7: 2, 8: 1, 9: 1, 10: 1, 11: 1}
NAMES = {
    1: "Ahmad Fauzi",
    2: "Bambang Sutrisno",
    3: "Joko Susilo",
    4: "Dedi Kurniawan",
    5: "Eko Prasetyo",
    6: "Siti Rahmawati",
    7: "Nurul Hidayah",
    8: "Yohanes Simanjuntak",
    9: "Wayan Sudarma",
    10: "Agus Salim",
    11: "Rudi Hartono",
}


def born(serial: int) -> date:
    """Older for lower serials within a village, so 'oldest' breaks desil ties."""
    return date(1960 + serial, 1 + serial % 12, 1 + serial % 28)


def nik(serial: int) -> str:
    district = VILLAGE_OF[serial][:8]
    return compose_nik(district, born(serial), "P" if serial in (6, 7) else "L", serial)


def next_month(today: date | None = None) -> date:
    day = today or timezone.localdate()
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


@dataclass
class Determined:
    world: World
    programme: Programme
    period: ProposalPeriod
    determination: Determination

    @property
    def users(self) -> dict[str, User]:
        return self.world.users

    def member(self, serial: int) -> Membership:
        return Membership.objects.get(nik=nik(serial))


def _csv(rows: Sequence[Mapping[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def make_programme(**overrides: Any) -> Programme:
    fields: dict[str, Any] = {
        "name": "Pekerja Rentan Seluma",
        "legal_type": LegalType.PERBUP,
        "legal_number": "15",
        "legal_year": 2025,
        "declared_income": 1_000_000,
        "quota_kind": QuotaKind.VILLAGE,
        "quota_size": QUOTA,
        "max_age": 70,
        "priority": [Priority.LOWEST_DESIL, Priority.OLDEST],
        "funding_source": FundingSource.APBD,
        "occupations": list(Occupation.objects.filter(name__in=["Petani", "Nelayan"])),
    }
    return programme_services.programme_create(
        actor=None, owner_code="17.05", **(fields | overrides)
    )


def make_eligible(programme: Programme, period: ProposalPeriod, serials: list[int]) -> None:
    """Propose `serials` from their villages and mark them eligible (the review steps that
    lead there are the verification app's tests)."""
    for village in sorted({VILLAGE_OF[s] for s in serials}):
        rows = [
            {
                "nik": nik(s),
                "nama": NAMES[s],
                "tempat_lahir": "Tais",
                "tanggal_lahir": born(s).strftime("%d/%m/%Y"),
                "jenis_kelamin": "P" if s in (6, 7) else "L",
                "alamat": f"Jl. Desa No. {s}",
                "pekerjaan": "Petani",
                "no_hp": f"08123456{s:04d}",
            }
            for s in serials
            if VILLAGE_OF[s] == village
        ]
        sender = sender_for(actor=None, programme=programme, period=period, village_code=village)
        batch_import(sender=sender, data=_csv(rows), file_name=f"{village}.csv")
    Proposal.objects.filter(period=period, nik__in=[nik(s) for s in serials]).update(
        status=ProposalStatus.ELIGIBLE
    )


def import_welfare(actor: User | None, on: date) -> None:
    rows: list[dict[str, object]] = [
        {
            "NIK": nik(s),
            "Nama": NAMES[s],
            "Tgl Lahir": born(s).isoformat(),
            "JK": "P" if s in (6, 7) else "L",
            "Kode Desa": VILLAGE_OF[s],
            "Desil": d,
        }
        for s, d in DESIL.items()
    ]
    snapshot_import(
        actor=actor,
        kind=ReferenceKind.WELFARE,
        source="DTSEN",
        extracted_on=on,
        area_code="17.05",
        file=_csv(rows),
        filename="dtsen.csv",
    )


def make_period(programme: Programme) -> ProposalPeriod:
    today = timezone.localdate()
    return programme_services.period_create(
        actor=None,
        programme=programme,
        name="Usulan uji",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
        proposal_limit=5,
    )


@shared_world
def proposed() -> tuple[World, Programme, ProposalPeriod]:
    world = build_world()
    programme = make_programme()
    period = make_period(programme)
    import_welfare(world.users["manager"], timezone.localdate())
    make_eligible(programme, period, list(VILLAGE_OF))
    return world, programme, period


@shared_world
def determined(proposed: tuple[World, Programme, ProposalPeriod]) -> Determined:
    world, programme, period = proposed
    determination = determination_commit(
        actor=world.users["manager"], period=period, months=3, coverage_start=next_month()
    )
    return Determined(world, programme, period, determination)


# -- races: two requests at once, on PostgreSQL ---------------------------------------------
# Threads see only committed rows, so race tests use `transactional_db`; its flush
# TRUNCATEs every table, which the audit log refuses unless its trigger is lifted for the
# flush (see lifecycle_helpers.allow_audit_truncate).


@pytest.fixture
def flush_allowed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Set up before `transactional_db` and torn down after its flush."""
    from lindung.membership.tests.lifecycle_helpers import (
        allow_audit_truncate,
        reseed_occupations,
    )

    with django_db_blocker.unblock():
        allow_audit_truncate(True)
    yield
    with django_db_blocker.unblock():
        allow_audit_truncate(False)
        reseed_occupations()


@pytest.fixture
def committed(flush_allowed: None, transactional_db: None) -> Determined:
    """The `determined` world, committed so that other connections see it."""
    from lindung.membership.tests.lifecycle_helpers import build_determined

    return build_determined()

"""A small Seluma scenario: reference extracts imported through the references service and
proposals from three villages through the proposals service, each person placed where one
check must find them.

| serial | village | what verification must find |
|---|---|---|
| 1 | A  | nothing (in the registry, desil 2) |
| 2 | A  | BPJS_ACTIVE |
| 3 | A  | DECEASED |
| 4 | B  | DESIL_ABOVE_LIMIT (desil 8 > 5) |
| 5 | B  | EXCLUDED (ASN) |
| 6 | B  | NOT_IN_REGISTRY (the programme requires the registry) |
| 7 | A2 | NAME_MISMATCH (the NIK of someone else in the registry): goes to REVIEW |
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2, VILLAGE_B, World, build_world
from lindung.core.tests.worlds import shared_world
from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.models import Batch, Proposal
from lindung.proposals.services import batch_import, sender_for
from lindung.proposals.tests.conftest import born, csv_bytes, make_period, make_programme, nik
from lindung.references.models import ReferenceKind
from lindung.references.services import snapshot_import
from lindung.verification.models import VerificationRun
from lindung.verification.services import verification_run

NAMES = {
    1: "Ahmad Fauzi",
    2: "Bambang Sutrisno",
    3: "Joko Susilo",
    4: "Dedi Kurniawan",
    5: "Eko Prasetyo",
    6: "Fajar Nugroho",
    7: "Yohanes Simanjuntak",
}
REGISTRY_NAME_OF_7 = "Gunawan Hadi"
EXPECTED = {
    1: None,
    2: "BPJS_ACTIVE",
    3: "DECEASED",
    4: "DESIL_ABOVE_LIMIT",
    5: "EXCLUDED",
    6: "NOT_IN_REGISTRY",
    7: "NAME_MISMATCH",
}
VILLAGE_OF = {1: VILLAGE_A, 2: VILLAGE_A, 3: VILLAGE_A, 4: VILLAGE_B, 5: VILLAGE_B}
VILLAGE_OF |= {6: VILLAGE_B, 7: VILLAGE_A2}


@dataclass
class Scenario:
    world: World
    programme: Programme
    period: ProposalPeriod
    batches: dict[str, Batch]

    @property
    def users(self) -> dict[str, User]:
        return self.world.users

    def proposal(self, serial: int) -> Proposal:
        return Proposal.objects.get(nik=nik(serial))


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _person(serial: int, **extra: Any) -> dict[str, Any]:
    return {
        "NIK": nik(serial),
        "Nama": NAMES.get(serial, REGISTRY_NAME_OF_7),
        "Tgl Lahir": born(serial).isoformat(),
        "JK": "L",
        "Kode Desa": VILLAGE_OF.get(serial, VILLAGE_A2),
    } | extra


def import_references(actor: User | None, extracted_on: date | None = None) -> None:
    on = extracted_on or timezone.localdate()
    welfare = [_person(s, Desil=2) for s in (1, 2, 3, 5)]
    welfare += [_person(4, Desil=8), _person(7, Nama=REGISTRY_NAME_OF_7, Desil=3)]
    lists: list[tuple[str, str, list[dict[str, Any]]]] = [
        (ReferenceKind.WELFARE, "DTSEN", welfare),
        (ReferenceKind.BPJS, "BPJS Ketenagakerjaan", [_person(2, KPJ="23011234567", Segmen="BPU")]),
        (ReferenceKind.DEATH, "Dukcapil", [_person(3, **{"Tanggal Meninggal": "2025-05-01"})]),
        (ReferenceKind.EXCLUSION, "BKD", [_person(5, Kategori="ASN")]),
    ]
    for kind, source, rows in lists:
        snapshot_import(
            actor=actor,
            kind=kind,
            source=source,
            extracted_on=on,
            area_code="17.05",
            file=_csv(rows),
            filename=f"{kind}.csv",
        )


def propose(world: World, programme: Programme, period: ProposalPeriod) -> dict[str, Batch]:
    batches = {}
    for key, village in (("A", VILLAGE_A), ("B", VILLAGE_B), ("A2", VILLAGE_A2)):
        serials = [s for s, v in VILLAGE_OF.items() if v == village]
        rows = [
            {
                "nik": nik(s),
                "nama": NAMES[s],
                "tanggal_lahir": born(s).strftime("%d/%m/%Y"),
                "jenis_kelamin": "L",
                "pekerjaan": "Petani",
            }
            for s in serials
        ]
        sender = sender_for(actor=None, programme=programme, period=period, village_code=village)
        result = batch_import(sender=sender, data=csv_bytes(rows), file_name=f"{key}.csv")
        batches[key] = result.batch
    return batches


@shared_world
def scenario() -> Scenario:
    world = build_world()
    programme = make_programme(max_desil=5, requires_registry=True)
    period = make_period(programme)
    import_references(world.users["manager"])
    return Scenario(world, programme, period, propose(world, programme, period))


@shared_world
def run(scenario: Scenario) -> VerificationRun:
    """The scenario's period checked by the Dinas verifier."""
    return verification_run(actor=scenario.users["verifier"], period=scenario.period)

"""Build the demo: Seluma (17.05) with its real areas, a synthetic population and one
user per role. Later capabilities add their own step and their own summary keys."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import transaction

from lindung.accounts.models import Role, User
from lindung.accounts.services import user_create
from lindung.claims.demo import build_claims_demo
from lindung.contributions.demo import build_contributions_demo
from lindung.engine.linkage.files import write_csv_atomically
from lindung.engine.linkage.link import link
from lindung.membership.demo import build_membership_demo
from lindung.people.models import Person
from lindung.people.services import PersonRow, people_bulk_create
from lindung.programs.demo import build_programmes
from lindung.programs.models import ProposalPeriod
from lindung.regions.models import Region
from lindung.regions.services import regions_load
from lindung.reports.selectors import dashboard_summary
from lindung.synth import generate_population, make_village_list
from lindung.synth.writers import write_table
from lindung.verification.demo import build_verification_demo

REGENCY = "17.05"
PASSWORD = "lindung-demo"  # noqa: S105 - a published demo password, printed on start
REFERENCE_DATE = date(2026, 1, 1)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    scope: str | None
    full_name: str


USERS = [
    DemoUser("admin", Role.ADMIN, None, "Admin Sistem"),
    DemoUser("dinas", Role.MANAGER, REGENCY, "Rahmat Hidayat (Disnaker Seluma)"),
    DemoUser("verifikator", Role.VERIFIER, REGENCY, "Siti Aminah (Disnaker Seluma)"),
    DemoUser("keuangan", Role.FINANCE, REGENCY, "Dedi Kurniawan (BKD Seluma)"),
    DemoUser("kec.sukaraja", Role.KECAMATAN, "17.05.01", "Operator Kecamatan Sukaraja"),
    DemoUser("desa.niur", Role.DESA, "17.05.01.2002", "Operator Desa Niur"),
    DemoUser("desa.lubuksahung", Role.DESA, "17.05.01.2003", "Operator Desa Lubuk Sahung"),
    DemoUser("bpjs", Role.BPJS, REGENCY, "Penghubung BPJS Ketenagakerjaan Bengkulu"),
    DemoUser("auditor", Role.AUDITOR, REGENCY, "Inspektorat Seluma"),
    DemoUser("bupati", Role.LEADERSHIP, REGENCY, "Bupati Seluma"),
]


def build_demo(*, people: int = 30_000, seed: int = 1) -> dict[str, Any]:
    """Fill an empty, migrated database with the demo and return its summary."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def step(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 2)
        return now

    t = time.perf_counter()
    regions_load()
    t = step("regions", t)
    with transaction.atomic():
        admin = None
        for u in USERS:
            user = user_create(
                username=u.username,
                password=PASSWORD,
                role=u.role,
                scope_code=u.scope,
                full_name=u.full_name,
            )
            admin = admin or user
    t = step("users", t)
    population = generate_population(REGENCY, people, seed, REFERENCE_DATE)
    people_bulk_create(actor=admin, rows=_person_rows(population.to_pylist()))
    t = step("people", t)
    linkage = _linkage_showcase(population, seed)
    t = step("linkage", t)
    programmes = build_programmes(admin=admin)
    more_users = programmes.pop("programme_users", [])
    t = step("programmes", t)
    verification = build_verification_demo(admin=admin, population=population, seed=seed)
    t = step("verification", t)
    membership = build_membership_demo(
        period=ProposalPeriod.objects.get(pk=verification["verification"]["period_id"]),
        population=population,
    )
    t = step("membership", t)
    period = ProposalPeriod.objects.get(pk=verification["verification"]["period_id"])
    contributions = build_contributions_demo(programme=period.programme)
    t = step("contributions", t)
    claims = build_claims_demo(programme=period.programme)
    t = step("claims", t)
    dashboard = dashboard_summary(period.programme)
    step("dashboard", t)

    regency = Region.objects.get(code=REGENCY)
    villages = Region.objects.within(REGENCY).filter(level=Region.Level.VILLAGE)
    return {
        "regency": {"code": regency.code, "name": regency.name},
        "districts": Region.objects.within(REGENCY).filter(level=Region.Level.DISTRICT).count(),
        "villages": villages.count(),
        "people": Person.objects.filter(village__in=villages).count(),
        "users": [
            {"username": u.username, "password": PASSWORD, "role": u.role.value, "scope": u.scope}
            for u in USERS
        ]
        + more_users,
        "linkage": linkage,
        **programmes,
        **verification,
        **membership,
        **contributions,
        **claims,
        "dashboard": dashboard,
        "seconds": round(time.perf_counter() - started, 2),
        "timings": timings,
    }


def _person_rows(records: list[dict[str, Any]]) -> Iterator[PersonRow]:
    """Synthetic people (Indonesian column names, as operators' files have them) as rows."""
    for r in records:
        yield PersonRow(
            nik=r["nik"],
            name=r["nama"],
            birth_date=r["tanggal_lahir"],
            sex=r["jenis_kelamin"],
            village_code=r["kode_wilayah"],
            kk=r["kk"] or "",
            birth_place=r["tempat_lahir"] or "",
            address=r["alamat"] or "",
            phone=r["no_hp"] or "",
            occupation=r["pekerjaan"] or "",
        )


def _linkage_showcase(population: pa.Table, seed: int) -> dict[str, Any]:
    """A hand-typed list of 2,020 workers (Seluma's first stage) linked to the population.

    The files stay in var/demo/ so `lindung link` can be tried on them by hand.
    """
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    size = min(2_020, population.num_rows // 2)
    village_list, truth = make_village_list(population, size, seed, reference_date=REFERENCE_DATE)
    files = {
        "people": folder / "penduduk.csv",
        "list": folder / "usulan_desa.csv",
        "truth": folder / "usulan_desa_kebenaran.csv",
        "result": folder / "hasil_pencocokan.csv",
    }
    write_table(population, files["people"], "csv")
    write_table(village_list, files["list"], "csv")
    write_table(truth, files["truth"], "csv")
    result = link(village_list, population, reference_date=REFERENCE_DATE)
    write_csv_atomically(result.best, files["result"])
    return {
        **result.counts,
        "seconds": result.seconds.get("total"),
        "files": {name: str(path) for name, path in files.items()},
    }


def database_is_empty() -> bool:
    return not User.objects.exists() and not Region.objects.exists()

"""Named users and people in Kabupaten Seluma, shared by the access and people tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client

from lindung.accounts.models import Role, User
from lindung.accounts.services import user_create
from lindung.people.models import Person
from lindung.people.nik import compose_nik, parse_nik
from lindung.people.services import person_create
from lindung.regions.services import regions_load

PASSWORD = "Lindung-uji-2025!"
REGENCY = "17.05"  # Kabupaten Seluma
DISTRICT_A = "17.05.01"  # Kec. Sukaraja
VILLAGE_A = "17.05.01.2002"  # Niur
VILLAGE_A2 = "17.05.01.2003"  # Lubuk Sahung, same kecamatan as A
DISTRICT_B = "17.05.02"  # Kec. Seluma
VILLAGE_B = "17.05.02.1010"  # Pasar Tais

NIK_A = compose_nik(DISTRICT_A, date(1985, 3, 12), "L", 3)  # 1705011203850003
NIK_A2 = compose_nik(DISTRICT_A, date(1979, 11, 2), "P", 7)
NIK_B = compose_nik(DISTRICT_B, date(1990, 7, 22), "P", 4)  # 1705026207900004


def load_seluma() -> None:
    regions_load(only=REGENCY)


def make_user(role: str, scope_code: str | None, username: str | None = None) -> User:
    return user_create(
        username=username or f"{role}-{(scope_code or 'nasional').replace('.', '')}",
        password=PASSWORD,
        role=role,
        scope_code=scope_code,
        full_name=f"Uji {role.title()}",
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def make_person(nik: str, name: str, village_code: str) -> Person:
    info = parse_nik(nik)
    assert info.birth_date is not None and info.sex is not None
    return person_create(
        actor=None,
        nik=nik,
        name=name,
        birth_date=info.birth_date,
        sex=info.sex,
        village_code=village_code,
    )


@dataclass
class World:
    """Seluma with one person in each of three villages and one user per role."""

    person_a: Person
    person_a2: Person
    person_b: Person
    users: dict[str, User]


def build_world() -> World:
    load_seluma()
    users = {
        "admin": make_user(Role.ADMIN, None),
        "manager": make_user(Role.MANAGER, REGENCY),
        "verifier": make_user(Role.VERIFIER, REGENCY),
        "finance": make_user(Role.FINANCE, REGENCY),
        "bpjs": make_user(Role.BPJS, REGENCY),
        "auditor": make_user(Role.AUDITOR, REGENCY),
        "leadership": make_user(Role.LEADERSHIP, REGENCY),
        "kecamatan": make_user(Role.KECAMATAN, DISTRICT_A),
        "desa": make_user(Role.DESA, VILLAGE_A),
        "desa_b": make_user(Role.DESA, VILLAGE_B),
    }
    return World(
        person_a=make_person(NIK_A, "Moh. Rahmat Hidayat", VILLAGE_A),
        person_a2=make_person(NIK_A2, "Siti Aminah", VILLAGE_A2),
        person_b=make_person(NIK_B, "Hj. Nurhayati", VILLAGE_B),
        users=users,
    )

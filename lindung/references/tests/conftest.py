"""Seluma and Samosir with the users who import and read reference extracts."""

from __future__ import annotations

from datetime import date

from lindung.accounts.models import Role, User
from lindung.accounts.tests.helpers import make_user
from lindung.core.tests.worlds import shared_world
from lindung.regions.services import regions_load

SELUMA = "17.05"
SAMOSIR = "12.17"
EXTRACTED = date(2025, 6, 30)
WELFARE_CSV = (
    "NIK;Nama Lengkap;Tgl Lahir;JK;Kode Desa;No KK;Desil\n"
    "1705016209900003;Suñarti;22-09-1990;P;1705012002;1705011203100001;3\n"
    "1705011203850003;Budi Santoso;1985-03-12;Laki-laki;17.05.01.2002;;4\n"
    "17050112038500;Nama Salah NIK;12/03/1985;L;;;2\n"
    "1705010101900001;Desil Salah;01-01-1990;L;;;11\n"
    ";;;;;;\n"
    "1705010202900002;Tanggal Salah;31-02-1990;X;;;1\n"
).encode("cp1252")


@shared_world
def users() -> dict[str, User]:
    regions_load(only=SELUMA)
    regions_load(only=SAMOSIR)
    return {
        "admin": make_user(Role.ADMIN, None),
        "manager": make_user(Role.MANAGER, SELUMA),
        "verifier": make_user(Role.VERIFIER, SELUMA),
        "bpjs": make_user(Role.BPJS, SELUMA),
        "auditor": make_user(Role.AUDITOR, SELUMA),
        "desa": make_user(Role.DESA, "17.05.01.2002"),
        "samosir": make_user(Role.MANAGER, SAMOSIR),
    }

"""Seluma and Samosir with a manager each, and Seluma's programme as the demo sets it up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lindung.accounts.models import Role, User
from lindung.accounts.tests.helpers import make_user
from lindung.core.tests.worlds import shared_world
from lindung.programs import services
from lindung.programs.models import FundingSource, LegalType, Programme, QuotaKind
from lindung.regions.services import regions_load

SELUMA = "17.05"
SAMOSIR = "12.17"
SELUMA_VILLAGE = "17.05.01.2002"


@dataclass
class Setup:
    seluma: Programme
    users: dict[str, User]


def programme_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "Pekerja Rentan Seluma",
        "legal_type": LegalType.PERBUP,
        "legal_number": "15",
        "legal_year": 2025,
        "covers_jkk": True,
        "covers_jkm": True,
        "declared_income": 1_000_000,
        "quota_kind": QuotaKind.VILLAGE,
        "quota_size": 10,
        "funding_source": FundingSource.APBD,
    }
    return fields | overrides


@shared_world
def setup() -> Setup:
    regions_load(only=SELUMA)
    regions_load(only=SAMOSIR)
    users = {
        "admin": make_user(Role.ADMIN, None),
        "manager": make_user(Role.MANAGER, SELUMA),
        "finance": make_user(Role.FINANCE, SELUMA),
        "verifier": make_user(Role.VERIFIER, SELUMA),
        "auditor": make_user(Role.AUDITOR, SELUMA),
        "leadership": make_user(Role.LEADERSHIP, SELUMA),
        "desa": make_user(Role.DESA, SELUMA_VILLAGE),
        "samosir": make_user(Role.MANAGER, SAMOSIR),
    }
    seluma = services.programme_create(
        actor=users["manager"], owner_code=SELUMA, **programme_fields()
    )
    return Setup(seluma=seluma, users=users)

"""Seluma's world (one user per role, three villages) with a programme that takes three
proposals per village, and a proposal period open today."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import xlsxwriter
from django.utils import timezone

from lindung.accounts.tests.helpers import World, build_world
from lindung.core.tests.worlds import shared_world
from lindung.people.nik import compose_nik
from lindung.programs import services as programme_services
from lindung.programs.models import (
    FundingSource,
    LegalType,
    Occupation,
    Programme,
    ProposalPeriod,
    QuotaKind,
)

QUOTA = 3
HEADER = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "pekerjaan"]


@dataclass
class Setup:
    world: World
    programme: Programme
    period: ProposalPeriod

    @property
    def users(self) -> dict[str, Any]:
        return self.world.users


def make_programme(**overrides: Any) -> Programme:
    fields: dict[str, Any] = {
        "name": "Pekerja Rentan Seluma",
        "legal_type": LegalType.PERBUP,
        "legal_number": "15",
        "legal_year": 2025,
        "declared_income": 1_000_000,
        "quota_kind": QuotaKind.VILLAGE,
        "quota_size": QUOTA,
        "funding_source": FundingSource.APBD,
        "occupations": list(Occupation.objects.filter(name__in=["Petani", "Nelayan"])),
    }
    return programme_services.programme_create(
        actor=None, owner_code="17.05", seed_rates=False, **(fields | overrides)
    )


def make_period(programme: Programme, *, opens: int = -10, closes: int = 30) -> ProposalPeriod:
    today = timezone.localdate()
    return programme_services.period_create(
        actor=None,
        programme=programme,
        name=f"Tahap uji {opens}",
        opens_on=today + timedelta(days=opens),
        closes_on=today + timedelta(days=closes),
    )


@shared_world
def setup() -> Setup:
    world = build_world()
    programme = make_programme()
    return Setup(world=world, programme=programme, period=make_period(programme))


def nik(serial: int, *, district: str = "17.05.01", sex: str = "L") -> str:
    return compose_nik(district, born(serial), sex, serial)


def born(serial: int) -> date:
    return date(1970 + serial % 30, 1 + serial % 12, 1 + serial % 28)


def person(serial: int, **overrides: str) -> dict[str, str]:
    """A valid row for the template's columns."""
    row = {
        "nik": nik(serial),
        "nama": f"Pekerja Nomor {serial}",
        "tanggal_lahir": born(serial).strftime("%d/%m/%Y"),
        "jenis_kelamin": "L",
        "pekerjaan": "Petani",
    }
    return row | overrides


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or list(dict.fromkeys(k for row in rows for k in row)) or HEADER
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or list(dict.fromkeys(k for row in rows for k in row)) or HEADER
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as book:
        sheet = book.add_worksheet("data")
        text = book.add_format({"num_format": "@"})
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(header):
                if row.get(column):
                    sheet.write_string(r, c, row[column], text)
    return out.getvalue()

"""The demo's programmes: Seluma (Perbup 15/2025) and Samosir (Keputusan Bupati 166/2024),
as DOMAIN.md reports them. Figures not in the reports (DPA numbers, proposal dates) are
marked as demo values."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from lindung.accounts.models import Role, User
from lindung.accounts.services import user_create
from lindung.engine.budget import plan
from lindung.programs import services
from lindung.programs.models import (
    BudgetStatus,
    FundingSource,
    LegalType,
    Occupation,
    Priority,
    Programme,
    QuotaKind,
)

SELUMA = "17.05"
SAMOSIR = "12.17"
SAMOSIR_MANAGER = "dinas.samosir"
SELUMA_MANAGER = "dinas"
RATE = 16_800


@transaction.atomic
def build_programmes(*, admin: User | None) -> dict[str, Any]:
    """Create both programmes with their budget lines and Samosir's manager; return the
    summary keys for `lindung demo --json`."""
    from lindung.core.demo import PASSWORD  # core.demo calls this module

    samosir_manager = user_create(
        username=SAMOSIR_MANAGER,
        password=PASSWORD,
        role=Role.MANAGER,
        scope_code=SAMOSIR,
        full_name="Manajer Program (Disnaker Samosir)",
    )
    seluma_manager = User.objects.filter(username=SELUMA_MANAGER).first() or admin
    seluma = _seluma(seluma_manager)
    samosir = _samosir(samosir_manager)
    return {
        "programmes": [_summary(p) for p in (seluma, samosir)],
        "programme_users": [
            {
                "username": SAMOSIR_MANAGER,
                "password": PASSWORD,
                "role": Role.MANAGER.value,
                "scope": SAMOSIR,
            }
        ],
    }


def _seluma(actor: User | None) -> Programme:
    programme = services.programme_create(
        actor=actor,
        owner_code=SELUMA,
        name="Perlindungan Jaminan Sosial Pekerja Rentan Kabupaten Seluma",
        legal_type=LegalType.PERBUP,
        legal_number="15",
        legal_year=2025,
        contact=(
            "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Seluma, Kompleks Perkantoran "
            "Pemkab Seluma, Tais; telepon/WA 0811-0000-1705 (nomor demo)"
        ),
        covers_jkk=True,
        covers_jkm=True,
        covers_jht=False,
        declared_income=1_000_000,
        occupations=list(Occupation.objects.filter(active=True)),
        # Working age as the Perbup sets it: members leave in the month after they pass 60.
        min_age=15,
        max_age=60,
        quota_kind=QuotaKind.VILLAGE,
        quota_size=10,
        priority=[Priority.LOWEST_DESIL, Priority.OLDEST, Priority.EARLIEST_PROPOSAL],
        funding_source=FundingSource.APBD,
    )
    first_stage = plan(participants=2_020, months=3, monthly_rate=RATE)
    services.budget_line_create(
        actor=actor,
        programme=programme,
        fiscal_year=2025,
        funding_source=FundingSource.APBD,
        name="Tahap 1: 202 desa/kelurahan x 10 pekerja = 2.020 pekerja x 3 bulan",
        pagu=first_stage.total,
        status=BudgetStatus.APPROVED,
        dpa_number="DEMO/DPA/2025",
        note="Nomor DPA contoh untuk demo.",
    )
    services.budget_line_create(
        actor=actor,
        programme=programme,
        fiscal_year=2025,
        funding_source=FundingSource.APBD_P,
        name="Tahap 2: sekitar 5.400 pekerja (diusulkan di APBD-Perubahan)",
        pagu=480_000_000,
        status=BudgetStatus.PLANNED,
    )
    # 2026: the same 2,020 places for the whole year; the forecast and the bills of 2026
    # draw on it once the first stage's line is used up in December 2025.
    services.budget_line_create(
        actor=actor,
        programme=programme,
        fiscal_year=2026,
        funding_source=FundingSource.APBD,
        name="Tahun 2026: 2.020 pekerja x 12 bulan",
        pagu=plan(participants=2_020, months=12, monthly_rate=RATE).total,
        status=BudgetStatus.APPROVED,
        dpa_number="DEMO/DPA/2026",
        note="Nomor DPA contoh untuk demo.",
    )
    # The demo's history runs through the first stage (proposals in August-September 2025,
    # members from October 2025); up to 15 proposals per village, so each has a waiting list.
    services.period_create(
        actor=actor,
        programme=programme,
        name="Usulan tahap 1",
        opens_on=date(2025, 8, 1),
        closes_on=date(2025, 9, 15),
        proposal_limit=15,
        note="Tanggal contoh untuk demo.",
    )
    services.period_create(
        actor=actor,
        programme=programme,
        name="Usulan tahap 2",
        opens_on=date(2026, 1, 5),
        closes_on=date(2026, 2, 27),
        note="Tanggal contoh untuk demo.",
    )
    # And one open today, so a village operator can try the form and the upload.
    today = date.today()
    services.period_create(
        actor=actor,
        programme=programme,
        name="Usulan tahap 3",
        opens_on=today.replace(day=1),
        closes_on=(today.replace(day=1) + timedelta(days=62)).replace(day=1) - timedelta(days=1),
        proposal_limit=15,
        note="Periode contoh yang sedang dibuka.",
    )
    return programme


def _samosir(actor: User | None) -> Programme:
    programme = services.programme_create(
        actor=actor,
        owner_code=SAMOSIR,
        name="LANJUTKAN",
        legal_type=LegalType.KEPBUP,
        legal_number="166",
        legal_year=2024,
        covers_jkk=True,
        covers_jkm=True,
        covers_jht=False,
        declared_income=1_000_000,
        # Targeting from P3KE and DTKS: members must be in the welfare registry.
        requires_registry=True,
        quota_kind=QuotaKind.NONE,
        priority=[Priority.LOWEST_DESIL, Priority.EARLIEST_PROPOSAL],
        funding_source=FundingSource.APBD,
    )
    need = plan(participants=1_495 + 320, months=12, monthly_rate=RATE, other_costs=30_000_000)
    services.budget_line_create(
        actor=actor,
        programme=programme,
        fiscal_year=2026,
        funding_source=FundingSource.APBD,
        name="1.495 peserta lanjutan + 320 peserta baru = 1.815 peserta x 12 bulan",
        pagu=need.total,
        other_costs=need.other_costs,
        status=BudgetStatus.PLANNED,
    )
    return programme


def _summary(programme: Programme) -> dict[str, Any]:
    lines = programme.budget_lines.order_by("fiscal_year", "funding_source")
    return {
        "id": programme.pk,
        "name": programme.name,
        "owner": programme.owner_id,
        "legal_basis": f"{programme.get_legal_type_display()} {programme.legal_number}/"
        f"{programme.legal_year}",
        "monthly_contribution": services.monthly_contribution(
            programme=programme, month=date(2026, 1, 1)
        ).total,
        "budget_lines": [
            {
                "fiscal_year": line.fiscal_year,
                "funding_source": line.funding_source,
                "pagu": line.pagu,
                "other_costs": line.other_costs,
                "status": line.status,
            }
            for line in lines
        ],
    }

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.accounts.models import User
from lindung.accounts.services import user_create
from lindung.accounts.tests.helpers import client_for
from lindung.programs.demo import build_programmes
from lindung.programs.models import Programme
from lindung.regions.services import regions_load


@pytest.mark.django_db
def test_the_demo_sets_up_seluma_and_samosir_with_their_real_figures() -> None:
    regions_load(only="17.05")
    regions_load(only="12.17")
    admin = user_create(
        username="admin", password="Lindung-uji-2025!", role="admin", scope_code=None
    )
    summary = build_programmes(admin=admin)
    seluma, samosir = summary["programmes"]
    assert (seluma["owner"], samosir["owner"]) == ("17.05", "12.17")
    assert seluma["monthly_contribution"] == samosir["monthly_contribution"] == 16_800
    assert [line["pagu"] for line in seluma["budget_lines"]] == [
        101_808_000,
        480_000_000,
        407_232_000,
    ]
    assert samosir["budget_lines"][0]["pagu"] == 395_904_000
    assert samosir["budget_lines"][0]["other_costs"] == 30_000_000
    programme = Programme.objects.get(pk=seluma["id"])
    assert (programme.quota_kind, programme.quota_size) == ("village", 10)
    assert programme.legal_basis == "Peraturan Bupati (Perbup) Nomor 15 Tahun 2025"

    manager = User.objects.get(username="dinas.samosir")
    client = client_for(manager)
    assert client.get(reverse("programs:detail", args=[samosir["id"]])).status_code == 200
    assert client.get(reverse("programs:detail", args=[seluma["id"]])).status_code == 404

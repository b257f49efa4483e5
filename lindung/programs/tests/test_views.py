from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lindung.accounts.tests.helpers import client_for
from lindung.programs import services
from lindung.programs.models import BudgetLine, Programme, RateSchedule
from lindung.programs.tests.conftest import Setup


def _write_urls(setup: Setup) -> list[str]:
    pk = setup.seluma.pk
    rate = setup.seluma.rates.get(benefit="JKM")
    adjustment = setup.seluma.adjustments.first()
    assert adjustment is not None
    line = services.budget_line_create(
        actor=None, programme=setup.seluma, fiscal_year=2025, funding_source="apbd", pagu=1
    )
    period = services.period_create(
        actor=None,
        programme=setup.seluma,
        name="Tahap 1",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 1, 31),
    )
    return [
        reverse("programs:create"),
        reverse("programs:edit", args=[pk]),
        reverse("programs:rate_create", args=[pk]),
        reverse("programs:rate_edit", args=[pk, rate.pk]),
        reverse("programs:adjustment_create", args=[pk]),
        reverse("programs:adjustment_edit", args=[pk, adjustment.pk]),
        reverse("programs:period_create", args=[pk]),
        reverse("programs:period_edit", args=[pk, period.pk]),
        reverse("programs:budget_create", args=[pk]),
        reverse("programs:budget_edit", args=[pk, line.pk]),
        reverse("programs:occupation_create"),
        reverse("programs:occupation_edit", args=[1]),
    ]


class TestAccess:
    @pytest.mark.parametrize("role", ["auditor", "leadership"])
    def test_read_only_roles_see_the_pages_without_edit_buttons(
        self, setup: Setup, role: str
    ) -> None:
        client = client_for(setup.users[role])
        page = client.get(setup.seluma.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert setup.seluma.name in html
        assert reverse("programs:edit", args=[setup.seluma.pk]) not in html
        assert reverse("programs:rate_create", args=[setup.seluma.pk]) not in html
        assert "Ubah" not in html

    @pytest.mark.parametrize("role", ["auditor", "leadership", "desa", "verifier"])
    def test_roles_that_may_not_write_get_403_on_every_write_url(
        self, setup: Setup, role: str
    ) -> None:
        client = client_for(setup.users[role])
        before = RateSchedule.history.count(), BudgetLine.objects.count()
        for url in _write_urls(setup):
            assert client.get(url).status_code == 403, url
            assert client.post(url, {"name": "X", "pagu": "1"}).status_code == 403, url
        assert (RateSchedule.history.count(), BudgetLine.objects.count() - 1) == before

    def test_finance_edits_budget_lines_but_not_rates(self, setup: Setup) -> None:
        client = client_for(setup.users["finance"])
        pk = setup.seluma.pk
        assert client.get(reverse("programs:budget_create", args=[pk])).status_code == 200
        assert client.get(reverse("programs:rate_create", args=[pk])).status_code == 403

    def test_a_desa_operator_sees_their_regencys_programme(self, setup: Setup) -> None:
        client = client_for(setup.users["desa"])
        assert setup.seluma.name in client.get(reverse("programs:list")).content.decode()
        assert client.get(setup.seluma.get_absolute_url()).status_code == 200

    def test_a_samosir_user_gets_404_on_every_seluma_page(self, setup: Setup) -> None:
        client = client_for(setup.users["samosir"])
        assert setup.seluma.name not in client.get(reverse("programs:list")).content.decode()
        pk = setup.seluma.pk
        read_urls = [
            setup.seluma.get_absolute_url(),
            reverse("programs:history", args=[pk]),
            reverse("programs:budget_list", args=[pk]),
        ]
        writes = [u for u in _write_urls(setup) if u.startswith(f"/program/{pk}/")]
        for url in read_urls + writes:
            assert client.get(url).status_code == 404, url
        for url in writes:
            assert client.post(url, {"name": "X"}).status_code == 404, url
        planner = client.get(reverse("programs:planner"), {"programme": pk, "months": 3})
        assert planner.status_code == 400  # not a choice for this user

    def test_anonymous_users_are_sent_to_sign_in(self, setup: Setup) -> None:
        response = Client().get(reverse("programs:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def _programme_post(**overrides: str) -> dict[str, str]:
    data = {
        "owner": "12.17",
        "name": "LANJUTKAN",
        "legal_type": "kepbup",
        "legal_number": "166",
        "legal_year": "2024",
        "covers_jkk": "on",
        "covers_jkm": "on",
        "declared_income": "Rp1.000.000",
        "quota_kind": "none",
        "funding_source": "apbd",
        "priority_1": "lowest_desil",
        "priority_2": "earliest_proposal",
        "active": "on",
    }
    return data | overrides


class TestForms:
    def test_a_manager_creates_a_programme_in_the_web_app(self, setup: Setup) -> None:
        client = client_for(setup.users["samosir"])
        page = client.get(reverse("programs:create")).content.decode()
        assert 'value="12.17"' in page and 'value="17.05"' not in page
        response = client.post(reverse("programs:create"), _programme_post())
        programme = Programme.objects.get(name="LANJUTKAN")
        assert response.status_code == 302
        assert response["Location"] == programme.get_absolute_url()
        assert programme.priority == ["lowest_desil", "earliest_proposal"]
        assert programme.declared_income == 1_000_000
        detail = client.get(programme.get_absolute_url()).content.decode()
        assert "Rp16.800" in detail and "Keputusan Bupati Nomor 166 Tahun 2024" in detail

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"declared_income": "-1000"}, "tidak boleh negatif"),
            ({"min_age": "65", "max_age": "18"}, "lebih kecil dari usia minimal"),
            ({"max_desil": "12", "requires_registry": "on"}, "Desil harus antara 1"),
            ({"quota_kind": "village", "quota_size": "0"}, "Jumlah kuota harus lebih dari 0."),
            ({"priority_2": "lowest_desil"}, "hanya boleh dipakai sekali"),
            ({"owner": "17.05"}, "tidak ada di wilayah kerja Anda"),
        ],
    )
    def test_impossible_programme_values_are_explained(
        self, setup: Setup, overrides: dict[str, str], message: str
    ) -> None:
        client = client_for(setup.users["samosir"])
        response = client.post(reverse("programs:create"), _programme_post(**overrides))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Programme.objects.filter(name="LANJUTKAN").exists()

    def test_an_overlapping_rate_is_refused_on_the_rate_form(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        url = reverse("programs:rate_create", args=[setup.seluma.pk])
        response = client.post(
            url, {"benefit": "JKM", "amount": "7.000", "valid_from": "2026-01-01"}
        )
        assert response.status_code == 400
        assert "tumpang tindih dengan tarif JKM" in response.content.decode()

    def test_a_rate_change_shows_on_the_programme_page_with_who(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        rate = setup.seluma.rates.get(benefit="JKM")
        url = reverse("programs:rate_edit", args=[setup.seluma.pk, rate.pk])
        form = client.get(url).content.decode()
        assert 'value="6.800"' in form
        response = client.post(
            url,
            {
                "benefit": "JKM",
                "amount": "6.800",
                "valid_from": "2015-07-01",
                "valid_to": "2026-12-31",
                "legal_reference": "PP 44/2015",
            },
        )
        assert response.status_code == 302
        detail = client.get(setup.seluma.get_absolute_url()).content.decode()
        assert "31 Desember 2026" in detail
        assert str(setup.users["manager"]) in detail
        assert "berlaku sampai" in detail

    def test_closing_a_period_before_it_opens_is_explained(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        url = reverse("programs:period_create", args=[setup.seluma.pk])
        response = client.post(
            url, {"name": "Tahap 1", "opens_on": "2026-02-01", "closes_on": "2026-01-01"}
        )
        assert response.status_code == 400
        assert "Tanggal tutup tidak boleh sebelum tanggal buka." in response.content.decode()

    def test_a_budget_line_with_a_negative_pagu_is_explained(self, setup: Setup) -> None:
        client = client_for(setup.users["finance"])
        url = reverse("programs:budget_create", args=[setup.seluma.pk])
        data = {"fiscal_year": "2025", "funding_source": "apbd", "status": "planned"}
        refused = client.post(url, data | {"pagu": "-Rp5.000"})
        assert refused.status_code == 400
        assert "Pagu tidak boleh negatif." in refused.content.decode()
        saved = client.post(url, data | {"pagu": "Rp101.808.000"})
        assert saved.status_code == 302
        listing = client.get(saved["Location"]).content.decode()
        assert "Rp101.808.000" in listing
        assert "<td>2025</td>" in listing  # a year, not the number 2.025

    def test_the_occupation_list_is_managed_by_managers(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        response = client.post(
            reverse("programs:occupation_create"),
            {"name": "Pengrajin", "sector": "other", "active": "on"},
        )
        assert response.status_code == 302
        assert "Pengrajin" in client.get(reverse("programs:occupations")).content.decode()
        duplicate = client.post(
            reverse("programs:occupation_create"), {"name": "petani", "sector": "agriculture"}
        )
        assert "sudah ada" in duplicate.content.decode()


class TestPlannerPage:
    def test_it_says_how_long_the_money_lasts_in_a_sentence(self, setup: Setup) -> None:
        client = client_for(setup.users["leadership"])
        response = client.get(
            reverse("programs:planner"), {"participants": "5400", "amount": "Rp480.000.000"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Rp480.000.000 cukup untuk 5.400 peserta selama 5 bulan; sisa Rp26.400.000." in html

    def test_it_takes_the_rate_from_a_programme(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        response = client.get(
            reverse("programs:planner"),
            {"participants": "2020", "months": "3", "programme": str(setup.seluma.pk)},
        )
        assert "membutuhkan Rp101.808.000" in response.content.decode()

    def test_next_years_need_for_samosir(self, setup: Setup) -> None:
        client = client_for(setup.users["samosir"])
        response = client.get(
            reverse("programs:planner"),
            {
                "ny-continuing": "1495",
                "ny-new": "320",
                "ny-months": "12",
                "ny-other_costs": "30.000.000",
            },
        )
        assert (
            "1.815 peserta selama 12 bulan membutuhkan Rp395.904.000" in response.content.decode()
        )

    def test_a_link_that_presets_the_programme_shows_the_form(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        response = client.get(reverse("programs:planner"), {"programme": setup.seluma.pk})
        assert response.status_code == 200
        assert f'<option value="{setup.seluma.pk}" selected>' in response.content.decode()

    def test_three_figures_are_refused_with_a_sentence(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        response = client.get(
            reverse("programs:planner"), {"participants": "1", "months": "1", "amount": "1"}
        )
        assert response.status_code == 400
        assert "Isi tepat dua dari tiga" in response.content.decode()

"""The /dasbor/ page as each role sees it: charts with their tables, the area scope, money
only for roles that see bills, drill-down, wrong choices, and the empty states."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lindung.accounts.tests.helpers import World, build_world, client_for
from lindung.contributions.tests.conftest import Billable, billable  # noqa: F401
from lindung.membership.tests.conftest import determined, proposed  # noqa: F401
from lindung.programs.models import Programme, ProposalPeriod
from lindung.reports.tests.dashboard_helpers import Dash, build_dash, shows_money

URL = reverse("reports:dashboard")


@pytest.fixture
def dash(billable: Billable) -> Dash:  # noqa: F811
    return build_dash(billable)


def _page(dash: Dash, role: str, query: str = "") -> str:
    response = client_for(dash.users[role]).get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_manager_sees_charts_tables_and_money(dash: Dash) -> None:
    html = _page(dash, "manager")
    assert dash.programme.name in html
    # The tile grid, the bars and three small charts, each titled and described.
    assert html.count('<svg class="chart"') == 5
    assert html.count("<title id=") == 5 and html.count("<desc id=") == 5
    assert 'role="img"' in html
    assert "Sukaraja" in html and "Seluma" in html
    assert "606" in html and "7,9%" in html  # the regency's target; Sukaraja's 5 of 63
    assert "Rp134.400" in html and "Rp42.000.000" in html
    assert "Rasio manfaat" in html
    # Tiles and table rows lead to the kecamatan's villages.
    assert f"?programme={dash.programme.pk}&amp;wilayah=17.05.01" in html
    assert 'href="?programme=' in html


def test_a_village_user_sees_its_village_and_no_money(dash: Dash) -> None:
    html = _page(dash, "desa")
    assert "Niur" in html and "Pasar Tais" not in html and "Sukaraja" not in html
    assert not shows_money(html)
    assert "Rasio manfaat" not in html


def test_a_kecamatan_user_sees_its_villages_and_no_money(dash: Dash) -> None:
    html = _page(dash, "kecamatan")
    assert "Niur" in html and "Lubuk Sahung" in html
    assert "Pasar Tais" not in html
    assert not shows_money(html)


def test_leadership_and_finance_see_the_money(dash: Dash) -> None:
    for role in ("leadership", "finance", "auditor"):
        assert "Rp403.200" in _page(dash, role), role


def test_the_drill_down_lists_the_villages_of_a_kecamatan(dash: Dash) -> None:
    html = _page(dash, "manager", "?wilayah=17.05.01")
    assert "Niur" in html and "Lubuk Sahung" in html and "Pasar Tais" not in html
    assert "Seluruh wilayah" in html


def test_a_wrong_area_or_programme_says_so_and_shows_the_default(dash: Dash) -> None:
    html = _page(dash, "kecamatan", "?wilayah=17.05.02")
    assert "di luar program ini atau di luar wilayah kerja Anda" in html
    assert "Niur" in html and "Pasar Tais" not in html
    html = _page(dash, "manager", "?wilayah=17.05.01.2002")
    assert "sampai tingkat kecamatan" in html
    html = _page(dash, "manager", "?programme=abc")
    assert "Program abc tidak ditemukan" in html and dash.programme.name in html
    html = _page(dash, "manager", "?programme=999999")
    assert "tidak ditemukan" in html


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    from django.test import Client

    response = Client().get(URL)
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_without_a_programme_the_page_says_what_is_missing(db: None) -> None:
    world = build_world()
    response = client_for(world.users["manager"]).get(URL)
    assert response.status_code == 200
    assert "Belum ada program aktif" in response.content.decode()


def test_a_programme_without_members_shows_empty_states(
    proposed: tuple[World, Programme, ProposalPeriod],  # noqa: F811
) -> None:
    world, programme, _period = proposed
    html = client_for(world.users["finance"]).get(URL).content.decode()
    assert programme.name in html
    assert "Belum ada peserta aktif" in html and "Belum ada kasus klaim" in html
    assert "belum mempunyai pos anggaran" in html


def test_numbers_in_links_are_not_localised(dash: Dash) -> None:
    html = _page(dash, "manager")
    for value in re.findall(r"programme=([^&\"]+)", html):
        assert value.isdigit(), value

from __future__ import annotations

import pytest

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import (
    DISTRICT_A,
    REGENCY,
    VILLAGE_A,
    VILLAGE_B,
    client_for,
    load_seluma,
    make_user,
)
from lindung.core.views import scope_title
from lindung.regions.models import Region
from lindung.regions.services import regions_load


def _home(role: str, scope: str) -> str:
    return client_for(make_user(role, scope)).get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope", "shown"),
    [
        (Role.MANAGER, REGENCY, "Kabupaten Seluma</strong> (17.05)"),
        (Role.KECAMATAN, DISTRICT_A, "Kecamatan Sukaraja</strong> (17.05.01)"),
        (Role.DESA, VILLAGE_A, "Desa Niur</strong> (17.05.01.2002)"),
        (Role.DESA, VILLAGE_B, "Kelurahan Pasar Tais</strong> (17.05.02.1010)"),
    ],
)
def test_the_home_page_names_the_work_area_with_its_kind_once(
    role: str, scope: str, shown: str
) -> None:
    load_seluma()
    html = _home(role, scope)
    assert f"Wilayah kerja: <strong>{shown}." in html
    assert "Kabupaten/Kota" not in html and "Kabupaten Kabupaten" not in html


@pytest.mark.django_db
def test_a_kecamatan_whose_name_starts_with_kota_is_still_called_a_kecamatan() -> None:
    regions_load(only="17.01.05")  # Bengkulu Selatan's Kecamatan Kota Manna
    assert "<strong>Kecamatan Kota Manna</strong> (17.01.05)" in _home(Role.KECAMATAN, "17.01.05")


def test_a_province_and_a_city_are_named_as_people_write_them() -> None:
    province = Region(code="17", level=Region.Level.PROVINCE, name="Bengkulu")
    city = Region(code="17.71", level=Region.Level.REGENCY, name="Kota Bengkulu")
    assert (scope_title(province), scope_title(city)) == ("Provinsi Bengkulu", "Kota Bengkulu")

from __future__ import annotations

import pytest

from lindung.regions.models import Region
from lindung.regions.services import regions_load

pytestmark = pytest.mark.usefixtures("seluma")


def test_seluma_has_14_kecamatan_and_202_villages():
    seluma = Region.objects.get(code="17.05")

    assert seluma.children.count() == 14
    assert seluma.village_count() == 202
    assert seluma.descendants().count() == 14 + 202


def test_ancestors_come_province_first_in_one_query(django_assert_num_queries):
    village = Region.objects.get(code="17.05.08.2007")

    with django_assert_num_queries(1):
        ancestors = village.ancestors()

    assert [a.code for a in ancestors] == ["17", "17.05", "17.05.08"]
    assert Region.objects.get(code="17").ancestors() == []


def test_within_takes_only_areas_strictly_inside():
    inside = Region.objects.within("17.05.01")

    assert inside.count() == Region.objects.get(code="17.05.01").village_count()
    assert all(r.code.startswith("17.05.01.") for r in inside)
    assert not Region.objects.within("17.05.01").filter(code="17.05.01").exists()
    # "17.05.1" is not a prefix that may match "17.05.10", "17.05.11", ...
    assert not Region.objects.within("17.05.1").exists()


def test_contains_holds_for_itself_and_what_lies_inside_only():
    seluma = Region.objects.get(code="17.05")
    village = Region.objects.get(code="17.05.08.2007")

    assert seluma.contains(village)
    assert seluma.contains("17.05")
    assert not village.contains(seluma)
    assert not seluma.contains("17.71.01")


def test_a_kabupaten_and_a_kota_are_told_apart():
    regions_load(only="17.71")
    seluma = Region.objects.get(code="17.05")
    bengkulu = Region.objects.get(code="17.71")

    assert (seluma.is_kabupaten, seluma.is_kota, seluma.kind) == (True, False, "kabupaten")
    assert (bengkulu.is_kota, bengkulu.is_kabupaten, bengkulu.kind) == (True, False, "kota")
    assert bengkulu.get_kind_display() == "Kota"
    province = Region.objects.get(code="17")
    assert not province.is_kota
    assert not province.is_kabupaten


def test_a_kelurahan_and_a_desa_are_told_apart():
    kelurahan = Region.objects.get(code="17.05.01.1001")
    desa = Region.objects.get(code="17.05.01.2002")

    assert kelurahan.kind == Region.Kind.KELURAHAN
    assert kelurahan.get_kind_display() == "Kelurahan"
    assert desa.kind == Region.Kind.DESA
    assert desa.get_kind_display() == "Desa"
    assert Region.objects.get(code="17.05.01").kind == Region.Kind.KECAMATAN


def test_a_desa_adat_is_recognised_from_its_code():
    area = Region(code="51.01.01.3001", level=4, name="Contoh")

    assert area.get_kind_display() == "Desa adat"


def test_full_name_reads_like_an_address():
    assert (
        Region.objects.get(code="17.05.08.2007").full_name()
        == "Desa Lubuk Lagan, Kec. Seluma Barat, Kab. Seluma, Bengkulu"
    )
    assert (
        Region.objects.get(code="17.05.01.1001").full_name()
        == "Kelurahan Babatan, Kec. Sukaraja, Kab. Seluma, Bengkulu"
    )
    regions_load(only="17.71")
    assert Region.objects.get(code="17.71").full_name() == "Kota Bengkulu, Bengkulu"


def test_a_village_has_no_villages_below_it():
    assert Region.objects.get(code="17.05.08.2007").village_count() == 0

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lindung.regions import codes
from lindung.regions.models import Region
from lindung.regions.services import RegionDataError, regions_load


def _write_fixture(directory: Path, text: str) -> None:
    with gzip.open(directory / "regions.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write(text)


@pytest.mark.django_db
def test_it_loads_one_regency_with_its_province_and_everything_inside():
    result = regions_load(only="17.05")

    assert result.as_dict() == {
        "provinsi": {"created": 1, "updated": 0, "unchanged": 0},
        "kabupaten_kota": {"created": 1, "updated": 0, "unchanged": 0},
        "kecamatan": {"created": 14, "updated": 0, "unchanged": 0},
        "desa_kelurahan": {"created": 202, "updated": 0, "unchanged": 0},
    }
    assert Region.objects.count() == 218
    village = Region.objects.get(code="17.05.08.2007")
    assert (village.parent_id, village.level, village.name) == ("17.05.08", 4, "Lubuk Lagan")


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    regions_load(only="17.05")

    again = regions_load(only="17.05")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 218)


@pytest.mark.django_db
def test_it_renames_an_area_whose_name_changed():
    regions_load(only="17.05")
    Region.objects.filter(code="17.05.08.2007").update(name="Nama Lama")

    result = regions_load(only="17.05")

    assert result.levels[codes.VILLAGE].updated == 1
    assert result.updated == 1
    assert Region.objects.get(code="17.05.08.2007").name == "Lubuk Lagan"


@pytest.mark.django_db
def test_loading_a_second_regency_keeps_the_shared_province():
    regions_load(only="17.05")

    result = regions_load(only="17.71")

    assert result.levels[codes.PROVINCE].unchanged == 1
    assert result.levels[codes.REGENCY].created == 1
    assert Region.objects.filter(level=codes.REGENCY).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("only", ["17.5", "abc", "17.05.01.20011"])
def test_it_rejects_a_malformed_only_code(only):
    with pytest.raises(RegionDataError, match="tidak sah"):
        regions_load(only=only)
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_only_code_missing_from_the_data():
    with pytest.raises(RegionDataError, match=r"17\.99 tidak ada"):
        regions_load(only="17.99")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode,nama\n17,Bengkulu\n", "Baris pertama"),
        ("code,name\n17,Bengkulu\n17.5,Seluma\n", "Baris 3"),
        ("code,name\n17,Bengkulu\n17.05,\n", "nama wilayah harus diisi"),
        ("code,name\n17,Bengkulu\n17,Bengkulu Lagi\n", "muncul dua kali"),
        ("code,name\n17,Bengkulu\n17.05.01,Sukaraja\n", "tidak punya induk 17.05"),
    ],
)
def test_a_broken_file_is_named_and_nothing_is_written(settings, tmp_path, text, message):
    _write_fixture(tmp_path, text)
    settings.LINDUNG_REGIONS_DATA = tmp_path

    with pytest.raises(RegionDataError, match=message):
        regions_load()

    assert not Region.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_gzip_is_named(settings, tmp_path):
    (tmp_path / "regions.csv.gz").write_text("code,name\n17,Bengkulu\n")
    settings.LINDUNG_REGIONS_DATA = tmp_path

    with pytest.raises(RegionDataError, match="tidak bisa dibaca"):
        regions_load()


@pytest.mark.slow
@pytest.mark.django_db
def test_it_loads_every_area_in_indonesia():
    result = regions_load()

    assert {level: c.created for level, c in result.levels.items()} == {
        codes.PROVINCE: 38,
        codes.REGENCY: 514,
        codes.DISTRICT: 7285,
        codes.VILLAGE: 83762,
    }
    assert Region.objects.count() == 91599
    assert Region.objects.get(code="17.71").parent_id == "17"

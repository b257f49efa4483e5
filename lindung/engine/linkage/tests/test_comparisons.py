"""Each comparison level of the model, with small hand-written pairs."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from lindung.engine.linkage.link import score_pairs

NIK = "3201010101900001"


def _person(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": "x",
        "nik": NIK,
        "nama": "Muhammad Rizki",
        "tanggal_lahir": "1990-01-01",
        "jenis_kelamin": "L",
        "kode_wilayah": "32.01.01.2001",
    }
    return {**row, **overrides}


def _pair(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    (pair,) = score_pairs(
        pa.Table.from_pylist([_person(id="l", **left)]),
        pa.Table.from_pylist([_person(id="r", **right)]),
    ).to_pylist()
    result: dict[str, Any] = pair
    return result


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (NIK, NIK, "NIK sama"),
        (NIK, "3201010101900002", "NIK beda satu angka di nomor urut (4 angka terakhir)"),
        (NIK, "3201020101900001", "NIK beda satu angka atau dua angka bertukar"),
        (NIK, "3210010101900001", "NIK beda satu angka atau dua angka bertukar"),
        (NIK, "3201020101900002", "NIK beda dua angka"),
        (NIK, "7371051507850003", "NIK berbeda"),
        (None, NIK, "NIK kosong"),
    ],
)
def test_nik_levels(left, right, level):
    assert _pair({"nik": left}, {"nik": right})["level_nik"] == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("M. Rizki", "Muhammad Rizki", "nama sama"),
        ("Moh Rizki", "MUHAMMAD RIZKI, S.Pd.", "nama sama"),
        ("Muhammad Rizky", "Muhammad Rizki", "nama hampir sama"),
        ("Teri", "Feri", "nama beda satu huruf"),
        ("Rizki", "Muhammad Rizki", "kata-kata nama yang satu ada semua di nama yang lain"),
        ("Ahmad Rizki", "Budi Rizki", "sebagian kata nama sama"),
        ("Budi", "Siti", "nama berbeda"),
        ("", "Siti", "nama kosong"),
    ],
)
def test_name_levels(left, right, level):
    assert _pair({"nama": left}, {"nama": right})["level_nama"] == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ({"nik": None}, {}, "tanggal lahir sama"),
        (
            {"nik": None, "tanggal_lahir": "1990-05-01"},
            {"tanggal_lahir": "1990-01-05"},
            "tanggal dan bulan lahir tertukar",
        ),
        ({"nik": None, "tanggal_lahir": "01-01-1991"}, {}, "tanggal lahir beda satu angka"),
        ({"nik": None, "tanggal_lahir": "1975-06-30"}, {}, "tanggal lahir berbeda"),
        ({"nik": None, "tanggal_lahir": None}, {}, "tanggal lahir kosong"),
        # The left NIK says 1 January 1990, the typed date is wrong, the right NIK is missing.
        (
            {"tanggal_lahir": "1990-07-07"},
            {"nik": None},
            ("tanggal lahir berbeda, tetapi sama dengan tanggal lahir di NIK"),
        ),
        ({"tanggal_lahir": "1990-07-07"}, {}, "tanggal lahir sudah dihitung pada NIK"),
    ],
)
def test_birth_date_levels(left, right, level):
    assert _pair(left, right)["level_tanggal_lahir"] == level


def test_a_birth_date_already_in_both_niks_adds_no_weight():
    pair = _pair({}, {"nik": "3201010101900002"})
    assert pair["mw_tanggal_lahir"] == 0


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [("L", "L", "jenis kelamin sama"), ("L", "P", "jenis kelamin berbeda")],
)
def test_sex_levels(left, right, level):
    pair = _pair({"jenis_kelamin": left}, {"jenis_kelamin": right})
    assert pair["level_jenis_kelamin"] == level


def test_an_empty_sex_is_taken_from_the_nik():
    assert _pair({"jenis_kelamin": None}, {})["level_jenis_kelamin"] == "jenis kelamin sama"


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("32.01.01.2001", "32.01.01.2001", "desa sama"),
        ("32.01.01.2001", "32.01.01.2002", "desa lain di kecamatan yang sama"),
        ("32.01.01.2001", "32.01.05.2002", "kecamatan lain di kabupaten/kota yang sama"),
        ("32.01.01.2001", "73.71.01.1001", "kabupaten/kota berbeda"),
        (None, "32.01.01.2001", "desa kosong"),
    ],
)
def test_area_levels(left, right, level):
    assert _pair({"kode_wilayah": left}, {"kode_wilayah": right})["level_wilayah"] == level


def test_agreeing_fields_raise_the_score_and_disagreeing_ones_lower_it():
    same = _pair({}, {})
    other_name = _pair({}, {"nama": "Budi Santoso"})
    assert same["mw_nama"] > 0 > other_name["mw_nama"]
    assert same["match_probability"] > other_name["match_probability"]
    assert "Sesuai: NIK sama" in same["explanation"]
    assert "Tidak sesuai: nama berbeda (-" in other_name["explanation"]


@pytest.mark.parametrize(
    "left",
    [
        {"nik": "3201010101900002"},  # serial typo
        {"nik": "3201100101900001"},  # adjacent digits swapped in the district
        {"nik": None},  # birth date and first name
        {"nik": None, "nama": "Rizki"},  # birth date and last name
        {"nik": None, "tanggal_lahir": "1990-01-01", "nama": "Muhamad Rizky"},  # date + village
        {"nik": None, "tanggal_lahir": None, "nama": "Muhamad Rizki"},  # last name + village
    ],
)
def test_blocking_finds_a_person_despite_one_mistake(left):
    assert _pair(left, {})["found_by_blocking_rules"]


def test_blocking_skips_a_stranger():
    stranger = {
        "nik": "7371051507850003",
        "nama": "Budi Santoso",
        "tanggal_lahir": "1985-07-15",
        "kode_wilayah": "73.71.05.1001",
    }
    assert not _pair(stranger, {})["found_by_blocking_rules"]

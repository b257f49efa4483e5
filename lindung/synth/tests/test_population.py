from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from lindung.people.nik import check_kk, parse_nik
from lindung.synth import generate_population
from lindung.synth.areas import UnknownRegency, load_regency
from lindung.synth.name_pools import BATAK_MARGA

from .conftest import REFERENCE


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _names(table: pa.Table) -> list[str]:
    return [str(name) for name in table["nama"].to_pylist()]


def _age(born: date) -> int:
    return REFERENCE.year - born.year - ((REFERENCE.month, REFERENCE.day) < (born.month, born.day))


def test_the_same_seed_gives_the_same_table_and_another_seed_does_not(seluma):
    again = generate_population("17.05", 3000, seed=7, reference_date=REFERENCE)
    other = generate_population("17.05", 3000, seed=8, reference_date=REFERENCE)

    assert again.equals(seluma)
    assert not other.equals(seluma)


def test_it_has_the_requested_people_with_the_indonesian_columns(seluma):
    assert seluma.num_rows == 3000
    assert seluma.column_names == [
        "id", "nik", "kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
        "kode_wilayah", "alamat", "pekerjaan", "desil", "no_hp",
    ]  # fmt: skip
    assert seluma["id"][0].as_py() == "P0000001"
    assert seluma["tanggal_lahir"].type == pa.date32()


def test_niks_are_unique_and_agree_with_birth_date_and_sex(seluma):
    assert pc.count_distinct(seluma["nik"]).as_py() == seluma.num_rows
    for row in _rows(seluma)[::5]:
        info = parse_nik(row["nik"], reference_date=REFERENCE)

        assert info.valid, (row, info.findings)
        assert info.birth_date == row["tanggal_lahir"]
        assert info.sex == row["jenis_kelamin"]


def test_most_niks_were_issued_in_the_district_where_the_person_lives(seluma):
    rows = _rows(seluma)
    home = sum(str(r["nik"])[:6] == str(r["kode_wilayah"])[:8].replace(".", "") for r in rows)
    in_province = sum(str(r["nik"]).startswith("17") for r in rows)

    assert 0.7 < home / len(rows) < 0.97
    assert in_province == len(rows)


def test_some_niks_carry_district_codes_that_no_longer_exist(seluma):
    districts = {c.replace(".", "") for c in load_regency("17.05").district_codes}
    gone = [n for n in seluma["nik"].to_pylist() if n.startswith("1705") and n[:6] not in districts]

    assert 0 < len(gone) < seluma.num_rows * 0.1


def test_families_share_a_kk_issued_in_their_district_with_one_address_and_village(seluma):
    families: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(seluma):
        families.setdefault(str(row["kk"]), []).append(row)

    sizes = Counter(len(members) for members in families.values())
    assert set(sizes) <= set(range(1, 8))
    assert sizes[1] and sizes[4]
    for kk, members in families.items():
        assert len({(m["kode_wilayah"], m["alamat"], m["desil"]) for m in members}) == 1
        assert kk[:6] == str(members[0]["kode_wilayah"])[:8].replace(".", "")
        assert check_kk(kk, reference_date=REFERENCE) == ()


def test_children_are_younger_than_the_head_of_their_family(seluma):
    rows = _rows(seluma)
    heads: dict[object, date] = {}
    for row in rows:
        heads.setdefault(row["kk"], row["tanggal_lahir"])
    younger = sum(r["tanggal_lahir"] >= heads[r["kk"]] for r in rows)

    assert younger / len(rows) > 0.9


def test_people_live_only_in_real_villages_of_the_regency(seluma):
    villages = set(load_regency("17.05").village_codes)

    assert set(seluma["kode_wilayah"].to_pylist()) <= villages
    assert len(set(seluma["kode_wilayah"].to_pylist())) > 150


def test_ages_run_from_babies_to_the_very_old_with_about_as_many_women_as_men(seluma):
    ages = [_age(d) for d in seluma["tanggal_lahir"].to_pylist()]
    sexes = Counter(seluma["jenis_kelamin"].to_pylist())

    assert min(ages) == 0 and 80 <= max(ages) <= 90
    assert 0.15 < sum(a < 10 for a in ages) / len(ages) < 0.3
    assert 0.03 < sum(a >= 60 for a in ages) / len(ages) < 0.2
    assert 0.9 < sexes["L"] / sexes["P"] < 1.1


def test_informal_families_sit_mostly_in_the_lower_welfare_deciles(seluma):
    desil = [d for d in seluma["desil"].to_pylist() if d is not None]

    assert set(desil) <= set(range(1, 11))
    assert sum(d <= 4 for d in desil) / len(desil) > 0.45
    assert 0.1 < seluma["desil"].null_count / seluma.num_rows < 0.3


def test_phone_numbers_are_indonesian_mobiles_and_children_have_none(seluma):
    for row in _rows(seluma):
        phone = row["no_hp"]
        if phone is not None:
            assert str(phone).startswith("08") and 11 <= len(str(phone)) <= 13
    assert 0.2 < seluma["no_hp"].null_count / seluma.num_rows < 0.7


def test_names_follow_the_regions_traditions():
    samosir = generate_population("12.17", 1000, seed=1, reference_date=REFERENCE)
    badung = generate_population("51.03", 1000, seed=1, reference_date=REFERENCE)
    seluma = generate_population("17.05", 1000, seed=1, reference_date=REFERENCE)

    with_marga = [n for n in _names(samosir) if n.split()[-1] in BATAK_MARGA]
    balinese = [n for n in _names(badung) if n.split()[0] in ("I", "Ni")]
    muslim = [n for n in _names(seluma) if n.split()[0] in ("Muhammad", "Siti")]
    assert len(with_marga) > 700
    assert len(balinese) > 700
    assert len(muslim) > 50


def test_batak_children_carry_their_fathers_marga():
    samosir = _rows(generate_population("12.17", 1000, seed=2, reference_date=REFERENCE))
    families: dict[object, list[str]] = {}
    for row in samosir:
        families.setdefault(row["kk"], []).append(str(row["nama"]))
    same = [
        members
        for members in families.values()
        if len(members) >= 4 and all(m.split()[-1] in BATAK_MARGA for m in members)
    ]

    assert same
    for head, _spouse, *children in same:
        assert {c.split()[-1] for c in children} <= {head.split()[-1], _spouse.split()[-1]}


@pytest.mark.parametrize("code", ["17.99", "17", "17.05.01", "1705", ""])
def test_it_refuses_codes_that_are_not_a_known_regency(code):
    with pytest.raises(UnknownRegency):
        generate_population(code, 10, seed=1)

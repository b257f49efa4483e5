from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from lindung.synth import CorruptionRates, generate_population, make_village_list
from lindung.synth.village_list import KIND_ORDER

from .conftest import REFERENCE

Row = dict[str, Any]
_EVERY_KIND_AT_TEN_PERCENT = CorruptionRates(
    **{f.name: 0.1 for f in dataclasses.fields(CorruptionRates)}
)


@pytest.fixture(scope="module")
def noisy(seluma: pa.Table) -> tuple[pa.Table, pa.Table]:
    return make_village_list(
        seluma, 2000, seed=3, rates=_EVERY_KIND_AT_TEN_PERCENT, reference_date=REFERENCE
    )


def _joined(
    population: pa.Table, typed: pa.Table, truth: pa.Table
) -> list[tuple[Row, Row | None, set[str]]]:
    """(typed row, the person it stands for or None, its mistakes) for every list row."""
    people = {row["id"]: row for row in population.to_pylist()}
    return [
        (row, people.get(fact["person_id"]), set(filter(None, fact["corruptions"].split(";"))))
        for row, fact in zip(typed.to_pylist(), truth.to_pylist(), strict=True)
    ]


def _differing_positions(a: str, b: str) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def test_the_same_seed_gives_the_same_list(seluma, seluma_list):
    typed, truth = make_village_list(seluma, 400, seed=7, reference_date=REFERENCE)

    assert typed.equals(seluma_list[0])
    assert truth.equals(seluma_list[1])


def test_the_list_has_its_own_ids_and_the_people_columns(seluma, seluma_list):
    typed, truth = seluma_list

    assert typed.num_rows == truth.num_rows == 400
    assert typed.column_names == seluma.column_names
    assert typed.schema.equals(seluma.schema)
    assert typed["id"].to_pylist()[:2] == ["U000001", "U000002"]
    assert truth.column_names == ["list_id", "person_id", "corruptions"]
    assert truth["list_id"].equals(typed["id"])


def test_listed_people_are_mostly_informal_workers_of_working_age(seluma, seluma_list):
    listed = [person for _row, person, _kinds in _joined(seluma, *seluma_list) if person]
    ages = [(REFERENCE - p["tanggal_lahir"]).days / 365.25 for p in listed]
    informal = [p for p in listed if p["pekerjaan"] not in ("pns", "karyawan swasta", "guru")]

    assert all(a >= 18 for a in ages)
    assert len(informal) / len(listed) > 0.85


def test_every_kind_of_mistake_occurs_at_about_its_configured_rate(seluma, noisy):
    rows = _joined(seluma, *noisy)
    counts = Counter(kind for _row, _person, kinds in rows for kind in kinds)
    muhammad_or_siti = sum(
        1 for _r, p, _k in rows if p and {"Muhammad", "Siti"} & set(p["nama"].split())
    )
    swappable = sum(
        1
        for _r, p, _k in rows
        if p and p["tanggal_lahir"].day <= 12 and p["tanggal_lahir"].month <= 12
        and p["tanggal_lahir"].day != p["tanggal_lahir"].month
    )  # fmt: skip

    assert set(counts) == set(KIND_ORDER)
    for kind in set(KIND_ORDER) - {"name_abbrev", "date_swap"}:
        assert 140 <= counts[kind] <= 260, kind
    # Measured among the rows where the mistake is possible; new people are not counted.
    assert 0.05 * muhammad_or_siti <= counts["name_abbrev"] <= 0.2 * muhammad_or_siti
    assert 0.05 * swappable <= counts["date_swap"] <= 0.2 * swappable


def test_default_rates_leave_most_rows_clean_but_not_all(seluma, seluma_list):
    kinds = seluma_list[1]["corruptions"].to_pylist()

    assert 0.3 < kinds.count("") / len(kinds) < 0.8


def test_the_truth_matches_each_nik_mistake(seluma, noisy):
    for row, person, kinds in _joined(seluma, *noisy):
        if person is None:
            continue
        typed, real = row["nik"], person["nik"]
        if "nik_missing" in kinds:
            assert typed is None
        elif "nik_typo" in kinds:
            assert len(_differing_positions(typed, real)) == 1
        elif "nik_swap" in kinds:
            i, j = _differing_positions(typed, real)
            assert j == i + 1 and (typed[i], typed[j]) == (real[j], real[i])
        else:
            assert typed == real


def test_the_truth_matches_each_birth_date_mistake(seluma, noisy):
    for row, person, kinds in _joined(seluma, *noisy):
        if person is None:
            continue
        typed, real = row["tanggal_lahir"], person["tanggal_lahir"]
        if "date_missing" in kinds:
            assert typed is None
        elif "date_swap" in kinds:
            assert (typed.year, typed.month, typed.day) == (real.year, real.day, real.month)
        elif "date_year_typo" in kinds:
            assert typed.year != real.year and typed.year // 10 == real.year // 10
            assert typed.month == real.month and typed.day in (real.day, 28)
        else:
            assert typed == real


def test_the_truth_matches_sex_village_and_name_mistakes(seluma, noisy):
    for row, person, kinds in _joined(seluma, *noisy):
        if person is None:
            continue
        if "sex_missing" in kinds:
            assert row["jenis_kelamin"] is None
        elif "sex_wrong" in kinds:
            assert {row["jenis_kelamin"], person["jenis_kelamin"]} == {"L", "P"}
        else:
            assert row["jenis_kelamin"] == person["jenis_kelamin"]
        village_missing = "village_missing" in kinds
        assert row["kode_wilayah"] == (None if village_missing else person["kode_wilayah"])
        name_kinds = {k for k in kinds if k.startswith("name_")}
        assert (row["nama"] != person["nama"]) == bool(name_kinds), (row["nama"], kinds)
        for column in ("kk", "tempat_lahir", "alamat", "pekerjaan", "desil", "no_hp"):
            assert row[column] == person[column]


def test_abbreviations_and_titles_look_like_what_operators_type(seluma, noisy):
    # A letter typo may land inside the abbreviation or title, so those rows are left out.
    typed = {
        kind: [
            row["nama"]
            for row, _p, kinds in _joined(seluma, *noisy)
            if kind in kinds and "name_typo" not in kinds
        ]
        for kind in ("name_abbrev", "name_title")
    }
    short_forms = ("M.", "Moh.", "Muh.", "Muhamad", "Mohammad", "St.")
    titles = ("H.", "Hj.", "Drs.", "Dra.", ", S.", ", A.Md.")

    assert typed["name_abbrev"] and typed["name_title"]
    assert all(any(s.upper() in n.upper() for s in short_forms) for n in typed["name_abbrev"])
    assert all(any(t.upper() in n.upper() for t in titles) for n in typed["name_title"])


def test_new_people_are_not_in_the_population(seluma, noisy):
    known = set(seluma["nik"].to_pylist())
    new = [row for row, person, kinds in _joined(seluma, *noisy) if "new_person" in kinds]

    assert new
    for row, person, _kinds in _joined(seluma, *noisy):
        assert (person is None) == (row in new)
    assert not {row["nik"] for row in new} & known


def test_duplicates_point_to_a_person_already_on_the_list(seluma, noisy):
    rows = _joined(seluma, *noisy)
    listed = Counter(person["id"] for _row, person, _kinds in rows if person)
    duplicates = [person["id"] for _row, person, kinds in rows if person and "duplicate" in kinds]

    assert duplicates
    assert all(listed[pid] == 2 for pid in duplicates)
    assert sum(n - 1 for n in listed.values()) == len(duplicates)


def test_some_duplicates_are_typed_exactly_the_same_way_twice(seluma, noisy):
    typed, truth = noisy
    rows = {row["id"]: row for row in typed.to_pylist()}
    by_person: dict[str, list[Row]] = {}
    for fact in truth.to_pylist():
        if fact["person_id"]:
            by_person.setdefault(fact["person_id"], []).append(rows[fact["list_id"]])
    pairs = [entries for entries in by_person.values() if len(entries) == 2]

    def same(a: Row, b: Row) -> bool:
        return {k: v for k, v in a.items() if k != "id"} == {
            k: v for k, v in b.items() if k != "id"
        }

    assert any(same(*pair) for pair in pairs)
    assert any(not same(*pair) for pair in pairs)


def test_a_tiny_list_still_takes_someone_from_the_population():
    people = generate_population("17.05", 5, seed=1, reference_date=REFERENCE)
    typed, truth = make_village_list(people, 1, seed=1, reference_date=REFERENCE)

    assert typed.num_rows == 1
    assert truth["person_id"][0].as_py() in people["id"].to_pylist()


def test_a_list_longer_than_the_population_is_refused():
    people = generate_population("17.05", 5, seed=1, reference_date=date(2026, 1, 1))

    with pytest.raises(ValueError, match="exceeds"):
        make_village_list(people, 50, seed=1, rates=CorruptionRates(new_person=0, duplicate=0))

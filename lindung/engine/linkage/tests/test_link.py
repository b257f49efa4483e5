from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from lindung.engine.linkage.link import NO_CANDIDATE, Thresholds, dedupe, link


def _person(id_: str, **overrides: Any) -> dict[str, Any]:
    row = {
        "id": id_,
        "nik": "3201010101900001",
        "nama": "Muhammad Rizki",
        "tanggal_lahir": "1990-01-01",
        "jenis_kelamin": "L",
        "kode_wilayah": "32.01.01.2001",
    }
    return {**row, **overrides}


REFERENCE = [
    _person("R1"),
    _person(
        "R2",
        nik="3201014503850002",
        nama="Siti Aminah",
        tanggal_lahir="1985-03-05",
        jenis_kelamin="P",
    ),
    _person(
        "R3",
        nik="3201010101900002",
        nama="Budi Santoso",
        kode_wilayah="32.01.01.2005",
    ),
]


def _link(left: list[dict[str, Any]], right: list[dict[str, Any]] = REFERENCE, **kw: Any):
    return link(pa.Table.from_pylist(left), pa.Table.from_pylist(right), **kw)


def _rows(result: Any) -> dict[str, dict[str, Any]]:
    return {row["left_id"]: row for row in result.best.to_pylist()}


def test_it_matches_an_exact_nik_and_explains_why():
    row = _rows(_link([_person("L1", nama="M. Rizki")]))["L1"]
    assert (row["right_id"], row["decision"]) == ("R1", "match")
    assert row["match_probability"] > 0.99
    assert row["explanation"].startswith("Sesuai: NIK sama (+")


def test_it_matches_a_nik_with_swapped_digits_and_a_swapped_date():
    left = _person(
        "L1",
        nik="3201014503580002",
        nama="St. Aminah",
        tanggal_lahir="03-05-1985",
        jenis_kelamin="P",
    )
    row = _rows(_link([left]))["L1"]
    assert (row["right_id"], row["decision"]) == ("R2", "match")


def test_it_prefers_the_right_person_over_the_owner_of_a_mistyped_nik():
    # Serial typo 0001 -> 0002 gives Budi's NIK; the name and village say it is Rizki.
    row = _rows(_link([_person("L1", nik="3201010101900002")]))["L1"]
    assert row["right_id"] == "R1"


def test_it_sends_a_person_found_twice_in_the_reference_to_review():
    twice = [*REFERENCE, _person("R4", nik=None)]
    row = _rows(_link([_person("L1", nik=None)], twice))["L1"]
    assert row["decision"] == "review"


def test_it_leaves_a_stranger_without_a_match():
    stranger = _person(
        "L1",
        nik="7371051507850003",
        nama="Yohanes Tandi",
        tanggal_lahir="1985-07-15",
        kode_wilayah="73.71.05.1001",
    )
    row = _rows(_link([stranger]))["L1"]
    assert row == {
        "left_id": "L1",
        "right_id": None,
        "match_probability": 0.0,
        "decision": "no_match",
        "explanation": NO_CANDIDATE,
    }


def test_thresholds_decide_between_match_and_review():
    left = [_person("L1", nik=None, nama="Rizki", kode_wilayah=None)]
    strict = _rows(_link(left, thresholds=Thresholds(match=1.0, review=0.0)))["L1"]
    lenient = _rows(_link(left, thresholds=Thresholds(match=0.0, review=0.0)))["L1"]
    assert (strict["decision"], lenient["decision"]) == ("review", "match")


def test_it_keeps_one_row_per_left_row_in_input_order_and_counts_them():
    left = [_person(f"L{i}") for i in range(3, 0, -1)]
    result = _link(left)
    assert result.best["left_id"].to_pylist() == ["L3", "L2", "L1"]
    assert result.counts == {
        "left": 3,
        "right": 3,
        "exact_nik": 3,
        "match": 3,
        "review": 0,
        "no_match": 0,
    }
    assert set(result.seconds) >= {"exact_nik", "score_exact", "score_rest", "total"}


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError, match="review <= match"):
        Thresholds(match=0.5, review=0.9)


def test_dedupe_puts_the_same_person_typed_twice_in_one_cluster():
    rows = [
        _person("A"),
        _person("B", nik="3201010101900010", nama="M. Rizki"),
        _person(
            "C",
            nik="3201014503850002",
            nama="Siti Aminah",
            tanggal_lahir="1985-03-05",
            jenis_kelamin="P",
        ),
    ]
    result = dedupe(pa.Table.from_pylist(rows))
    clusters = dict(
        zip(
            result.clusters["id"].to_pylist(),
            result.clusters["cluster_id"].to_pylist(),
            strict=True,
        )
    )
    assert clusters["A"] == clusters["B"] != clusters["C"]
    assert result.counts["clusters"] == 2

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from lindung.engine.linkage.prepare import InputError, prepare


def _person(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": "a",
        "nik": "3201014501900001",
        "nama": "Siti Aminah",
        "tanggal_lahir": "1990-01-05",
        "jenis_kelamin": "P",
        "kode_wilayah": "32.01.01.2001",
    }
    return {**row, **overrides}


def _prepared(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    con = duckdb.connect()
    table = pa.Table.from_pylist(list(rows))
    prepare(con, table, "t", label="file kiri", reference_date=date(2026, 1, 1))
    result: list[dict[str, Any]] = (
        con.execute("FROM t ORDER BY row_number").fetch_arrow_table().to_pylist()
    )
    return result


def _error(*rows: dict[str, Any]) -> str:
    with pytest.raises(InputError) as caught:
        _prepared(*rows)
    return str(caught.value)


def test_it_cleans_a_nik_typed_with_spaces_dots_and_a_text_apostrophe():
    rows = _prepared(
        _person(id="a", nik="3201 0145 0190 0001"),
        _person(id="b", nik="'3201.0145.0190.0001"),
        _person(id="c", nik=" 320101-450190-0001 "),
    )
    assert [r["nik"] for r in rows] == ["3201014501900001"] * 3


def test_it_reads_a_nik_from_a_number_cell_without_the_decimal_point():
    table = pa.table(
        {
            "id": [1],
            "nik": [3201014501900001.0],
            "nama": ["Siti"],
            "tanggal_lahir": [date(1990, 1, 5)],
            "jenis_kelamin": ["P"],
        }
    )
    con = duckdb.connect()
    prepare(con, table, "t", label="file kiri")
    assert con.execute("SELECT unique_id, nik FROM t").fetchall() == [("1", "3201014501900001")]


def test_it_drops_a_nik_that_cannot_be_one():
    rows = _prepared(
        _person(id="a", nik="3.20101E+15"),
        _person(id="b", nik="32010145019000"),
        _person(id="c", nik="0000000000000000"),
        _person(id="d", nik=None),
    )
    assert [r["nik"] for r in rows] == [None, None, None, None]


def test_it_reads_iso_and_day_first_dates():
    rows = _prepared(
        _person(id="a", tanggal_lahir="1990-01-05"),
        _person(id="b", tanggal_lahir="05-01-1990"),
        _person(id="c", tanggal_lahir="05/01/1990"),
    )
    assert {r["tanggal_lahir"] for r in rows} == {date(1990, 1, 5)}


def test_it_rejects_a_bad_date_naming_the_column_and_the_spreadsheet_line():
    message = _error(_person(id="a"), _person(id="b", tanggal_lahir="31-02-1990"))
    assert "tanggal_lahir" in message
    assert "baris 3" in message
    assert "'31-02-1990'" in message


def test_it_rejects_missing_columns_naming_them():
    con = duckdb.connect()
    with pytest.raises(InputError, match="nik, tanggal_lahir"):
        prepare(con, pa.table({"id": ["a"], "nama": ["x"], "jenis_kelamin": ["L"]}), "t", label="x")


def test_it_rejects_an_id_used_twice_naming_both_lines():
    message = _error(_person(id="a"), _person(id="b"), _person(id="a"))
    assert "'a'" in message
    assert "baris 2 dan 4" in message


def test_it_rejects_an_empty_id():
    assert "baris 2" in _error(_person(id=None))


def test_it_rejects_an_unknown_sex():
    assert "jenis_kelamin" in _error(_person(jenis_kelamin="X"))


def test_it_reads_birth_date_and_sex_from_a_womans_nik():
    (row,) = _prepared(_person(nik="3201014501900001", jenis_kelamin=None, tanggal_lahir=None))
    assert row["nik_dob"] == date(1990, 1, 5)
    assert row["jenis_kelamin"] == "P"
    assert row["tanggal_lahir"] == date(1990, 1, 5)


def test_it_puts_a_two_digit_year_in_the_past():
    (row,) = _prepared(_person(nik="3201010101300001", tanggal_lahir=None))
    assert row["nik_dob"] == date(1930, 1, 1)


def test_it_swaps_day_and_month_only_when_that_is_a_date():
    rows = _prepared(
        _person(id="a", tanggal_lahir="1990-01-05"),
        _person(id="b", tanggal_lahir="1990-01-25"),
        _person(id="c", tanggal_lahir="1990-03-03"),
    )
    assert [r["dob_swapped"] for r in rows] == [date(1990, 5, 1), None, None]


def test_it_normalises_names_with_titles_and_abbreviations():
    (row,) = _prepared(_person(nama="Hj. St. Aminah, S.Pd."))
    assert row["nama"] == "SITI AMINAH"
    assert row["name_tokens"] == ["SITI", "AMINAH"]
    assert (row["name_first"], row["name_last"]) == ("SITI", "AMINAH")


def test_it_reads_a_village_code_typed_without_dots():
    (row,) = _prepared(_person(kode_wilayah="3201012001"))
    assert (row["desa"], row["kecamatan"], row["kabupaten"]) == (
        "32.01.01.2001",
        "32.01.01",
        "32.01",
    )


def test_it_needs_no_village_column_and_ignores_extra_columns():
    row = _person(pekerjaan="Petani")
    del row["kode_wilayah"]
    (prepared,) = _prepared(row)
    assert prepared["desa"] is None
    assert "pekerjaan" not in prepared

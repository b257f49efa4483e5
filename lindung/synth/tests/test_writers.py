from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from lindung.synth.writers import write_table


@pytest.fixture(scope="module")
def sample(seluma: pa.Table) -> pa.Table:
    # NIKs and phone numbers starting with 0 would lose it if written as numbers.
    return seluma.slice(0, 200)


def test_parquet_reads_back_identical(sample, tmp_path):
    write_table(sample, tmp_path / "people.parquet", "parquet")

    assert pq.read_table(tmp_path / "people.parquet").equals(sample)


def test_csv_reads_back_with_nik_and_kk_as_16_character_text(sample, tmp_path):
    write_table(sample, tmp_path / "people.csv", "csv")
    text_columns = {c: pa.string() for c in ("nik", "kk", "no_hp")}
    back = pacsv.read_csv(
        tmp_path / "people.csv",
        convert_options=pacsv.ConvertOptions(column_types=text_columns, strings_can_be_null=True),
    )

    assert back.to_pylist() == sample.to_pylist()
    first_row = (tmp_path / "people.csv").read_text().splitlines()[1]
    assert f'"{sample["nik"][0].as_py()}"' in first_row


def test_xlsx_keeps_nik_kk_and_phone_as_text_and_dates_as_dates(sample, tmp_path):
    write_table(sample, tmp_path / "people.xlsx", "xlsx")
    rows = (
        CalamineWorkbook.from_path(str(tmp_path / "people.xlsx")).get_sheet_by_index(0).to_python()
    )
    header, *body = rows
    column = {name: i for i, name in enumerate(header)}

    assert header == sample.column_names
    assert len(body) == sample.num_rows
    for row, expected in zip(body, sample.to_pylist(), strict=True):
        nik = row[column["nik"]]
        assert isinstance(nik, str) and len(nik) == 16
        assert nik == expected["nik"]
        assert row[column["kk"]] == expected["kk"]
        assert row[column["no_hp"]] == (expected["no_hp"] or "")
        assert row[column["tanggal_lahir"]] == expected["tanggal_lahir"]

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from lindung.engine.linkage.files import read_table, write_csv_atomically
from lindung.engine.linkage.prepare import InputError


def test_it_reads_a_semicolon_csv_with_spoken_headers_as_text(tmp_path: Path):
    path = tmp_path / "daftar.csv"
    path.write_text(
        "ID;NIK;Nama;Tanggal Lahir;Jenis Kelamin\n007;3201010101900001;Rizki;01-01-1990;L\n",
        encoding="utf-8",
    )
    table = read_table(path, "kiri")
    assert table.column_names == ["id", "nik", "nama", "tanggal_lahir", "jenis_kelamin"]
    assert table.to_pylist()[0]["id"] == "007"


def test_it_reads_number_and_date_cells_of_a_spreadsheet_as_text(tmp_path: Path):
    path = tmp_path / "daftar.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["id", "nik", "tanggal_lahir"])
        sheet.write_number(1, 0, 1)
        sheet.write_number(1, 1, 3201010101900001)
        sheet.write_datetime(1, 2, date(1990, 1, 1), book.add_format({"num_format": "dd/mm/yyyy"}))
    (row,) = read_table(path, "kiri").to_pylist()
    assert row == {"id": "1", "nik": "3201010101900001", "tanggal_lahir": "1990-01-01"}


def test_it_reads_parquet(tmp_path: Path):
    path = tmp_path / "daftar.parquet"
    pq.write_table(pa.table({"ID": ["a"]}), path)
    assert read_table(path, "kiri").column_names == ["id"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "tidak ditemukan"),
        ("daftar.txt", b"x", "bukan CSV, XLSX atau Parquet"),
        ("rusak.xlsx", b"not a zip file", "tidak bisa dibaca"),
        ("rusak.parquet", b"not parquet", "tidak bisa dibaca"),
    ],
)
def test_it_names_a_file_it_cannot_read(
    tmp_path: Path, name: str, content: bytes | None, message: str
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path, "kiri")


def test_it_writes_csv_in_one_step(tmp_path: Path):
    out = tmp_path / "hasil.csv"
    write_csv_atomically(pa.table({"left_id": ["a"]}), out)
    assert out.read_text(encoding="utf-8").splitlines() == ['"left_id"', '"a"']
    assert [p.name for p in tmp_path.iterdir()] == ["hasil.csv"]

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

HEADER = ["ID", "NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Kode Wilayah", "Catatan"]
REFERENCE = [
    ["R1", "3201010101900001", "Muhammad Rizki", "1990-01-01", "L", "32.01.01.2001", ""],
    ["R2", "3201014503850002", "Siti Aminah", "1985-03-05", "P", "32.01.01.2001", ""],
]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _run(*args: str) -> str:
    out = StringIO()
    call_command("link", *args, stdout=out)
    return out.getvalue()


def _fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        _run(*args)
    assert caught.value.returncode == 2
    return str(caught.value)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_links_a_hand_made_spreadsheet_with_indonesian_column_names(tmp_path: Path):
    left = tmp_path / "usulan.xlsx"
    with xlsxwriter.Workbook(str(left)) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        # A NIK typed into a number cell, the name abbreviated, the date day-first.
        sheet.write_row(1, 0, ["U1", "", "M. Rizki", "01-01-1990", "L", "32.01.01.2001"])
        sheet.write_number(1, 1, 3201010101900001)
        sheet.write_row(2, 0, ["U2", "3201 0145 0385 0002", "Hj. St. Aminah", "1985-03-05", "P"])
        sheet.write_row(3, 0, ["U3", "", "Yohanes Tandi", "1970-07-07", "L", "73.71.01.1001"])
    out = tmp_path / "hasil.csv"
    _run(
        "--left",
        str(left),
        "--right",
        str(_csv(tmp_path / "ref.csv", REFERENCE)),
        "--out",
        str(out),
    )
    rows = _read(out)
    assert list(rows[0])[:4] == ["left_id", "right_id", "match_probability", "decision"]
    assert [(r["left_id"], r["right_id"], r["decision"]) for r in rows] == [
        ("U1", "R1", "match"),
        ("U2", "R2", "match"),
        ("U3", "", "no_match"),
    ]


def test_it_prints_counts_and_timings_as_json(tmp_path: Path):
    ref = _csv(tmp_path / "ref.csv", REFERENCE)
    summary = json.loads(
        _run(
            "--left", str(ref), "--right", str(ref), "--out", str(tmp_path / "hasil.csv"), "--json"
        )
    )
    assert {
        k: summary[k] for k in ("left", "right", "exact_nik", "match", "review", "no_match")
    } == {
        "left": 2,
        "right": 2,
        "exact_nik": 2,
        "match": 2,
        "review": 0,
        "no_match": 0,
    }
    assert summary["seconds"]["total"] > 0


def test_it_writes_clusters_with_dedupe(tmp_path: Path):
    rows = [
        *REFERENCE,
        ["R3", "3201010101900010", "M. Rizki", "1990-01-01", "L", "32.01.01.2001", ""],
    ]
    out = tmp_path / "klaster.csv"
    _run("--left", str(_csv(tmp_path / "daftar.csv", rows)), "--dedupe", "--out", str(out))
    clusters = {r["id"]: r["cluster_id"] for r in _read(out)}
    assert clusters["R1"] == clusters["R3"] != clusters["R2"]


def test_it_names_a_missing_column_and_writes_nothing(tmp_path: Path):
    left = _csv(tmp_path / "daftar.csv", [["U1", "Rizki"]], header=["id", "nama"])
    out = tmp_path / "hasil.csv"
    message = _fails("--left", str(left), "--right", str(left), "--out", str(out))
    assert "nik" in message and "tanggal_lahir" in message
    assert not out.exists()


def test_it_names_the_line_of_a_bad_date(tmp_path: Path):
    rows = [*REFERENCE, ["R3", "", "Budi", "1990-13-45", "L", "", ""]]
    left = _csv(tmp_path / "daftar.csv", rows)
    message = _fails("--left", str(left), "--dedupe", "--out", str(tmp_path / "hasil.csv"))
    assert "tanggal_lahir" in message and "baris 4" in message


def test_it_refuses_an_unreadable_file(tmp_path: Path):
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"bukan spreadsheet")
    assert "tidak bisa dibaca" in _fails(
        "--left", str(broken), "--dedupe", "--out", str(tmp_path / "hasil.csv")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold-match", "1.5"], "--threshold-match"),
        (["--threshold-match", "0.5", "--threshold-review", "0.9"], "--threshold-review"),
        ([], "--right"),
    ],
)
def test_it_refuses_bad_options(tmp_path: Path, args: list[str], message: str):
    left = _csv(tmp_path / "daftar.csv", REFERENCE)
    assert message in _fails("--left", str(left), "--out", str(tmp_path / "hasil.csv"), *args)


def test_it_links_the_files_lindung_synth_writes(tmp_path: Path):
    call_command(
        "synth",
        "--regency",
        "17.05",
        "--people",
        "3000",
        "--list-size",
        "150",
        "--out",
        str(tmp_path),
        "--format",
        "csv",
        stdout=StringIO(),
    )
    out = tmp_path / "hasil.csv"
    summary = json.loads(
        _run(
            "--left",
            str(tmp_path / "village_list.csv"),
            "--right",
            str(tmp_path / "people.csv"),
            "--out",
            str(out),
            "--json",
        )
    )
    truth = {r["list_id"]: r["person_id"] for r in _read(tmp_path / "village_list_truth.csv")}
    matched = [r for r in _read(out) if r["decision"] == "match"]
    assert summary["left"] == 150
    assert len(matched) >= 140
    assert all(truth[r["left_id"]] == r["right_id"] for r in matched)

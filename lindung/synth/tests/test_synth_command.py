from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

_NAMES = ("people", "village_list", "village_list_truth")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", *args, stdout=out)
    return out.getvalue()


def _synth(out: Path, *extra: str) -> str:
    return _run("--regency", "17.05", "--people", "800", "--seed", "5", "--out", str(out), *extra)


def test_it_writes_people_the_list_and_its_truth_and_summarises_in_json(tmp_path):
    summary = json.loads(_synth(tmp_path, "--json", "--list-size", "60"))

    assert {p.name for p in tmp_path.iterdir()} == {
        f"{name}.{ext}" for name in _NAMES for ext in ("csv", "parquet")
    }
    assert summary["regency"] == "17.05"
    assert summary["people"] == 800
    assert summary["list_rows"] == 60
    assert 150 < summary["families"] < 400
    assert 0 < summary["villages"] <= 202
    assert len(summary["files"]) == 6
    assert summary["seconds"] >= 0
    assert pq.read_table(tmp_path / "village_list.parquet").num_rows == 60


def test_the_list_defaults_to_five_percent_of_the_people(tmp_path):
    _synth(tmp_path, "--format", "parquet")

    assert pq.read_table(tmp_path / "village_list_truth.parquet").num_rows == 40


def test_it_reports_in_indonesian_without_json(tmp_path):
    text = _synth(tmp_path, "--format", "parquet")

    assert "Kabupaten Seluma (17.05): 800 penduduk" in text
    assert "Daftar usulan desa: 40 baris." in text


def test_the_same_seed_writes_byte_identical_files_in_every_format(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _synth(first, "--format", "csv,xlsx,parquet")
    _synth(second, "--format", "csv,xlsx,parquet")

    files = sorted(p.name for p in first.iterdir())
    assert len(files) == 9
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_another_reference_date_ages_the_same_people_differently(tmp_path):
    _synth(tmp_path / "a", "--format", "parquet")
    _synth(tmp_path / "b", "--format", "parquet", "--reference-date", "2030-06-30")

    a = pq.read_table(tmp_path / "a" / "people.parquet")
    b = pq.read_table(tmp_path / "b" / "people.parquet")
    assert a["nama"].equals(b["nama"])
    assert not a["tanggal_lahir"].equals(b["tanggal_lahir"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--regency", "17.99"), r"17\.99 tidak ada dalam data wilayah"),
        (("--regency", "17.05.01"), r"17\.05\.01 bukan kode kabupaten/kota"),
        (("--regency", "Seluma"), r"Seluma bukan kode kabupaten/kota"),
        (("--people", "0"), r"--people harus bilangan bulat paling kecil 1"),
        (("--people", "banyak"), r"--people harus bilangan bulat"),
        (("--seed", "-1"), r"--seed harus bilangan bulat paling kecil 0"),
        (("--list-size", "0"), r"--list-size harus bilangan bulat paling kecil 1"),
        (("--list-size", "900"), r"tidak boleh lebih dari --people"),
        (("--format", "csv,xls"), r"Format tidak dikenal: xls\. Pilih dari csv, xlsx, parquet"),
        (("--reference-date", "1/1/2026"), r"--reference-date harus tanggal TTTT-BB-HH"),
    ],
)
def test_bad_input_is_refused_in_indonesian_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "new"
    options = {"--regency": "17.05", "--people": "800", "--seed": "5", "--out": str(out)}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))

    with pytest.raises(CommandError, match=message) as error:
        _run(*[part for pair in options.items() for part in pair])
    assert error.value.returncode == 2
    assert not out.exists()


def test_an_output_folder_that_cannot_be_created_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    with pytest.raises(CommandError, match="tidak bisa dibuat") as error:
        _synth(blocker / "out")
    assert error.value.returncode == 2
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_failed_write_leaves_no_partial_files(tmp_path):
    # A directory squatting on the final name makes the last rename fail, like a full disk
    # would make a write fail; nothing half-written may stay behind.
    (tmp_path / "people.csv").mkdir()

    with pytest.raises(CommandError, match="Gagal menulis") as error:
        _synth(tmp_path, "--format", "csv")
    assert error.value.returncode == 2
    assert [p.name for p in tmp_path.iterdir()] == ["people.csv"]

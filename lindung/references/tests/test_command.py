import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.references.models import ReferenceRecord, Snapshot
from lindung.references.tests.conftest import WELFARE_CSV


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("references", "import", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def extract(tmp_path, users):
    path = tmp_path / "dtsen.csv"
    path.write_bytes(WELFARE_CSV)
    return path


def test_it_prints_counts_that_add_up_as_json(extract):
    result = json.loads(_run("--kind", "welfare", str(extract), "--area", "17.05", "--json"))
    assert result["rows"] == result["accepted"] + result["rejected"] == 5
    assert (result["accepted"], result["rejected"]) == (2, 3)
    snapshot = Snapshot.objects.get(pk=result["snapshot_id"])
    assert snapshot.source == "DTSEN" and snapshot.imported_by is None
    assert result["reused"] is False
    assert result["seconds"] >= 0


def test_the_area_defaults_to_the_regency_holding_every_village_code(extract):
    result = json.loads(_run("--kind", "welfare", str(extract), "--json"))
    # Both village codes in the file are in Desa Niur, Kabupaten Seluma: the extract is
    # taken as Seluma's, so verification of Seluma's programme uses it.
    assert result["area"] == "17.05"


def test_a_second_run_says_the_file_was_imported_already(extract):
    _run("--kind", "welfare", str(extract), "--area", "17.05")
    text = _run("--kind", "welfare", str(extract), "--area", "17.05")
    assert "sudah pernah diimpor" in text
    assert Snapshot.objects.count() == 1


def test_a_mapping_can_be_given_as_json(tmp_path, users):
    path = tmp_path / "bkd.csv"
    path.write_text("KTP,Nama Pegawai,Jenis Pegawai\n1705016209900003,Budi,PPPK\n")
    mapping = json.dumps({"nik": "KTP", "nama": "Nama Pegawai", "kategori": "Jenis Pegawai"})
    result = json.loads(
        _run("--kind", "exclusion", str(path), "--area", "17.05", "--mapping", mapping, "--json")
    )
    assert result["accepted"] == 1
    assert ReferenceRecord.objects.get().category == "PPPK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "99.99"], "tidak ada di daftar wilayah"),
        (["--area", "17.05", "--extracted-on", "30-06-2025"], "TTTT-BB-HH"),
        (["--area", "17.05", "--mapping", "{nik"], "--mapping harus JSON"),
        (["--area", "17.05", "--mapping", '{"alamat": "Alamat"}'], "tidak dipakai"),
    ],
)
def test_bad_arguments_exit_with_code_2_and_a_message(extract, args, message):
    with pytest.raises(CommandError) as caught:
        _run("--kind", "welfare", str(extract), *args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)
    assert not Snapshot.objects.exists()


def test_a_missing_file_exits_with_code_2(users, tmp_path):
    with pytest.raises(CommandError) as caught:
        _run("--kind", "welfare", str(tmp_path / "tidak-ada.csv"))
    assert caught.value.returncode == 2


@pytest.mark.parametrize(
    ("name", "data", "code_text"),
    [
        ("a.pdf", b"%PDF-1.4", "bukan CSV atau Excel"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "kata sandi"),
        ("a.xlsx", b"PK\x03\x04" + b"\0" * 100, "rusak"),
        ("a.csv", b"", "kosong"),
        ("a.csv", b"NIK;Nama;Desil\n" + b";;\n" * 1000, "kosong"),
    ],
)
def test_a_bad_file_exits_with_code_2_and_leaves_nothing(tmp_path, users, name, data, code_text):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as caught:
        _run("--kind", "welfare", str(path), "--area", "17.05")
    assert caught.value.returncode == 2
    assert code_text in str(caught.value)
    assert not Snapshot.objects.exists() and not ReferenceRecord.objects.exists()

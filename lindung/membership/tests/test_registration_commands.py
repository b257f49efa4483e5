"""`lindung registration export|import`: counts as JSON, refusals as Indonesian errors."""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.membership.bpjs_simulator import simulate_result
from lindung.membership.models import Membership, MemberStatus, RegistrationExport
from lindung.membership.tests.conftest import Determined
from lindung.membership.tests.registration_helpers import START, csv_rows, ok, result_csv


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("registration", *args, "--json", stdout=out)
    payload: dict[str, Any] = json.loads(out.getvalue())
    return payload


def _export(determined: Determined, output: Path, *more: str) -> dict[str, Any]:
    programme = str(determined.programme.pk)
    return _run("export", "--programme", programme, "--output", str(output), *more)


def test_export_then_import_prints_the_counts(determined: Determined, tmp_path: Path) -> None:
    output = tmp_path / "kirim.xlsx"
    sent = _export(determined, output)
    assert sent["members"] == 8 and sent["file"] == str(output) and sent["format"] == "xlsx"
    assert output.stat().st_mode & 0o777 == 0o600  # full NIKs: readable by the owner only
    result = tmp_path / "hasil.xlsx"
    result.write_bytes(simulate_result(output.read_bytes(), "xlsx", reject_share=0.25, start=START))
    args = ("import", str(result), "--programme", str(determined.programme.pk))
    first = _run(*args)
    assert {k: first[k] for k in ("rows", "registered", "rejected", "missing")} == {
        "rows": 8,
        "registered": 6,
        "rejected": 2,
        "missing": 0,
    }
    assert first["unchanged"] == first["unknown"] == first["invalid"] == 0
    assert first["already_imported"] is False
    again = _run(*args)
    assert again["already_imported"] is True and again["import_id"] == first["import_id"]
    assert Membership.objects.filter(status=MemberStatus.REGISTERED).count() == 6


def test_a_csv_export_with_include_sent(determined: Determined, tmp_path: Path) -> None:
    _export(determined, tmp_path / "a.csv", "--format", "csv")
    again = _export(determined, tmp_path / "b.csv", "--format", "csv", "--include-sent")
    assert again["members"] == 8
    assert len(csv_rows((tmp_path / "b.csv").read_bytes())) == 9


def test_nothing_to_send_leaves_no_file(determined: Determined, tmp_path: Path) -> None:
    _export(determined, tmp_path / "a.xlsx")
    with pytest.raises(CommandError, match="sudah dikirim") as caught:
        _export(determined, tmp_path / "b.xlsx")
    assert caught.value.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_an_existing_output_file_is_not_overwritten(determined: Determined, tmp_path: Path) -> None:
    output = tmp_path / "kirim.xlsx"
    output.write_bytes(b"lama")
    with pytest.raises(CommandError, match="sudah ada"):
        _export(determined, output)
    assert output.read_bytes() == b"lama"
    assert not RegistrationExport.objects.exists()


def test_a_full_disk_writes_nothing(
    determined: Determined, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(CommandError, match="tidak bisa ditulis"):
        _export(determined, tmp_path / "kirim.xlsx")
    assert list(tmp_path.iterdir()) == []  # no half file, no temporary file
    assert not RegistrationExport.objects.exists()
    assert not Membership.objects.filter(registration_export__isnull=False).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--programme", "x", "--output", "f.xlsx"), "harus angka"),
        (("export", "--programme", "999", "--output", "f.xlsx"), "tidak ada"),
        (("import", "/tidak/ada.csv", "--programme", "1"), "tidak ada"),
    ],
)
def test_bad_arguments_are_refused(
    determined: Determined, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("registration", *(a.replace("f.xlsx", str(tmp_path / "f.xlsx")) for a in args))


def test_a_bad_result_file_is_refused(determined: Determined, tmp_path: Path) -> None:
    _export(determined, tmp_path / "a.xlsx")
    bad = tmp_path / "hasil.csv"
    bad.write_bytes(b"Nama;Status\nAhmad;Berhasil\n")
    with pytest.raises(CommandError, match="Kolom NIK"):
        call_command(
            "registration", "import", str(bad), "--programme", str(determined.programme.pk)
        )


def test_a_user_named_with_as_needs_the_capability(determined: Determined, tmp_path: Path) -> None:
    data = tmp_path / "hasil.csv"
    data.write_bytes(result_csv([ok(2, "25000000002")]))
    programme = str(determined.programme.pk)
    finance = determined.users["finance"].username
    with pytest.raises(CommandError, match="Peran Anda"):
        call_command("registration", "import", str(data), "--programme", programme, "--as", finance)
    bpjs = determined.users["bpjs"].username
    payload = _run("import", str(data), "--programme", programme, "--as", bpjs)
    assert payload["unknown"] == 0 and payload["registered"] == 1

"""`lindung proposals import`: counts that add up, Indonesian refusals with exit code 2."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_B
from lindung.proposals.models import Batch, Proposal
from lindung.proposals.tests.conftest import Setup, make_period, person, xlsx_bytes


def _run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("proposals", "import", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.fixture
def file(tmp_path: Path) -> Path:
    rows = [person(1, kode_wilayah=VILLAGE_A), person(2, kode_wilayah=VILLAGE_B)]
    rows += [person(3, kode_wilayah=VILLAGE_A, nik="123"), person(1, kode_wilayah=VILLAGE_A)]
    path = tmp_path / "usulan.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path


def test_it_imports_a_file_and_the_counts_add_up(setup: Setup, file: Path) -> None:
    result = _run(str(file), "--programme", str(setup.programme.pk))
    assert result["rows"] == 4
    assert (result["accepted"], result["rejected"], result["duplicates"]) == (2, 1, 1)
    assert result["accepted"] + result["rejected"] + result["duplicates"] == result["rows"]
    batch = Batch.objects.get(pk=result["batch_id"])
    assert batch.source == "command" and batch.created_by is None and batch.area_id == "17.05"


def test_running_it_twice_creates_nothing_the_second_time(setup: Setup, file: Path) -> None:
    first = _run(str(file), "--programme", str(setup.programme.pk))
    again = _run(str(file), "--programme", str(setup.programme.pk))
    assert again["batch_id"] == first["batch_id"] and again["created"] is False
    assert Proposal.objects.count() == 2


def test_as_a_village_operator_it_keeps_to_their_village(setup: Setup, file: Path) -> None:
    desa = setup.users["desa"].username
    result = _run(str(file), "--programme", str(setup.programme.pk), "--as", desa)
    assert (result["accepted"], result["rejected"], result["duplicates"]) == (1, 2, 1)


def test_a_system_job_may_load_a_closed_period_named_explicitly(setup: Setup, file: Path) -> None:
    closed = make_period(setup.programme, opens=-90, closes=-40)
    args = [str(file), "--programme", str(setup.programme.pk), "--period", str(closed.pk)]
    assert _run(*args)["accepted"] == 2
    with pytest.raises(CommandError, match="sudah ditutup") as error:
        _run(*args, "--as", setup.users["manager"].username)
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--programme", "999"], "Program 999 tidak ada"),
        (["--programme", "abc"], "ID program harus angka"),
        (["--village", "17.05.99.9999"], "tidak ada di wilayah kerja Anda"),
        (["--as", "siapa"], "Pengguna siapa tidak ada"),
        (["--period", "999"], "Periode usulan 999 tidak ada"),
    ],
)
def test_bad_input_stops_with_exit_code_2_and_writes_nothing(
    setup: Setup, file: Path, args: list[str], message: str
) -> None:
    if "--programme" not in args:
        args = [*args, "--programme", str(setup.programme.pk)]
    with pytest.raises(CommandError, match=message) as error:
        _run(str(file), *args)
    assert error.value.returncode == 2
    assert not Batch.objects.exists()


def test_a_missing_or_unreadable_file_is_refused(setup: Setup, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="tidak ada") as missing:
        _run(str(tmp_path / "tidak-ada.xlsx"), "--programme", str(setup.programme.pk))
    garbage = tmp_path / "usulan.xlsx"
    garbage.write_bytes(b"PK\x03\x04 ini bukan xlsx" * 10)
    with pytest.raises(CommandError) as corrupt:
        _run(str(garbage), "--programme", str(setup.programme.pk))
    assert missing.value.returncode == corrupt.value.returncode == 2
    assert not Batch.objects.exists()

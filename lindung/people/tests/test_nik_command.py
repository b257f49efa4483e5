from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.regions.models import Region

WOMAN_1990 = "1705016211900003"
BAD_DATE = "1705013102990001"


def run(*args: str) -> str:
    out = StringIO()
    call_command("nik", *args, stdout=out)
    return out.getvalue()


def run_failing(*args: str) -> tuple[str, CommandError]:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("nik", *args, stdout=out)
    return out.getvalue(), caught.value


@pytest.fixture
def seluma() -> None:
    bengkulu = Region.objects.create(code="17", level=1, name="Bengkulu")
    regency = Region.objects.create(code="17.05", level=2, name="Kabupaten Seluma", parent=bengkulu)
    Region.objects.create(code="17.05.01", level=3, name="Sukaraja", parent=regency)


@pytest.mark.django_db
def test_it_prints_the_parts_of_a_nik_in_indonesian():
    out = run(WOMAN_1990)
    assert "17.05.01" in out
    assert "22 November 1990" in out
    assert "Perempuan" in out
    assert "Nomor urut" in out
    assert "lindung regions load" in out


@pytest.mark.django_db
@pytest.mark.usefixtures("seluma")
def test_it_names_the_area_when_regions_are_loaded():
    out = run(WOMAN_1990)
    assert "Kecamatan Sukaraja, Kabupaten Seluma, Provinsi Bengkulu" in out
    assert "regions load" not in out


@pytest.mark.django_db
@pytest.mark.usefixtures("seluma")
def test_an_unknown_district_is_a_warning_that_keeps_exit_code_0():
    out = run("1705996211900003", "--json")
    result = json.loads(out)
    assert result["valid"] is True
    assert [f["code"] for f in result["findings"]] == ["NIK_REGION_UNKNOWN"]
    assert result["findings"][0]["severity"] == "warning"
    assert result["region_name"] == "Kabupaten Seluma, Provinsi Bengkulu"


@pytest.mark.django_db
def test_json_output_has_the_agreed_keys_and_skips_the_region_check_without_regions():
    result = json.loads(run(WOMAN_1990, "--json", "--birth-date", "1990-11-22", "--sex", "p"))
    assert result["valid"] is True
    assert result["region_code"] == "17.05.01"
    assert result["birth_date"] == "1990-11-22"
    assert result["sex"] == "P"
    assert result["findings"] == []
    assert result["region_checked"] is False


@pytest.mark.django_db
def test_an_invalid_nik_prints_its_findings_then_exits_1():
    out, error = run_failing(BAD_DATE)
    assert error.returncode == 1
    assert "[NIK_DATE]" in out
    assert "310299" in out
    assert "Laki-laki" in out


@pytest.mark.django_db
def test_an_invalid_nik_in_json_mode_prints_only_the_json():
    out, error = run_failing(WOMAN_1990, "--json", "--sex", "L")
    assert error.returncode == 1
    result = json.loads(out)
    assert result["valid"] is False
    assert [f["code"] for f in result["findings"]] == ["NIK_SEX_MISMATCH"]
    assert set(result["findings"][0]) >= {"code", "severity", "message"}


@pytest.mark.django_db
def test_a_mismatched_birth_date_is_reported():
    out, error = run_failing(WOMAN_1990, "--birth-date", "1990-11-23")
    assert error.returncode == 1
    assert "[NIK_DOB_MISMATCH]" in out


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["22-11-1990", "1990-02-30", "kemarin", "19901122"])
def test_it_rejects_a_bad_birth_date_option(value):
    out, error = run_failing(WOMAN_1990, "--birth-date", value)
    assert error.returncode == 2
    assert "YYYY-MM-DD" in str(error)
    assert out == ""


@pytest.mark.django_db
def test_it_rejects_a_bad_sex_option():
    _out, error = run_failing(WOMAN_1990, "--sex", "W")
    assert error.returncode == 2
    assert "L (laki-laki) atau P (perempuan)" in str(error)


def lindung_script() -> str:
    beside_python = Path(sys.executable).parent / "lindung"
    return str(beside_python) if beside_python.exists() else "lindung"


@pytest.mark.parametrize(("nik", "code", "valid"), [(WOMAN_1990, 0, True), (BAD_DATE, 1, False)])
def test_the_console_script_exits_with_the_verdict(tmp_path, nik, code, valid):
    # A database that was never migrated: reading a NIK must not need one.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "LINDUNG_VAR": str(tmp_path),
    }
    done = subprocess.run(
        [lindung_script(), "nik", nik, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == code, done.stderr
    result = json.loads(done.stdout)
    assert result["valid"] is valid
    assert result["region_code"] == "17.05.01"

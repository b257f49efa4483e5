from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.programs.tests.conftest import Setup


def _budget(*args: str) -> str:
    out = StringIO()
    call_command("budget", *args, stdout=out)
    return out.getvalue().strip()


def _json(*args: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(_budget(*args, "--json"))
    return result


def test_seluma_first_stage_costs_101808000() -> None:
    result = _json("plan", "--participants", "2020", "--months", "3", "--rate", "16800")
    assert (result["total"], result["remainder"], result["monthly_rate"]) == (
        101_808_000,
        0,
        16_800,
    )
    assert _budget("plan", "--participants", "2020", "--months", "3") == (
        "2.020 peserta selama 3 bulan membutuhkan Rp101.808.000."
    )


def test_samosir_2026_with_and_without_other_costs() -> None:
    assert _json("plan", "--participants", "1815", "--months", "12")["total"] == 365_904_000
    with_costs = _json(
        "plan", "--participants", "1815", "--months", "12", "--other-costs", "Rp30.000.000"
    )
    assert with_costs["total"] == 395_904_000


@pytest.mark.parametrize("amount", ["480000000", "480.000.000", "Rp480.000.000"])
def test_480_million_for_5400_participants_lasts_5_months(amount: str) -> None:
    result = _json("plan", "--participants", "5400", "--amount", amount)
    assert (result["months"], result["remainder"]) == (5, 26_400_000)
    assert _budget("plan", "--participants", "5400", "--amount", amount) == (
        "Rp480.000.000 cukup untuk 5.400 peserta selama 5 bulan; sisa Rp26.400.000."
    )


def test_480_million_for_12_months_covers_2380_participants() -> None:
    result = _json("plan", "--months", "12", "--amount", "480.000.000")
    assert result["participants"] == 2_380
    assert result["remainder"] == 480_000_000 - 2_380 * 12 * 16_800 == 192_000


def test_samosir_next_year_from_the_target() -> None:
    result = _json("next-year", "--continuing", "1495", "--new", "320")
    assert (result["participants"], result["total"]) == (1_815, 365_904_000)
    costs = _json("next-year", "--continuing", "1495", "--new", "320", "--other-costs", "30000000")
    assert costs["total"] == 395_904_000


def test_the_rate_can_come_from_a_programme(setup: Setup) -> None:
    result = _json(
        "plan", "--participants", "2020", "--months", "3", "--programme", str(setup.seluma.pk)
    )
    assert (result["monthly_rate"], result["total"]) == (16_800, 101_808_000)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--months", "3"], "Isi tepat dua dari tiga"),
        (["plan", "--months", "3", "--participants", "1", "--amount", "5"], "tepat dua"),
        (["plan", "--months", "tiga", "--amount", "5"], "Jumlah bulan harus bilangan bulat"),
        (["plan", "--months", "3", "--amount", "lima juta"], "bukan jumlah rupiah"),
        (["plan", "--months", "3", "--amount", "-5.000"], "tidak boleh negatif"),
        (["plan", "--months", "0", "--participants", "5"], "Jumlah bulan harus lebih dari 0."),
        (["plan", "--months", "3", "--participants", "5", "--programme", "999"], "tidak ada"),
    ],
)
def test_bad_input_gets_an_indonesian_sentence_and_exit_code_2(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as error:
        _budget(*args)
    assert message in str(error.value)
    assert error.value.returncode == 2

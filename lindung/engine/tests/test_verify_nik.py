"""The NIK checks in SQL give what `lindung.people.nik.parse_nik` gives, NIK by NIK."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pytest

from lindung.engine.verify import Rules, render, verify
from lindung.engine.verify.codes import NIK_CODES
from lindung.people.nik import compose_nik, parse_nik

REFERENCE = date(2025, 12, 31)
RULES = Rules(region_code="17.05", reference_date=REFERENCE)
_FIELDS: list[pa.Field[Any]] = [
    pa.field("proposal_id", pa.int64()),
    pa.field("nik", pa.string()),
    pa.field("nama", pa.string()),
    pa.field("tanggal_lahir", pa.date32()),
    pa.field("jenis_kelamin", pa.string()),
]
SCHEMA = pa.schema(_FIELDS)
_ODD = ["a", "O", "l", "x", "'", ",", "/", "\t", "\xa0", "\u200b", "\ufeff", "é", "😀", "\n"]


def _random_date(rng: random.Random) -> date:
    return date(1890, 1, 1) + timedelta(days=rng.randrange(0, 140 * 365))


def _broken(rng: random.Random, nik: str) -> str:
    """One of the ways a NIK arrives typed, most of them wrong."""
    digits = list(nik)
    choice = rng.randrange(16)
    if choice == 0:  # one digit changed anywhere
        i = rng.randrange(16)
        digits[i] = str(rng.randrange(10))
    elif choice == 1:  # impossible day (00, 32-40, 72+) or month
        digits[6:8] = rng.choice(["00", "32", "40", "72", "99", "35"])
    elif choice == 2:
        digits[8:10] = rng.choice(["00", "13", "19"])
    elif choice == 3:
        digits[12:16] = "0000"
    elif choice == 4:
        digits[0:2] = "00"
    elif choice == 5:
        return "".join(digits[: rng.randrange(10, 20)]) + "7" * rng.randrange(0, 3)
    elif choice == 6:
        i = rng.randrange(1, 16)
        return nik[:i] + rng.choice(_ODD) + nik[i:]
    elif choice == 7:
        return f"{nik[:6]} {nik[6:12]}.{nik[12:]}"
    elif choice == 8:
        return rng.choice(["'", "‘", "`", " ", "\ufeff", "\u200b "]) + nik + rng.choice(["", " "])
    elif choice == 9:
        return rng.choice([f"{nik[0]}.{nik[1:6]}E+15", f"{nik}.0", f"{nik[:15]},00", "1,70501E+15"])
    elif choice == 10:
        return rng.choice(["", "   ", "0" * 16, "-", "NIK", "\t"])
    elif choice == 11:  # a future birth year for a young person
        digits[10:12] = f"{rng.randrange(26, 30):02d}"
    return "".join(digits)


def _cases(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(count):
        born = _random_date(rng)
        sex = rng.choice("LP")
        nik = compose_nik(
            f"17{rng.randrange(1, 10):02d}{rng.randrange(1, 20):02d}",
            born,
            sex,
            rng.randrange(1, 9999),
        )
        typed = nik if rng.random() < 0.3 else _broken(rng, nik)
        stated = rng.choice(
            [
                None,
                born,
                born,
                _random_date(rng),
                born.replace(year=born.year - 100) if born.year > 1900 else born,
            ]
        )
        stated_sex = rng.choice([None, sex, sex, "l", " P ", "X", "L" if sex == "P" else "P"])
        rows.append(
            {
                "proposal_id": i,
                "nik": typed,
                "nama": "A",
                "tanggal_lahir": stated,
                "jenis_kelamin": stated_sex,
            }
        )
    return rows


def _sql_findings(rows: list[dict[str, Any]]) -> dict[int, set[tuple[str, str]]]:
    table = pa.Table.from_pylist(
        rows,
        schema=SCHEMA,
    )
    result = verify(table, rules=RULES)
    found: dict[int, set[tuple[str, str]]] = {int(r["proposal_id"]): set() for r in rows}
    for row in result.findings.to_pylist():
        if row["code"] in NIK_CODES:
            found[row["proposal_id"]].add((row["code"], row["message"]))
    return found


def _python_findings(row: dict[str, Any]) -> set[tuple[str, str]]:
    info = parse_nik(
        row["nik"],
        reference_date=REFERENCE,
        birth_date=row["tanggal_lahir"],
        sex=row["jenis_kelamin"],
    )
    return {(f.code, f.message) for f in info.findings if f.code in NIK_CODES}


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_nik_checks_agree_with_parse_nik_on_generated_niks(seed):
    rows = _cases(2500, seed)
    sql = _sql_findings(rows)
    differences = [
        (row["nik"], row["tanggal_lahir"], row["jenis_kelamin"], sql[row["proposal_id"]], expected)
        for row in rows
        if sql[row["proposal_id"]] != (expected := _python_findings(row))
    ]
    assert differences == []
    # The generator must actually exercise every NIK code, or the comparison proves little.
    assert {code for found in sql.values() for code, _ in found} == set(NIK_CODES)


def test_messages_are_rebuilt_from_template_and_params():
    rows = _cases(300, 3)
    table = pa.Table.from_pylist(
        rows,
        schema=SCHEMA,
    )
    findings = verify(table, rules=RULES).findings.to_pylist()
    assert findings
    for row in findings:
        assert render(row["template"], row["params"]) == row["message"]

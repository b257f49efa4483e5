"""The month's bill: whole months, no pro-rating, every member priced or none billed."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from lindung.engine.billing import BillingError, bill_lines, month_bounds

RATES = pa.table(
    {
        "sector": pa.array([None, "agriculture"], pa.string()),
        "funding_source": ["apbd", "apbd"],
        "jkk": pa.array([10_000, 10_000], pa.int64()),
        "jkm": pa.array([6_800, 6_800], pa.int64()),
        "jht": pa.array([0, 0], pa.int64()),
    }
)


def members(
    rows: list[tuple[int, date | None, date | None]], sector: str | None = None
) -> pa.Table:
    return pa.table(
        {
            "membership_id": pa.array([r[0] for r in rows], pa.int64()),
            "village": pa.array(["17.05.01.2002"] * len(rows)),
            "coverage_start": pa.array([r[1] for r in rows], pa.date32()),
            "ended_on": pa.array([r[2] for r in rows], pa.date32()),
            "sector": pa.array([sector] * len(rows), pa.string()),
            "funding_source": pa.array(["apbd"] * len(rows)),
        }
    )


def test_seluma_first_stage_costs_rp101_808_000() -> None:
    seluma = members([(i, date(2025, 10, 1), None) for i in range(2_020)])
    total = 0
    for month in (date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)):
        lines = bill_lines(seluma, RATES, month)
        assert lines.num_rows == 2_020
        total += pc.sum(lines["total"]).as_py()
    assert total == 2_020 * 16_800 * 3 == 101_808_000


def test_whole_months_from_the_first_covered_day_to_the_last() -> None:
    table = members(
        [
            (1, date(2025, 10, 1), None),  # active
            (2, date(2025, 10, 1), date(2026, 1, 5)),  # died 5 January: January billed
            (3, date(2025, 10, 1), date(2026, 1, 1)),  # ended on the 1st: January not
            (4, date(2026, 1, 31), None),  # starts on the month's last day: billed
            (5, date(2026, 2, 1), None),  # starts next month
            (6, None, None),  # never registered with BPJS
        ]
    )
    billed = bill_lines(table, RATES, date(2026, 1, 15))["membership_id"].to_pylist()
    assert billed == [1, 2, 4]


def test_the_sector_rate_applies_and_an_unpriced_member_stops_the_bill() -> None:
    farmers = members([(1, date(2025, 10, 1), None)], sector="agriculture")
    assert bill_lines(farmers, RATES, date(2025, 10, 1))["total"].to_pylist() == [16_800]
    fishers = members([(1, date(2025, 10, 1), None)], sector="fisheries")
    with pytest.raises(BillingError, match="1 peserta tidak punya tarif"):
        bill_lines(fishers, RATES, date(2025, 10, 1))
    with pytest.raises(BillingError, match="kolom sector"):
        bill_lines(farmers.drop_columns(["sector"]), RATES, date(2025, 10, 1))


def test_month_bounds_know_february() -> None:
    assert month_bounds(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))

"""The month's bill: whole months, no pro-rating, every member priced or none billed."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from lindung.engine.billing import (
    BillingError,
    adjustment_lines,
    bill_lines,
    month_bounds,
    months_lines,
)

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


OCT, NOV, DEC = date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)


def month_rates(*months: date) -> pa.Table:
    per_month = [RATES.append_column("month", pa.array([m] * RATES.num_rows)) for m in months]
    return pa.concat_tables(per_month)


def billed(rows: list[tuple[int, date, int, int]]) -> pa.Table:
    """(membership, month, jkk, jkm) lines already approved."""
    return pa.table(
        {
            "membership_id": pa.array([r[0] for r in rows], pa.int64()),
            "village": pa.array(["17.05.01.2002"] * len(rows)),
            "month": pa.array([r[1] for r in rows], pa.date32()),
            "jkk": pa.array([r[2] for r in rows], pa.int64()),
            "jkm": pa.array([r[3] for r in rows], pa.int64()),
            "jht": pa.array([0] * len(rows), pa.int64()),
        }
    )


def test_months_lines_equal_bill_lines_month_by_month() -> None:
    table = members([(1, OCT, None), (2, OCT, date(2025, 11, 20)), (3, NOV, None), (4, None, None)])
    together = months_lines(table, month_rates(OCT, NOV, DEC))
    for month in (OCT, NOV, DEC):
        alone = bill_lines(table, RATES, month)
        mine = together.filter(pc.equal(together["month"], pa.scalar(month, pa.date32())))
        assert mine["membership_id"].to_pylist() == alone["membership_id"].to_pylist()
        assert mine["total"].to_pylist() == alone["total"].to_pylist()
    assert together.num_rows == 2 + 3 + 2  # Oct: 1, 2; Nov: 1, 2, 3; Dec: 1, 3


def test_months_lines_stop_on_a_month_without_rates() -> None:
    rates = month_rates(OCT).filter(pc.is_null(RATES["sector"]))
    farmers = members([(1, OCT, None)], sector="agriculture")
    with pytest.raises(BillingError, match=r"1 baris peserta tidak punya tarif .* 10/2025"):
        months_lines(farmers, rates)


def test_a_member_ended_retroactively_gets_a_negative_line_per_month_billed() -> None:
    # Billed for October and November; then found to have died on 15 October.
    now = members([(1, OCT, date(2025, 10, 15)), (2, OCT, None)])
    expected = months_lines(now, month_rates(OCT, NOV))
    done = billed([(1, OCT, 10_000, 6_800), (1, NOV, 10_000, 6_800), (2, OCT, 10_000, 6_800)])
    done = pa.concat_tables([done, billed([(2, NOV, 10_000, 6_800)])])
    lines = adjustment_lines(expected, done)
    assert lines.to_pylist() == [
        {
            "membership_id": 1,
            "village": "17.05.01.2002",
            "month": NOV,
            "jkk": -10_000,
            "jkm": -6_800,
            "jht": 0,
            "total": -16_800,
        }
    ]


def test_a_member_registered_retroactively_gets_a_positive_line() -> None:
    now = members([(1, OCT, None), (2, NOV, None)])  # member 2 registered late, from Nov
    expected = months_lines(now, month_rates(OCT, NOV))
    done = billed([(1, OCT, 10_000, 6_800), (1, NOV, 10_000, 6_800)])
    lines = adjustment_lines(expected, done)
    assert [(r["membership_id"], r["month"], r["total"]) for r in lines.to_pylist()] == [
        (2, NOV, 16_800)
    ]


def test_an_earlier_correction_counts_as_billed_and_is_not_repeated() -> None:
    # November was billed, then corrected by -16.800 in December's approved bill.
    now = members([(1, OCT, NOV)])
    expected = months_lines(now, month_rates(OCT, NOV))
    done = billed([(1, OCT, 10_000, 6_800), (1, NOV, 10_000, 6_800), (1, NOV, -10_000, -6_800)])
    assert adjustment_lines(expected, done).num_rows == 0


def test_a_rate_change_is_corrected_per_benefit() -> None:
    now = members([(1, OCT, None)])
    expected = months_lines(now, month_rates(OCT))
    lines = adjustment_lines(expected, billed([(1, OCT, 10_000, 6_000)]))
    assert [(r["jkk"], r["jkm"], r["total"]) for r in lines.to_pylist()] == [(0, 800, 800)]

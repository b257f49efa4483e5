"""The billing engine alone: one month's lines for 1,000,000 active members.

Run: .venv/bin/python bench/bench_billing.py
In-process, no database: `engine.billing.bill_lines` over Arrow tables (members spread over
83,762 villages, seven sectors plus unknown, one funding source). The issue's target (a
month for 1,000,000 members on PostgreSQL under 15 s) also counts reading the members from
and writing the bill to the database; that end-to-end benchmark comes with the bill models.
Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import time
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lindung.engine.billing import bill_lines

SECTORS = [None, "transport", "agriculture", "fisheries", "trade", "services", "religious_social"]


def main() -> None:
    rng = np.random.default_rng(1)
    n = 1_000_000
    start = np.datetime64("2025-01-01") + rng.integers(0, 300, n)
    ended = np.where(
        rng.random(n) < 0.05,
        np.datetime64("2025-11-01") + rng.integers(0, 60, n),
        np.datetime64("NaT"),
    )
    members = pa.table(
        {
            "membership_id": pa.array(np.arange(n, dtype=np.int64)),
            "village": pa.array([f"V{x:05d}" for x in rng.integers(0, 83_762, n)]),
            "coverage_start": pa.array(start.astype("datetime64[D]")),
            "ended_on": pa.array(ended.astype("datetime64[D]")),
            "sector": pa.array([SECTORS[i] for i in rng.integers(0, len(SECTORS), n)], pa.string()),
            "funding_source": pa.array(["apbd"] * n),
        }
    )
    rates = pa.table(
        {
            "sector": pa.array(SECTORS, pa.string()),
            "funding_source": ["apbd"] * len(SECTORS),
            "jkk": pa.array([10_000] * len(SECTORS), pa.int64()),
            "jkm": pa.array([6_800] * len(SECTORS), pa.int64()),
            "jht": pa.array([0] * len(SECTORS), pa.int64()),
        }
    )
    started = time.perf_counter()
    lines = bill_lines(members, rates, date(2025, 12, 1))
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "bench": "billing_engine",
                "cpus": os.cpu_count(),
                "members": n,
                "lines": lines.num_rows,
                "total": pc.sum(lines["total"]).as_py(),
                "seconds": round(seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    main()

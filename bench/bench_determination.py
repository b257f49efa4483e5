"""Determination: the ranking engine alone, and a whole period end to end on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_determination.py [--eligible N]
1. Engine: `engine.ranking.rank` on 1,000,000 eligible proposals spread over 83,762 quota
   areas (every village of Indonesia), 10 places each, a budget for 500,000 (in-process).
2. End to end (when DATABASE_URL is PostgreSQL): a scratch database `lindung_bench_determine`
   with Kabupaten Bandung's areas, a programme (10 per village, desil then age) and N eligible
   proposals (default 100,000; set up by bulk insert, not measured) and a welfare snapshot
   with their desil; then `determination_preview` and `determination_commit` are timed.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pg_scratch
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
LINDUNG = str(ROOT / ".venv" / "bin" / "lindung")
DATABASE = "lindung_bench_determine"
REGENCY = "32.04"  # Kabupaten Bandung


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--eligible", type=int, default=100_000)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_end_to_end(args.eligible)))
        return
    result: dict[str, Any] = {"bench": "determination", "cpus": os.cpu_count()}
    result["engine"] = _engine()
    server = pg_scratch.server_url()
    if server is not None:
        result["postgresql"] = pg_scratch.measure_in_scratch(
            server=server,
            script=__file__,
            database=DATABASE,
            regency=REGENCY,
            child_args=["--eligible", str(args.eligible)],
        )
    print(json.dumps(result))


def _engine() -> dict[str, Any]:
    from lindung.engine.ranking import rank

    rng = np.random.default_rng(1)
    n, areas = 1_000_000, 83_762
    area = rng.integers(0, areas, n)
    candidates = pa.table(
        {
            "proposal_id": pa.array(np.arange(n, dtype=np.int64)),
            "nik": pa.array([f"{x:016d}" for x in rng.integers(10**15, 10**16, n)]),
            "quota_area": pa.array([f"A{x:05d}" for x in area]),
            "desil": pa.array(rng.integers(1, 11, n).astype(np.int16)),
            "birth_date": pa.array(
                (np.datetime64("1960-01-01") + rng.integers(0, 15_000, n)).astype("datetime64[D]")
            ),
            "created_at": pa.array(
                np.datetime64("2026-11-01T00:00:00")
                + rng.integers(0, 10**6, n).astype("timedelta64[s]")
            ),
        }
    )
    started = time.perf_counter()
    result = rank(
        candidates,
        priority=["lowest_desil", "oldest", "earliest_proposal"],
        quota=10,
        capacity=500_000,
    )
    seconds = time.perf_counter() - started
    selected = int(pa.compute.sum(result["selected"]).as_py())
    return {"candidates": n, "areas": areas, "selected": selected, "seconds": round(seconds, 3)}


def _end_to_end(eligible: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from lindung.membership.determination import determination_commit, determination_preview
    from lindung.membership.models import Membership, WaitingEntry

    period, start = _setup(eligible)
    started = time.perf_counter()
    plan = determination_preview(period=period, months=12, coverage_start=start)
    preview = time.perf_counter() - started
    started = time.perf_counter()
    determination_commit(actor=None, period=period, months=12, coverage_start=start)
    commit = time.perf_counter() - started
    return {
        "eligible": eligible,
        "villages": len(plan.areas),
        "determined": Membership.objects.count(),
        "waiting_list": WaitingEntry.objects.count(),
        "preview_seconds": round(preview, 2),
        "commit_seconds": round(commit, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _setup(eligible: int) -> tuple[Any, date]:
    from lindung.programs.models import Priority, QuotaKind
    from lindung.programs.services import period_create, programme_create
    from lindung.proposals.models import Batch, Proposal, ProposalStatus
    from lindung.references.models import ReferenceKind, ReferenceRecord, Snapshot
    from lindung.regions.models import Region

    programme = programme_create(
        actor=None,
        owner_code=REGENCY,
        name="Bench",
        legal_type="perbup",
        legal_number="1",
        legal_year=2026,
        quota_kind=QuotaKind.VILLAGE,
        quota_size=10,
        priority=[Priority.LOWEST_DESIL, Priority.OLDEST],
    )
    today = date.today()
    period = period_create(
        actor=None,
        programme=programme,
        name="Bench",
        opens_on=today - timedelta(days=30),
        closes_on=today,
        proposal_limit=1_000,
    )
    villages = list(Region.objects.within(REGENCY).filter(level=4).values_list("code", flat=True))
    rng = np.random.default_rng(2)
    batch = Batch.objects.create(
        programme=programme,
        period=period,
        area_id=REGENCY,
        source="command",
        row_count=eligible,
        accepted_count=eligible,
        rejected_count=0,
        duplicate_count=0,
    )
    now = datetime.now(UTC)
    proposals = []
    for i in range(eligible):
        village = villages[i % len(villages)]
        born = date(1960, 1, 1) + timedelta(days=int(rng.integers(0, 15_000)))
        proposals.append(
            Proposal(
                programme=programme,
                period=period,
                village_id=village,
                batch=batch,
                nik=village[:8].replace(".", "") + f"{i:010d}",  # unique, 16 digits
                name=f"Pekerja {i}",
                birth_date=born,
                sex="L",
                status=ProposalStatus.ELIGIBLE,
                created_at=now - timedelta(seconds=i),
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=5_000)
    snapshot = Snapshot.objects.create(
        kind=ReferenceKind.WELFARE,
        source="DTSEN",
        extracted_on=today,
        area_id=REGENCY,
        file_name="bench.csv",
        file_sha256="0" * 64,
        row_count=eligible,
        accepted_count=eligible,
        rejected_count=0,
    )
    desils = rng.integers(1, 11, eligible)
    ReferenceRecord.objects.bulk_create(
        (
            ReferenceRecord(snapshot=snapshot, row_number=i, nik=p.nik, desil=int(d))
            for i, (p, d) in enumerate(zip(proposals, desils, strict=True), start=1)
        ),
        batch_size=5_000,
    )
    return period, date(today.year + today.month // 12, today.month % 12 + 1, 1)


if __name__ == "__main__":
    main()

"""Verification speed and peak memory: the engine part (`lindung.engine.verify.verify`).

Run: .venv/bin/python bench/bench_verify.py            (100,000 proposals vs 1,000,000 people,
                                                        50,000 BPJS, 10,000 excluded, 5,000
                                                        deaths, 5,000 in another programme)
     .venv/bin/python bench/bench_verify.py --large    (1,000,000 vs 5,000,000, lists x5)
The data comes from `lindung.synth` and `engine.verify.scenario`, generated once into
bench/out/verify_{standard,large}/ as Parquet (the large one reuses the population and list
of bench_linkage.py --large). The measurement runs in its own process (peak RSS is per
process): it reads the Parquet files into Arrow, then runs `verify` with DuckDB limited to 2
threads, spilling to bench/out/tmp. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
THREADS = 2
MEMORY_LIMIT = {"standard": "3GB", "large": "5GB"}
REFERENCE_DATE = date(2025, 12, 31)
TABLES = (
    "proposals",
    "welfare",
    "bpjs",
    "exclusions",
    "deaths",
    "other_programmes",
    "members",
    "other_proposals",
)
# Other people in each list besides the injected ones, so the lists reach the target size.
FILLER = {
    "standard": {"bpjs": 47_000, "exclusion": 9_000, "death": 4_000, "programme": 4_000},
    "large": {"bpjs": 235_000, "exclusion": 45_000, "death": 20_000, "programme": 20_000},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(Path(args.child))))
        return
    size = "large" if args.large else "standard"
    data = _ensure_data(size)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(data)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    print(json.dumps({"bench": "verify", "size": size, "machine": _machine(), **result}))


def _ensure_data(size: str) -> Path:
    folder = OUT / f"verify_{size}"
    if (folder / "expected.parquet").exists():
        return folder
    import pyarrow.parquet as pq

    from lindung.engine.verify.scenario import build_scenario

    folder.mkdir(parents=True, exist_ok=True)
    if size == "large":
        source = OUT / "linkage_large"
        if not (source / "village_list.parquet").exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "bench_linkage.py"), "--large"])
        population = pq.read_table(source / "people.parquet")
        village_list = pq.read_table(source / "village_list.parquet")
        truth = pq.read_table(source / "village_list_truth.parquet")
    else:
        from lindung.synth.corruptions import CorruptionRates
        from lindung.synth.population import generate_population
        from lindung.synth.village_list import make_village_list

        population = generate_population("32.04", 1_000_000, 7)
        # At a million people the generator cannot draw newcomers (their NIKs collide);
        # the scenario takes listed people out of the registry instead.
        rates = CorruptionRates(new_person=0.0)
        village_list, truth = make_village_list(population, 100_000, 8, rates)
    scenario = build_scenario(population, village_list, truth, seed=9, filler=FILLER[size])
    for name in (*TABLES, "expected"):
        pq.write_table(getattr(scenario, name), folder / f"{name}.parquet")
    return folder


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _measure(data: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from lindung.engine.linkage.link import connect
    from lindung.engine.verify import Rules, verify
    from lindung.engine.verify.scenario import ELIGIBLE_OCCUPATION_IDS

    started = time.perf_counter()
    tables = {name: pq.read_table(data / f"{name}.parquet") for name in TABLES}
    read = time.perf_counter() - started
    spill = OUT / "tmp"
    spill.mkdir(parents=True, exist_ok=True)
    size = data.name.removeprefix("verify_")
    con = connect(threads=THREADS, memory_limit=MEMORY_LIMIT[size], temp_directory=str(spill))
    rules = Rules(
        region_code="32.04",
        reference_date=REFERENCE_DATE,
        min_age=18,
        max_age=65,
        requires_registry=True,
        max_desil=5,
        eligible_occupation_ids=ELIGIBLE_OCCUPATION_IDS,
    )
    engine_started = time.perf_counter()
    result = verify(tables.pop("proposals"), rules=rules, con=con, **tables)
    engine = time.perf_counter() - engine_started
    return {
        "rows": {name: table.num_rows for name, table in tables.items()},
        "engine_seconds": round(engine, 2),
        "read_seconds": round(read, 2),
        "steps": result.seconds,
        "counts": result.counts,
        "peak_rss_mb": _peak_rss_mb(),
        "quality": _quality(result.findings, pq.read_table(data / "expected.parquet")),
    }


def _quality(findings: Any, expected: Any) -> dict[str, Any]:
    """Share of injected problems found, and clean proposals with a reject finding."""
    import duckdb

    con = duckdb.connect()
    con.register("findings", findings)
    con.register("expected", expected)
    found = con.execute(
        """SELECT e.injected, count(*) AS injected,
                  count(*) FILTER (WHERE EXISTS (
                      SELECT 1 FROM findings f
                      WHERE f.proposal_id = e.proposal_id AND f.code = e.injected)) AS found
           FROM expected e WHERE e.injected IS NOT NULL GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    clean = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM findings f WHERE f.proposal_id = e.proposal_id
                  AND f.code IN ('BPJS_ACTIVE', 'EXCLUDED', 'DECEASED', 'OTHER_PROGRAMME',
                                 'ALREADY_MEMBER', 'DOMICILE_OUTSIDE')))
           FROM expected e WHERE e.injected IS NULL AND e.corruptions = ''"""
    ).fetchone()
    return {
        "injected_found": {code: f"{hit}/{total}" for code, total, hit in found},
        "clean_rows_with_reference_reject": f"{clean[1]}/{clean[0]}" if clean else None,
    }


def _machine() -> dict[str, Any]:
    import os
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version()}


if __name__ == "__main__":
    main()

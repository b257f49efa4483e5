"""Linkage speed and peak memory, against the bare DuckDB exact-NIK join of the same files.

Run: .venv/bin/python bench/bench_linkage.py            (10,000 list rows vs 200,000 people)
     .venv/bin/python bench/bench_linkage.py --large    (1,000,000 vs 5,000,000; the data is
                                                         generated once into bench/out/)
Each measurement runs in its own process (peak RSS is per process); the link step reads the
Parquet files `lindung synth` would write and keeps DuckDB to 2 threads and a memory limit,
spilling to bench/out/tmp. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
SIZES = {"small": (200_000, 10_000), "large": (5_000_000, 1_000_000)}
THREADS = 2
MEMORY_LIMIT = "5GB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--child", choices=("link", "exact"))
    parser.add_argument("--data")
    args = parser.parse_args()
    if args.child:
        measure = _link if args.child == "link" else _exact
        print(json.dumps(measure(Path(args.data))))
        return
    size = "large" if args.large else "small"
    data = _ensure_data(size)
    results: dict[str, Any] = {
        "bench": "linkage_speed",
        "size": size,
        "machine": _machine(),
        "exact_join": _in_child("exact", data),
        "link": _in_child("link", data),
    }
    results["ratio_link_to_exact_join"] = round(
        results["link"]["wall_seconds"] / results["exact_join"]["wall_seconds"], 1
    )
    print(json.dumps(results))


def _ensure_data(size: str) -> Path:
    people, list_size = SIZES[size]
    folder = OUT / f"linkage_{size}"
    if (folder / "village_list.parquet").exists():
        return folder
    import pyarrow.parquet as pq

    from lindung.synth.corruptions import CorruptionRates
    from lindung.synth.population import generate_population
    from lindung.synth.village_list import make_village_list

    folder.mkdir(parents=True, exist_ok=True)
    population = generate_population("32.04", people, 7)
    pq.write_table(population, folder / "people.parquet")
    # At this size the synthetic generator cannot find people outside the population (their
    # NIKs collide with it), so the large list has no newcomers; quality is measured apart.
    rates = CorruptionRates(new_person=0.0) if size == "large" else None
    village_list, truth = make_village_list(population, list_size, 8, rates)
    pq.write_table(truth, folder / "village_list_truth.parquet")
    pq.write_table(village_list, folder / "village_list.parquet")
    return folder


def _in_child(kind: str, data: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--data", str(data)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _link(data: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from lindung.engine.linkage.link import connect, link

    started = time.perf_counter()
    left = pq.read_table(data / "village_list.parquet")
    right = pq.read_table(data / "people.parquet")
    read = time.perf_counter() - started
    spill = OUT / "tmp"
    spill.mkdir(parents=True, exist_ok=True)
    con = connect(threads=THREADS, memory_limit=MEMORY_LIMIT, temp_directory=str(spill))
    result = link(left, right, con=con)
    wall = time.perf_counter() - started
    return {
        "wall_seconds": round(wall, 2),
        "read_seconds": round(read, 2),
        "steps": result.seconds,
        "counts": result.counts,
        "peak_rss_mb": _peak_rss_mb(),
        "quality": _quality(result.best, pq.read_table(data / "village_list_truth.parquet")),
    }


def _quality(best: Any, truth: Any) -> dict[str, float]:
    """Precision and recall of `match` decisions against the synthetic truth."""
    import duckdb

    con = duckdb.connect()
    con.register("best", best)
    con.register("truth", truth)
    row = con.execute(
        """SELECT count(*) FILTER (WHERE decision = 'match' AND right_id = person_id),
                  count(*) FILTER (WHERE decision = 'match'),
                  count(*) FILTER (WHERE person_id IS NOT NULL)
           FROM best JOIN truth ON left_id = list_id"""
    ).fetchone()
    correct, matched, findable = row if row else (0, 0, 0)
    return {
        "precision": round(correct / max(matched, 1), 5),
        "recall": round(correct / max(findable, 1), 5),
    }


def _exact(data: Path) -> dict[str, Any]:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}; SET memory_limit = '{MEMORY_LIMIT}'")
    left, right = data / "village_list.parquet", data / "people.parquet"
    con.execute(
        """CREATE TABLE pairs AS
           SELECT l.id AS left_id, r.id AS right_id
           FROM read_parquet(?) l JOIN read_parquet(?) r ON l.nik = r.nik""",
        [str(left), str(right)],
    )
    row = con.execute("SELECT count(*) FROM pairs").fetchone()
    return {
        "wall_seconds": round(time.perf_counter() - started, 3),
        "pairs": row[0] if row else 0,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _machine() -> dict[str, Any]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
    }


if __name__ == "__main__":
    main()

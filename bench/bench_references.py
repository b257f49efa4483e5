"""Reference import speed: `lindung references import` of a welfare extract into PostgreSQL.

Run: .venv/bin/python bench/bench_references.py [--rows 1000000] [--xlsx-rows 100000]
     [--server postgres://postgres@127.0.0.1:5432]
The welfare extract is the synthetic population of Seluma (17.05) restricted to people with a
desil, written as CSV (`--rows`) and as XLSX (`--xlsx-rows`) into bench/out/references/ once.
A scratch database `lindung_bench_references` is created afresh on the server, migrated and
loaded with Seluma's areas; each import then runs as the real command in its own process
(wall time includes Python and Django start-up; peak RSS is that process's). Prints one JSON
line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "references"
DATABASE = "lindung_bench_references"
LINDUNG = str(ROOT / ".venv" / "bin" / "lindung")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    if args.generate_only:
        _ensure_data(args.rows, args.xlsx_rows)
        return
    # Generated in a child: a process forked from a big parent reports the parent's peak RSS.
    generate = [sys.executable, __file__, "--generate-only", "--rows", str(args.rows)]
    subprocess.run([*generate, "--xlsx-rows", str(args.xlsx_rows)], check=True, cwd=ROOT)
    csv_file = OUT / f"welfare_{args.rows}.csv"
    xlsx_file = OUT / f"welfare_{args.xlsx_rows}.xlsx"
    env = {**os.environ, "DATABASE_URL": f"{args.server}/{DATABASE}"}
    _fresh_database(args.server, env)
    results: dict[str, Any] = {"bench": "references_import", "machine": _machine()}
    results["csv"] = _import(csv_file, env)
    results["xlsx"] = _import(xlsx_file, env)
    results["csv_again"] = _import(csv_file, env)  # the same file: found, nothing written
    print(json.dumps(results))


def _ensure_data(rows: int, xlsx_rows: int) -> None:
    csv_file = OUT / f"welfare_{rows}.csv"
    xlsx_file = OUT / f"welfare_{xlsx_rows}.xlsx"
    if csv_file.exists() and xlsx_file.exists():
        return
    import pyarrow.compute as pc

    from lindung.synth import generate_population
    from lindung.synth.writers import write_table

    OUT.mkdir(parents=True, exist_ok=True)
    # About four in five synthetic residents have a desil; generate enough for `rows`.
    population = generate_population("17.05", int(max(rows, xlsx_rows) * 1.3), 21)
    registry = population.filter(pc.is_valid(population["desil"]))
    write_table(registry.slice(0, rows), csv_file, "csv")
    # A different slice, so the XLSX is not the CSV's file under another name.
    write_table(registry.slice(registry.num_rows - xlsx_rows), xlsx_file, "xlsx")


def _fresh_database(server: str, env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        con.execute(f"CREATE DATABASE {DATABASE}")
    subprocess.run([LINDUNG, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    load = "from lindung.regions.services import regions_load; regions_load(only='17.05')"
    subprocess.run([LINDUNG, "shell", "-c", load], env=env, check=True, cwd=ROOT)


def _import(path: Path, env: dict[str, str]) -> dict[str, Any]:
    command = [LINDUNG, "references", "import", "--kind", "welfare", str(path)]
    command += ["--area", "17.05", "--source", "DTSEN", "--json"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    assert child.stdout is not None
    output = child.stdout.read()
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {output}")
    result: dict[str, Any] = json.loads(output.splitlines()[-1])
    return {
        "file": path.name,
        "megabytes": round(path.stat().st_size / 1024 / 1024, 1),
        "wall_seconds": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        **result,
    }


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version()}


if __name__ == "__main__":
    main()

"""A scratch PostgreSQL database for one benchmark, and the measured run in a child process.

`DATABASE_URL` names the server (its database part is ignored); the scratch database is
dropped and made again, migrated, and given one regency's areas, then the benchmark script
runs again as `script --child ...` against it so that setup and measurement do not share a
process. The child prints one JSON line as its last output.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LINDUNG = str(ROOT / ".venv" / "bin" / "lindung")


def server_url() -> str | None:
    """The PostgreSQL server of `DATABASE_URL` without its database, or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return url.rsplit("/", 1)[0]


def require_server() -> str:
    server = server_url()
    if server is None:
        raise SystemExit("set DATABASE_URL to a PostgreSQL server (any database name)")
    return server


def measure_in_scratch(
    *, server: str, script: str, database: str, regency: str, child_args: list[str]
) -> dict[str, Any]:
    """Make `database` fresh on `server`, run `script --child *child_args` against it and
    return the JSON it printed last."""
    import psycopg

    env = {**os.environ, "DATABASE_URL": f"{server}/{database}"}
    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {database}")
        con.execute(f"CREATE DATABASE {database}")
    subprocess.run([LINDUNG, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    load = f"from lindung.regions.services import regions_load; regions_load(only='{regency}')"
    subprocess.run(
        [LINDUNG, "shell", "-c", load],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done = subprocess.run(
        [sys.executable, script, "--child", *child_args],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the measured process failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def billing_bench(database: str) -> Any:
    """bench_billing_pg.py as a module whose set-up (Kabupaten Bandung, its members, the
    billed month) writes into `database`, another benchmark's scratch database."""
    path = Path(__file__).resolve().parent / "bench_billing_pg.py"
    spec = importlib.util.spec_from_file_location("bench_billing_pg", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vars(module)["DATABASE"] = database
    return module

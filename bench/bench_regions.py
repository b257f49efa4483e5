"""Load all 91,599 Kemendagri areas into a fresh database through `regions_load`.

Run: .venv/bin/python bench/bench_regions.py
SQLite always (a temporary file); PostgreSQL too when DATABASE_URL is postgres://, in a
throwaway database `<name>_bench_regions` on that server, dropped afterwards. Each database
is measured in its own process so neither run warms the other. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(_measure()))
        return
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = _in_child(f"sqlite:///{tmp}/bench.sqlite3")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        with _fresh_postgres(url) as fresh:
            results["postgresql"] = _in_child(fresh)
    print(json.dumps({"bench": "regions_load", **results}))


def _in_child(url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "lindung.settings"}
    done = subprocess.run(
        [sys.executable, __file__, "--child"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from lindung.regions.services import regions_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    first = regions_load()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = regions_load()
    reload_seconds = time.perf_counter() - started
    return {
        "areas": first.created,
        "seconds": round(load_seconds, 3),
        "reload_seconds": round(reload_seconds, 3),
        "unchanged_on_reload": again.unchanged,
        "counts": first.as_dict(),
    }


@contextmanager
def _fresh_postgres(url: str) -> Iterator[str]:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_regions"
    server = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with server:
        server.execute(drop)
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urlsplit(url)._replace(path=f"/{name}").geturl()
        finally:
            server.execute(drop)


if __name__ == "__main__":
    main()

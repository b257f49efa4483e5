"""Import a 100,000-row XLSX of proposals (a Dinas upload for every village of Seluma).

Run: .venv/bin/python bench/bench_proposals_import.py [--rows N]
SQLite always (a temporary file); PostgreSQL too when DATABASE_URL is postgres://, in a
throwaway database `<name>_bench_proposals`, dropped afterwards. The file is written once
(NIK and KK as text, 2 % of rows with a broken NIK, 1 % repeated); each database is measured
in its own process: migrate, load Seluma's areas, a programme without quota and an open
period, then `batch_import` end to end (read, decide, write) and once more with the same
file (found by its SHA-256, nothing written). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
REGENCY = "17.05"
TARGET_SECONDS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", metavar="XLSX")
    options = parser.parse_args()
    if options.child:
        print(json.dumps(_measure(Path(options.child))))
        return
    results: dict[str, Any] = {"bench": "proposals_import", "rows": options.rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usulan.xlsx"
        started = time.perf_counter()
        _write_file(path, options.rows)
        results["write_xlsx_seconds"] = round(time.perf_counter() - started, 2)
        results["file_mb"] = round(path.stat().st_size / 2**20, 1)
        results["sqlite"] = _in_child(f"sqlite:///{tmp}/bench.sqlite3", path)
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            with _fresh_postgres(url) as fresh:
                results["postgresql"] = _in_child(fresh, path)
    print(json.dumps(results))


def _write_file(path: Path, rows: int) -> None:
    import xlsxwriter

    from lindung.people.nik import compose_nik

    villages = _villages()
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Data")
        text = book.add_format({"num_format": 49})
        header = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "pekerjaan", "kode_wilayah"]
        sheet.write_row(0, 0, header)
        for i in range(rows):
            k = i - 50 if i % 100 == 99 else i  # every 100th row repeats a person
            village = villages[k % len(villages)]
            serial = k + 1
            sex = "L" if serial % 2 else "P"
            born = date(1960, 1, 1) + timedelta(days=serial % 15_000)
            nik = compose_nik(village[:8], born, sex, serial % 9999 + 1)
            if k % 50 == 7:
                nik = nik[:15]  # 2 % typed one digit short
            sheet.write_string(i + 1, 0, nik, text)
            sheet.write_string(i + 1, 1, f"Pekerja Uji {serial}")
            sheet.write_string(i + 1, 2, born.strftime("%d/%m/%Y"))
            sheet.write_string(i + 1, 3, sex)
            sheet.write_string(i + 1, 4, ("Petani", "Nelayan", "Buruh harian lepas")[i % 3])
            sheet.write_string(i + 1, 5, village)


def _villages() -> list[str]:
    import csv
    import gzip

    fixture = ROOT / "lindung" / "regions" / "data" / "regions.csv.gz"
    with gzip.open(fixture, "rt", encoding="utf-8") as rows:
        codes = [row[0] for row in csv.reader(rows)]
    return [c for c in codes if c.startswith(f"{REGENCY}.") and c.count(".") == 3]


def _in_child(url: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "lindung.settings"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _measure(path: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from lindung.programs import services as programme_services
    from lindung.programs.models import LegalType, QuotaKind
    from lindung.proposals.services import batch_import, sender_for
    from lindung.regions.services import regions_load

    call_command("migrate", verbosity=0)
    regions_load(only=REGENCY)
    programme = programme_services.programme_create(
        actor=None,
        owner_code=REGENCY,
        name="Bench",
        legal_type=LegalType.PERBUP,
        legal_number="1",
        legal_year=2025,
        quota_kind=QuotaKind.NONE,
        seed_rates=False,
    )
    today = timezone.localdate()
    programme_services.period_create(
        actor=None,
        programme=programme,
        name="Bench",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
    )
    sender = sender_for(actor=None, programme=programme)
    started = time.perf_counter()
    batch = batch_import(sender=sender, data=path, file_name=path.name).batch
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = batch_import(sender=sender, data=path, file_name=path.name)
    again_seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "target_seconds": TARGET_SECONDS,
        "same_file_again_seconds": round(again_seconds, 3),
        "same_file_again_created": again.created,
        "rows": batch.row_count,
        "accepted": batch.accepted_count,
        "rejected": batch.rejected_count,
        "duplicates": batch.duplicate_count,
        # ru_maxrss is in KiB on Linux: the whole child, Django and the file included.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


@contextmanager
def _fresh_postgres(url: str) -> Iterator[str]:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_proposals"
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

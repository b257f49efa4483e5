"""Verification end to end on PostgreSQL: reference imports, proposal intake, the job.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_verify_end_to_end.py [--large]
The data is bench_verify.py's standard scenario (100,000 proposals; 1,000,000 people in the
welfare registry less the ones injected as unregistered; 50,000 BPJS; 10,000 excluded; 5,000
deaths; 5,000 in another programme), generated once into bench/out/verify_standard/. A
scratch database `lindung_bench_verify` is created afresh on the server, migrated, and given
Kabupaten Bandung's areas, a programme (18-65 years, registry required, desil <= 5) and an open
period. One measured process then imports every extract through `snapshot_import` (CSV),
the proposals through `batch_import` (one multi-village CSV, as a Dinas upload) and runs
`verification_execute`. Prints one JSON line with each step's seconds and the peak RSS.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
LINDUNG = str(ROOT / ".venv" / "bin" / "lindung")
DATABASE = "lindung_bench_verify"
REGENCY = "32.04"
TARGET_SECONDS = 60
PROPOSALS_PER_FILE = 250_000
# Extract -> (kind, source, scenario table).
EXTRACTS = [
    ("welfare", "DTSEN", "welfare"),
    ("bpjs", "BPJS Ketenagakerjaan", "bpjs"),
    ("exclusion", "BKD", "exclusions"),
    ("death", "Dukcapil", "deaths"),
    ("programme", "Program provinsi", "other_programmes"),
]
HEADERS = {
    "nik": "NIK",
    "nama": "Nama",
    "tanggal_lahir": "Tgl Lahir",
    "jenis_kelamin": "JK",
    "kode_wilayah": "Kode Desa",
    "kk": "No KK",
    "desil": "Desil",
    "kpj": "KPJ",
    "segmen": "Segmen",
    "aktif": "Status",
    "kategori": "Kategori",
    "tanggal_kejadian": "Tanggal Kejadian",
    "program": "Program",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument(
        "--large", action="store_true", help="1,000,000 proposals vs 5,000,000 (bench_verify)"
    )
    args = parser.parse_args()
    size = "large" if args.large else "standard"
    if args.child:
        print(json.dumps(_measure()))
        return
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at a PostgreSQL server")
    server = server.rsplit("/", 1)[0]
    from bench_verify import _ensure_data

    _ensure_data(size)
    env = {**os.environ, "DATABASE_URL": f"{server}/{DATABASE}", "BENCH_VERIFY_SIZE": size}
    _fresh_database(server, env)
    done = subprocess.run(
        [sys.executable, __file__, "--child"],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the measured process failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    print(json.dumps({"bench": "verify_end_to_end", "cpus": os.cpu_count(), **result}))


def _fresh_database(server: str, env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        con.execute(f"CREATE DATABASE {DATABASE}")
    subprocess.run([LINDUNG, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    load = f"from lindung.regions.services import regions_load; regions_load(only='{REGENCY}')"
    subprocess.run([LINDUNG, "shell", "-c", load], env=env, check=True, cwd=ROOT)


def _csv(table: Any) -> bytes:
    import pyarrow.csv as pacsv

    out = io.BytesIO()
    pacsv.write_csv(table, out)
    return out.getvalue()


def _extract(table: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = [c for c in HEADERS if c in table.column_names]
    picked = table.select(columns)
    if "aktif" in columns:
        status = pc.if_else(picked["aktif"], pa.scalar("Aktif"), pa.scalar("Tidak aktif"))
        picked = picked.set_column(columns.index("aktif"), "aktif", status)
    return _csv(picked.rename_columns([HEADERS[c] for c in columns]))


def _proposal_file(proposals: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = proposals.num_rows
    table = pa.table(
        {
            "nik": proposals["nik"],
            "nama": proposals["nama"],
            "tanggal_lahir": pc.strftime(proposals["tanggal_lahir"], "%d/%m/%Y"),
            "jenis_kelamin": proposals["jenis_kelamin"],
            "pekerjaan": pa.array(["Petani"] * n),
            "kode_wilayah": proposals["kode_wilayah"],
        }
    )
    return _csv(table)


def _measure() -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    django.setup()
    import pyarrow.parquet as pq

    from lindung.programs import services as programmes
    from lindung.programs.models import FundingSource, LegalType, Occupation, QuotaKind
    from lindung.proposals.services import batch_import, sender_for
    from lindung.references.services import snapshot_import
    from lindung.verification.services import verification_execute, verification_run

    data = ROOT / "bench" / "out" / f"verify_{os.environ.get('BENCH_VERIFY_SIZE', 'standard')}"
    today = date.today()
    programme = programmes.programme_create(
        actor=None,
        owner_code=REGENCY,
        name="Bench",
        legal_type=LegalType.PERBUP,
        legal_number="1",
        legal_year=2025,
        declared_income=1_000_000,
        quota_kind=QuotaKind.NONE,
        funding_source=FundingSource.APBD,
        min_age=18,
        max_age=65,
        requires_registry=True,
        max_desil=5,
        occupations=list(Occupation.objects.filter(name="Petani")),
        seed_rates=False,
    )
    period = programmes.period_create(
        actor=None,
        programme=programme,
        name="Bench",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
    )
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    started = time.perf_counter()
    for kind, source, name in EXTRACTS:
        table = pq.read_table(data / f"{name}.parquet")
        t = time.perf_counter()
        snapshot = snapshot_import(
            actor=None,
            kind=kind,
            source=source,
            extracted_on=today,
            area_code=REGENCY,
            file=_extract(table),
            filename=f"{kind}.csv",
        )
        seconds[f"import_{kind}"] = round(time.perf_counter() - t, 2)
        rows[kind] = snapshot.accepted_count
    t = time.perf_counter()
    sender = sender_for(actor=None, programme=programme, period=period)
    proposals = pq.read_table(data / "proposals.parquet")
    # Uploads stop at 50 MB, so a big list arrives as several files, as an operator sends it.
    batches = [
        batch_import(
            sender=sender,
            data=_proposal_file(proposals.slice(offset, PROPOSALS_PER_FILE)),
            file_name=f"usulan_{offset // PROPOSALS_PER_FILE + 1}.csv",
        ).batch
        for offset in range(0, proposals.num_rows, PROPOSALS_PER_FILE)
    ]
    seconds["import_proposals"] = round(time.perf_counter() - t, 2)
    rows |= {
        "proposal_rows": sum(b.row_count for b in batches),
        "proposals": sum(b.accepted_count for b in batches),
        "proposal_files": len(batches),
    }
    t = time.perf_counter()
    run = verification_run(actor=None, period=period, background=False)
    run = verification_execute(run.pk)
    seconds["verify"] = round(time.perf_counter() - t, 2)
    total = round(time.perf_counter() - started, 2)
    return {
        "rows": rows,
        "seconds": seconds,
        "total_seconds": total,
        "target_seconds": TARGET_SECONDS,
        "run_steps": run.seconds,
        "run_status": run.status,
        "counts": {k: run.counts.get(k) for k in ("proposals", "ok", "warn", "review", "reject")},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    main()

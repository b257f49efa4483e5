"""Reconciling BPJS's invoice: a 1,000,000-line member list against a 1,000,000-line bill.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_reconcile.py [--lines N]
A scratch database `lindung_bench_reconcile` gets Kabupaten Bandung's areas, a programme
with N registered members (default 1,000,000; made with INSERT ... SELECT generate_series,
not measured) and an approved bill of one line each. The invoice CSV is made from the bill
by `invoice_simulator` with deliberate differences (5 KPJs we do not know, 5 members left
out, 5 amounts changed, 5 KPJs twice). Then `invoice_import` is timed end to end: reading
the CSV, reading the bill, comparing in DuckDB, writing the invoice and its differences.
The issue's target: under 30 s for 1,000,000 lines. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import date
from pathlib import Path
from typing import Any

import pg_scratch

ROOT = Path(__file__).resolve().parent.parent
LINDUNG = str(ROOT / ".venv" / "bin" / "lindung")
DATABASE = "lindung_bench_reconcile"
REGENCY = "32.04"  # Kabupaten Bandung
MONTH = date(2025, 10, 1)
RATE = (10_000, 6_800)  # JKK, JKM
DIFFERENCES = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.lines)))
        return
    result = {"bench": "reconcile", "cpus": os.cpu_count()}
    result |= pg_scratch.measure_in_scratch(
        server=pg_scratch.require_server(),
        script=__file__,
        database=DATABASE,
        regency=REGENCY,
        child_args=["--lines", str(args.lines)],
    )
    print(json.dumps(result))


def _measure(lines: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from lindung.contributions.invoice_simulator import CHANGE, invoice_csv, invoice_table
    from lindung.contributions.reconciliation import invoice_import

    started = time.perf_counter()
    bill = _setup(lines)
    setup = time.perf_counter() - started
    table = invoice_table(
        bill,
        extra=DIFFERENCES,
        missing=DIFFERENCES,
        changed=DIFFERENCES,
        duplicated=DIFFERENCES,
    )
    data = invoice_csv(table)
    total = bill.total + DIFFERENCES * (CHANGE + sum(RATE))  # extras and twice minus missing
    started = time.perf_counter()
    invoice = invoice_import(
        actor=None,
        bill=bill,
        number="BENCH/1",
        total=total,
        issued_on=date(2025, 11, 5),
        data=data,
        file_name="tagihan_bpjs.csv",
    )
    seconds = time.perf_counter() - started
    return {
        "bill_lines": lines,
        "file_rows": table.num_rows,
        "file_mb": round(len(data) / 1024 / 1024, 1),
        "counts": invoice.counts,
        "differences": invoice.differences.count(),
        "setup_seconds": round(setup, 1),
        "import_seconds": round(seconds, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _setup(lines: int) -> Any:
    from django.db import connection
    from django.utils import timezone

    from lindung.contributions.models import Bill, BillLine
    from lindung.membership.models import Determination, Membership
    from lindung.programs.models import Priority, QuotaKind
    from lindung.programs.services import period_create, programme_create
    from lindung.proposals.models import Batch, Proposal
    from lindung.regions.models import Region

    programme = programme_create(
        actor=None,
        owner_code=REGENCY,
        name="Bench",
        legal_type="perbup",
        legal_number="1",
        legal_year=2025,
        quota_kind=QuotaKind.VILLAGE,
        quota_size=10_000,
        priority=[Priority.LOWEST_DESIL, Priority.OLDEST],
    )
    period = period_create(
        actor=None,
        programme=programme,
        name="Bench",
        opens_on=date(2025, 8, 1),
        closes_on=date(2025, 8, 31),
        proposal_limit=100_000,
    )
    batch = Batch.objects.create(
        programme=programme,
        period=period,
        area_id=REGENCY,
        source="command",
        row_count=lines,
        accepted_count=lines,
        rejected_count=0,
        duplicate_count=0,
    )
    determination = Determination.objects.create(
        programme=programme,
        period=period,
        months=12,
        coverage_start=MONTH,
        monthly_rate=sum(RATE),
    )
    villages = list(Region.objects.within(REGENCY).filter(level=4).values_list("code", flat=True))
    now = timezone.now()
    q = connection.ops.quote_name
    proposals, members = q(Proposal._meta.db_table), q(Membership._meta.db_table)
    bill = Bill.objects.create(programme=programme, month=MONTH)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {proposals} (programme_id, period_id, village_id, batch_id, nik, kk,
                    name, name_normalized, birth_place, birth_date, sex, address, phone,
                    occupation_text, status, status_changed_at, version, created_at)
                SELECT %s, %s, (%s::text[])[1 + i %% %s], %s, '3' || lpad(i::text, 15, '0'), '',
                       'Pekerja ' || i, '', '', DATE '1970-01-01' + (i %% 15000), 'L', '', '',
                       '', 'eligible', %s, 1, %s
                  FROM generate_series(1, %s) AS i""",  # noqa: S608
            [programme.pk, period.pk, villages, len(villages), batch.pk, now, now, lines],
        )
        cursor.execute(
            f"""INSERT INTO {members} (programme_id, period_id, determination_id, proposal_id,
                    village_id, nik, kk, name, birth_place, birth_date, sex, address, phone,
                    rank, status, status_changed_at, version, kpj, coverage_start,
                    registration_problem, end_reason, end_evidence, end_note, created_at)
                SELECT programme_id, period_id, %s, id, village_id, nik, '', name, '',
                       birth_date, sex, '', '', 1, 'registered', %s, 1,
                       '25' || lpad(id::text, 9, '0'), %s, '', '', '', '', %s
                  FROM {proposals} WHERE period_id = %s""",  # noqa: S608
            [determination.pk, now, MONTH, now, period.pk],
        )
        cursor.execute(
            f"""INSERT INTO {q(BillLine._meta.db_table)} (bill_id, membership_id, village_id,
                    kind, month, jkk, jkm, jht, total)
                SELECT %s, id, village_id, 'regular', %s, %s, %s, 0, %s
                  FROM {members} WHERE programme_id = %s""",  # noqa: S608
            [bill.pk, MONTH, RATE[0], RATE[1], sum(RATE), programme.pk],
        )
        cursor.execute("ANALYZE")
    Bill.objects.filter(pk=bill.pk).update(
        members=lines,
        jkk=lines * RATE[0],
        jkm=lines * RATE[1],
        total=lines * sum(RATE),
        status="approved",
        approved_at=now,
    )
    bill.refresh_from_db()
    return bill


if __name__ == "__main__":
    main()

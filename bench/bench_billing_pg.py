"""A month's bill end to end on PostgreSQL: read the members, price them, write the lines.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_billing_pg.py [--members N]
A scratch database `lindung_bench_billing` with Kabupaten Bandung's areas, a programme at the
national rates and N registered members (default 1,000,000) spread over its villages and
the occupation sectors (set up with INSERT ... SELECT over generate_series, not measured).
Timed, through the services as the page and the command call them:
1. `bill_draft` for September 2026 (no earlier approved month);
2. `bill_approve` of it;
3. after 1% of the members are ended retroactively from 1 September, `bill_draft` for
   October 2026, which also recomputes September and writes the negative corrections.
Prints one JSON line. The issue's target: a month for 1,000,000 members under 15 s.
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
DATABASE = "lindung_bench_billing"
REGENCY = "32.04"  # Kabupaten Bandung
COVERAGE_START = date(2026, 1, 1)
FIRST, SECOND = date(2026, 9, 1), date(2026, 10, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.members)))
        return
    result = {"bench": "billing_postgresql", "cpus": os.cpu_count()}
    result |= pg_scratch.measure_in_scratch(
        server=pg_scratch.require_server(),
        script=__file__,
        database=DATABASE,
        regency=REGENCY,
        child_args=["--members", str(args.members)],
    )
    print(json.dumps(result))


def _measure(members: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.db import connection

    from lindung.contributions.billing import bill_approve, bill_draft
    from lindung.contributions.models import BillLine

    programme = _setup(members)
    started = time.perf_counter()
    first = bill_draft(actor=None, programme=programme, month=FIRST)
    draft_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bill_approve(actor=None, bill=first, version=first.version)
    approve_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:  # 1% found to have died in August
        cursor.execute(
            "UPDATE membership_membership SET status = 'ended', ended_on = %s, "
            "end_reason = 'death' WHERE programme_id = %s AND id %% 100 = 0",
            [FIRST, programme.pk],
        )
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    second = bill_draft(actor=None, programme=programme, month=SECOND)
    corrected_seconds = time.perf_counter() - started
    return {
        "members": members,
        "draft": {
            "month": f"{FIRST:%Y-%m}",
            "lines": first.members,
            "total": first.total,
            "seconds": round(draft_seconds, 2),
        },
        "approve_seconds": round(approve_seconds, 3),
        "draft_with_corrections": {
            "month": f"{SECOND:%Y-%m}",
            "lines": second.members,
            "adjustment_lines": second.adjustment_lines,
            "adjustment_total": second.adjustment_total,
            "total": second.total,
            "seconds": round(corrected_seconds, 2),
        },
        "bill_lines_in_database": BillLine.objects.count(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _setup(members: int) -> Any:
    """Proposals and registered memberships with every NOT NULL column filled, in two
    INSERT ... SELECT statements; the columns are checked against the models."""
    from django.db import connection

    from lindung.membership.models import Determination, Membership
    from lindung.programs.models import Occupation, Priority, QuotaKind
    from lindung.programs.services import period_create, programme_create
    from lindung.proposals.models import Batch, Proposal
    from lindung.regions.models import Region

    programme = programme_create(
        actor=None,
        owner_code=REGENCY,
        name="Bench",
        legal_type="perbup",
        legal_number="1",
        legal_year=2026,
        quota_kind=QuotaKind.VILLAGE,
        quota_size=members,
        priority=[Priority.OLDEST],
    )
    period = period_create(
        actor=None,
        programme=programme,
        name="Bench",
        opens_on=date(2025, 11, 1),
        closes_on=date(2025, 11, 30),
        proposal_limit=members,
    )
    batch = Batch.objects.create(
        programme=programme,
        period=period,
        area_id=REGENCY,
        source="command",
        row_count=members,
        accepted_count=members,
        rejected_count=0,
        duplicate_count=0,
    )
    determination = Determination.objects.create(
        programme=programme,
        period=period,
        months=12,
        coverage_start=COVERAGE_START,
        monthly_rate=16_800,
    )
    villages = list(Region.objects.within(REGENCY).filter(level=4).values_list("code", flat=True))
    occupations = list(Occupation.objects.order_by("pk").values_list("pk", flat=True))
    village_array = "ARRAY[" + ",".join(f"'{v}'" for v in villages) + "]"
    occupation_array = "ARRAY[" + ",".join(str(o) for o in occupations) + "]::bigint[]"
    proposal_columns = {
        "programme_id": str(programme.pk),
        "period_id": str(period.pk),
        "village_id": f"({village_array})[1 + g % {len(villages)}]",
        "batch_id": str(batch.pk),
        "nik": "'3204' || lpad(g::text, 12, '0')",
        "kk": "''",
        "name": "'Pekerja ' || g",
        "name_normalized": "'PEKERJA ' || g",
        "birth_place": "''",
        "birth_date": "DATE '1960-01-01' + (g % 15000)",
        "sex": "CASE WHEN g % 2 = 0 THEN 'L' ELSE 'P' END",
        "address": "''",
        "phone": "''",
        "occupation_id": f"({occupation_array})[1 + g % {len(occupations)}]",
        "occupation_text": "''",
        "status": "'eligible'",
        "status_changed_at": "now()",
        "version": "1",
        "created_by_id": "NULL",
        "created_at": "now()",
    }
    membership_columns = {
        "programme_id": "p.programme_id",
        "period_id": "p.period_id",
        "determination_id": str(determination.pk),
        "proposal_id": "p.id",
        "village_id": "p.village_id",
        "nik": "p.nik",
        "kk": "''",
        "name": "p.name",
        "birth_place": "''",
        "birth_date": "p.birth_date",
        "sex": "p.sex",
        "address": "''",
        "phone": "''",
        "occupation_id": "p.occupation_id",
        "rank": "1",
        "status": "'registered'",
        "status_changed_at": "now()",
        "version": "1",
        "kpj": "'26' || lpad(p.id::text, 9, '0')",
        "coverage_start": f"DATE '{COVERAGE_START.isoformat()}'",
        "registration_export_id": "NULL",
        "registration_problem": "''",
        "ended_on": "NULL",
        "end_reason": "''",
        "end_evidence": "''",
        "end_note": "''",
        "replaces_id": "NULL",
        "created_at": "now()",
    }
    for model, columns in ((Proposal, proposal_columns), (Membership, membership_columns)):
        wanted = {f.column for f in model._meta.concrete_fields} - {"id"}
        if wanted != set(columns):
            raise SystemExit(f"{model.__name__}: columns changed: {sorted(wanted ^ set(columns))}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO proposals_proposal ({', '.join(proposal_columns)}) "  # noqa: S608
            f"SELECT {', '.join(proposal_columns.values())} FROM generate_series(1, {members}) g"
        )
        cursor.execute(
            f"INSERT INTO membership_membership ({', '.join(membership_columns)}) "  # noqa: S608
            f"SELECT {', '.join(membership_columns.values())} FROM proposals_proposal p "
            f"WHERE p.period_id = {period.pk}"
        )
        cursor.execute("ANALYZE")
    return programme


if __name__ == "__main__":
    main()

"""The dashboard and its reports on PostgreSQL at a million members.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_dashboard.py [--members N] [--warm 5]
A scratch database `lindung_bench_dashboard` set up as bench_billing_pg.py does (Kabupaten
Bandung, 280 villages in 31 kecamatan, N members, default 1,000,000) and then made to look
like a programme in its second year (not measured): a quota of 4,000 per village, 5% of
the members not yet registered at BPJS, 1% ended; an approved APBD 2026 line, September
2026 billed through the billing service and paid; 2,000 claims, half of them paid; a second,
open proposal period with 50,000 proposals in every state; one verification event per
proposal and one decree naming every member. Then VACUUM ANALYZE, as autovacuum would.

Timed through Django's test client, as a browser asks (the process warmed by one request
to another page first, so imports and template loading are not counted):
- `/dasbor/` as the regency's programme manager (money figures included) and as a
  kecamatan operator: the first request (`cold`: the member tally is counted) and the
  median and worst of `--warm` more (`warm`: the tally comes from the cache while the
  memberships are unchanged);
- the drill-down to one kecamatan (`?wilayah=`), warm;
- the coverage-by-area XLSX and PDF and the Paritrana profile page, as the manager;
- one member ended through the service (the count triggers included), then the manager's
  dashboard again (`after_change`: its cached tally is stale, the kept counts are read), and
  the kept counts' check and rebuild (`lindung member_counts --check / --rebuild`).
Prints one JSON line. Target: under 300 ms per page.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import time
from datetime import date
from typing import Any

import pg_scratch

DATABASE = "lindung_bench_dashboard"
MONTH = date(2026, 9, 1)
OPEN_PROPOSALS = 50_000
CLAIMS = 2_000
QUOTA = 4_000


def _billing_bench() -> Any:
    return pg_scratch.billing_bench(DATABASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.members, args.warm)))
        return
    result = {"bench": "dashboard_postgresql", "cpus": os.cpu_count()}
    result |= pg_scratch.measure_in_scratch(
        server=pg_scratch.require_server(),
        script=__file__,
        database=DATABASE,
        regency=_billing_bench().REGENCY,
        child_args=["--members", str(args.members), "--warm", str(args.warm)],
    )
    print(json.dumps(result))


# -- setting up (not measured) -----------------------------------------------------------------


def _sql(statements: list[tuple[str, list[Any]]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _setup(members: int) -> Any:
    from lindung.contributions import payments
    from lindung.contributions.billing import bill_approve, bill_draft
    from lindung.membership.models import Decree, Determination
    from lindung.programs.models import BudgetStatus, FundingSource, Programme
    from lindung.programs.services import budget_line_create, period_create
    from lindung.proposals.models import Batch

    programme = _billing_bench()._setup(members)
    Programme.objects.filter(pk=programme.pk).update(quota_size=QUOTA)
    programme.refresh_from_db()
    p = programme.pk
    _sql(
        [
            (
                "UPDATE membership_membership SET status = 'determined', kpj = '', "
                "coverage_start = NULL WHERE programme_id = %s AND id %% 20 = 1",
                [p],
            ),
            (
                "UPDATE membership_membership SET status = 'ended', ended_on = %s, "
                "end_reason = 'death' WHERE programme_id = %s AND id %% 100 = 3",
                [date(2026, 8, 1), p],
            ),
        ]
    )
    line = budget_line_create(
        actor=None,
        programme=programme,
        fiscal_year=2026,
        funding_source=FundingSource.APBD,
        pagu=members * 16_800 * 12,
        status=BudgetStatus.APPROVED,
        dpa_number="BENCH/DPA/2026",
    )
    draft = bill_draft(actor=None, programme=programme, month=MONTH)
    bill = bill_approve(actor=None, bill=draft, version=draft.version)
    payments.payment_record(
        actor=None,
        programme=programme,
        budget_line=line,
        sp2d_number="001/SP2D-LS/2026",
        sp2d_date=date(2026, 10, 5),
        amount=bill.total,
        allocations=[(bill, bill.total)],
    )
    determination = Determination.objects.get(programme=programme)
    open_period = period_create(
        actor=None,
        programme=programme,
        name="Bench 2",
        opens_on=date(2026, 11, 1),
        closes_on=date(2026, 12, 31),
        proposal_limit=members,
    )
    batch = Batch.objects.create(
        programme=programme,
        period=open_period,
        area_id=_billing_bench().REGENCY,
        source="upload",
        row_count=OPEN_PROPOSALS,
        accepted_count=OPEN_PROPOSALS,
        rejected_count=0,
        duplicate_count=0,
    )
    decree = Decree.objects.create(
        programme=programme,
        period=determination.period,
        kind="original",
        number="BENCH/SK/2026",
        title="Penetapan peserta",
        signed_on=date(2025, 12, 15),
        effective_on=date(2026, 1, 1),
        signer_name="Bupati",
        signer_title="Bupati",
        place="Soreang",
    )
    _sql(
        [
            # The open period's proposals: copies of existing ones under new NIKs.
            (
                "INSERT INTO proposals_proposal (programme_id, period_id, village_id, batch_id, "
                "nik, kk, name, name_normalized, birth_place, birth_date, sex, address, phone, "
                "occupation_id, occupation_text, status, status_changed_at, version, "
                "created_by_id, created_at) "
                "SELECT programme_id, %s, village_id, %s, '3205' || substr(nik, 5), kk, name, "
                "name_normalized, birth_place, birth_date, sex, address, phone, occupation_id, "
                "occupation_text, (ARRAY['submitted', 'verified', 'review', 'forwarded', "
                "'returned', 'eligible', 'not_eligible'])[1 + id %% 7], now(), 1, NULL, now() "
                "FROM proposals_proposal WHERE programme_id = %s ORDER BY id LIMIT %s",
                [open_period.pk, batch.pk, p, OPEN_PROPOSALS],
            ),
            (
                "INSERT INTO proposals_proposalevent (proposal_id, at, actor_id, action, "
                "from_status, to_status, note, detail) SELECT id, now(), NULL, 'verified', "
                "'submitted', CASE WHEN id %% 10 = 0 THEN 'review' ELSE 'verified' END, '', "
                "'{}'::jsonb FROM proposals_proposal WHERE programme_id = %s",
                [p],
            ),
            (
                "INSERT INTO membership_decreeentry (decree_id, membership_id, change, number) "
                "SELECT %s, id, 'added', row_number() OVER (ORDER BY id) "
                "FROM membership_membership WHERE programme_id = %s",
                [decree.pk, p],
            ),
            (
                "INSERT INTO claims_claim (membership_id, benefit, status, source, event_date, "
                "event_place, description, reporter_name, reporter_phone, reported_on, "
                "bpjs_reference, submitted_on, decided_on, rejection_reason, note, version, "
                "created_by_id, created_at) SELECT id, 'JKK', "
                "CASE WHEN id %% 2 = 0 THEN 'paid' ELSE 'reported' END, 'manual', "
                "DATE '2026-09-10', '', '', '', '', DATE '2026-09-11', '', NULL, NULL, '', '', "
                "1, NULL, now() FROM membership_membership "
                "WHERE programme_id = %s AND status <> 'ended' ORDER BY id LIMIT %s",
                [p, CLAIMS],
            ),
            (
                "INSERT INTO claims_claimcomponent (claim_id, kind, expected_amount, "
                "paid_amount, paid_on, note) SELECT id, 'jkk_medical', NULL, 2500000, "
                "DATE '2026-10-01', '' FROM claims_claim WHERE status = 'paid'",
                [],
            ),
            ("VACUUM ANALYZE", []),
        ]
    )
    return programme


# -- measuring ---------------------------------------------------------------------------------


def _after_a_change(programme: Any, manager: Any, client: Any, warm: int) -> dict[str, Any]:
    """One member ends through the service (its cost includes the count triggers); then the
    manager's dashboard, whose cached tally that change made stale; then the kept counts'
    check and rebuild (`lindung member_counts`)."""
    from django.db import connection

    from lindung.membership.models import EndReason, Membership
    from lindung.membership.services import membership_end
    from lindung.reports import counts

    leaving = Membership.objects.filter(programme=programme, status="registered").first()
    assert leaving is not None
    started = time.perf_counter()
    membership_end(
        actor=manager,
        membership=leaving,
        expected_version=leaving.version,
        reason=EndReason.MOVED,
        effective_on=date(2026, 10, 1),
    )
    ended = time.perf_counter() - started
    page = _page(client, f"/dasbor/?programme={programme.pk}", warm)
    started = time.perf_counter()
    drift = counts.drift(connection)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    counts.rebuild(connection)
    rebuilt = time.perf_counter() - started
    return {
        "membership_end_seconds": round(ended, 3),
        "dashboard_manager_after_change": page,
        "counts_check_seconds": round(checked, 2),
        "counts_drift": [drift.counts, drift.births],
        "counts_rebuild_seconds": round(rebuilt, 2),
    }


def _users() -> dict[str, Any]:
    from lindung.accounts.models import Role
    from lindung.accounts.services import user_create
    from lindung.regions.models import Region

    kecamatan = (
        Region.objects.filter(level=3, code__startswith=_billing_bench().REGENCY + ".")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    assert kecamatan is not None
    return {
        role: user_create(
            username=f"bench-{role}",
            password=secrets.token_urlsafe(16),
            role=role,
            scope_code=scope,
            full_name=f"Bench {role}",
        )
        for role, scope in (
            (Role.MANAGER, _billing_bench().REGENCY),
            (Role.KECAMATAN, kecamatan),
        )
    } | {"kecamatan_code": kecamatan}


def _get(client: Any, url: str) -> tuple[float, int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    size = len(response.content)
    return seconds, len(queries.captured_queries), size, response.status_code


def _page(client: Any, url: str, warm: int) -> dict[str, Any]:
    cold, cold_queries, _size, _status = _get(client, url)
    runs = [_get(client, url) for _ in range(warm)]
    times = [r[0] for r in runs]
    return {
        "cold_seconds": round(cold, 3),
        "cold_queries": cold_queries,
        "warm_median_seconds": round(statistics.median(times), 3),
        "warm_max_seconds": round(max(times), 3),
        "warm_queries": runs[-1][1],
    }


def _measure(members: int, warm: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from lindung.membership.models import Membership
    from lindung.reports.selectors import dashboard_summary

    setup_test_environment()  # lets the test client's host in
    started = time.perf_counter()
    programme = _setup(members)
    setup_seconds = time.perf_counter() - started
    users = _users()
    clients = {}
    for role in ("manager", "kecamatan"):
        client = Client()
        client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
        clients[role] = client
    _get(clients["manager"], f"/laporan/?programme={programme.pk}")  # imports, templates
    pk = programme.pk
    result: dict[str, Any] = {
        "members": Membership.objects.filter(programme=programme).count(),
        "setup_seconds": round(setup_seconds, 1),
        "dashboard_manager": _page(clients["manager"], f"/dasbor/?programme={pk}", warm),
        "dashboard_kecamatan": _page(clients["kecamatan"], f"/dasbor/?programme={pk}", warm),
        "dashboard_drill_down": _page(
            clients["manager"], f"/dasbor/?programme={pk}&wilayah={users['kecamatan_code']}", warm
        ),
        "coverage_xlsx": _page(
            clients["manager"], f"/laporan/cakupan/unduh/?programme={pk}&format=xlsx", 2
        ),
        "coverage_pdf": _page(
            clients["manager"], f"/laporan/cakupan/unduh/?programme={pk}&format=pdf", 1
        ),
        "paritrana_page": _page(clients["manager"], f"/laporan/paritrana/?programme={pk}", 1),
    }
    result |= _after_a_change(programme, users["manager"], clients["manager"], warm)
    summary = dashboard_summary(programme)
    result["summary"] = {
        k: summary[k]
        for k in ("active", "registered", "target", "billed", "paid", "claims", "benefit_ratio")
    }
    return result


if __name__ == "__main__":
    main()

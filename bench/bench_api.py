"""The REST API's reads on PostgreSQL at 1,000,000 members.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_api.py [--members N] [--repeat R]
A scratch database `lindung_bench_api` set up as bench_billing_pg.py does (Kabupaten
Bandung, N registered members and their N proposals, default 1,000,000), September 2026
billed and approved through the billing service (N bill lines), and a manager (the
regency), a kecamatan operator and a desa operator, each with an API token (setup not
timed). Timed: whole requests through Django's test client in the same process (URL
routing, middleware, token check, scoped query, JSON), the median of R runs after one
warm-up, with the number of SQL queries each takes. Also timed, for comparison: the COUNT
a page-number pagination would run on the members list. Prints one JSON line.
Target (issue 8): every request under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pg_scratch

DATABASE = "lindung_bench_api"
MONTH = date(2026, 9, 1)
TARGET_SECONDS = 0.3


def _billing_bench() -> Any:
    return pg_scratch.billing_bench(DATABASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.members, args.repeat)))
        return
    result = {"bench": "api_postgresql", "cpus": os.cpu_count()}
    result |= pg_scratch.measure_in_scratch(
        server=pg_scratch.require_server(),
        script=__file__,
        database=DATABASE,
        regency=_billing_bench().REGENCY,
        child_args=["--members", str(args.members), "--repeat", str(args.repeat)],
    )
    print(json.dumps(result))


def _timed(call: Callable[[], Any], repeat: int) -> tuple[Any, float, int]:
    """The last result, the median wall time of `repeat` calls after a warm-up, and the
    number of queries one call runs (after the warm-up, which may also record the token's
    first use)."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    call()
    # Counted by a wrapper, not `connection.queries`: each request start clears that log.
    with connection.execute_wrapper(count):
        value = call()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = call()
        seconds.append(time.perf_counter() - started)
    return value, round(statistics.median(seconds), 4), len(queries)


def _measure(members: int, repeat: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LINDUNG_INSECURE_HTTP"] = "1"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from lindung.accounts.models import Role
    from lindung.accounts.services import user_create
    from lindung.api.tokens import token_create
    from lindung.contributions.billing import bill_approve, bill_draft
    from lindung.membership.models import Membership
    from lindung.proposals.models import Proposal

    regency = _billing_bench().REGENCY
    programme = _billing_bench()._setup(members)
    draft = bill_draft(actor=None, programme=programme, month=MONTH)
    bill = bill_approve(actor=None, bill=draft, version=draft.version)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    middle = Membership.objects.filter(programme=programme).order_by("pk")[members // 2]
    village = middle.village_id
    district = village[:8]
    proposal = Proposal.objects.filter(period__programme=programme).order_by("pk")[members // 3]
    clients: dict[str, Client] = {}
    for role, scope in ((Role.MANAGER, regency), (Role.KECAMATAN, district), (Role.DESA, village)):
        password = secrets.token_urlsafe(16)
        user = user_create(username=f"bench-{role}", password=password, role=role, scope_code=scope)
        key = token_create(actor=None, user=user, name="bench").key
        clients[role] = Client(headers={"Authorization": f"Bearer {key}"})

    def get(role: str, url: str, **params: Any) -> Any:
        response = clients[role].get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{role} {url} {params}: {response.status_code} {response.content!r}")
        return response.json()

    first = get(Role.MANAGER, "/api/v1/members/")
    page_2 = first["next"]
    lines_url = f"/api/v1/bills/{bill.pk}/lines/"
    lines_2 = get(Role.MANAGER, lines_url)["next"]
    cases: dict[str, tuple[str, Callable[[], Any]]] = {
        "members_list_first_page": (
            "manager, whole regency, 50 rows",
            lambda: get(Role.MANAGER, "/api/v1/members/"),
        ),
        "members_list_next_page": (
            "manager, the page after the first (cursor)",
            lambda: clients[Role.MANAGER].get(page_2).json(),
        ),
        "members_list_500_rows": (
            "manager, limit=500",
            lambda: get(Role.MANAGER, "/api/v1/members/", limit=500),
        ),
        "members_list_status_and_district": (
            "manager, status=registered, area=a kecamatan",
            lambda: get(Role.MANAGER, "/api/v1/members/", status="registered", area=district),
        ),
        "members_list_by_nik": (
            "manager, nik=exact",
            lambda: get(Role.MANAGER, "/api/v1/members/", nik=middle.nik),
        ),
        "members_list_name_search": (
            "manager, q=part of a name",
            lambda: get(Role.MANAGER, "/api/v1/members/", q="Pekerja 5000"),
        ),
        "members_list_kecamatan": (
            "kecamatan operator, own district",
            lambda: get(Role.KECAMATAN, "/api/v1/members/"),
        ),
        "members_list_desa": (
            "desa operator, own village",
            lambda: get(Role.DESA, "/api/v1/members/"),
        ),
        "member_detail": (
            "manager, one member",
            lambda: get(Role.MANAGER, f"/api/v1/members/{middle.pk}/"),
        ),
        "proposals_list_first_page": (
            "manager, whole regency, newest first",
            lambda: get(Role.MANAGER, "/api/v1/proposals/"),
        ),
        "proposals_list_status": (
            "manager, status=eligible",
            lambda: get(Role.MANAGER, "/api/v1/proposals/", status="eligible"),
        ),
        "proposals_list_desa": (
            "desa operator, own village",
            lambda: get(Role.DESA, "/api/v1/proposals/"),
        ),
        "proposal_detail": (
            "manager, with findings and history",
            lambda: get(Role.MANAGER, f"/api/v1/proposals/{proposal.pk}/"),
        ),
        "bills_list": ("manager", lambda: get(Role.MANAGER, "/api/v1/bills/")),
        "bill_lines_first_page": (
            f"manager, a bill of {members:,} lines",
            lambda: get(Role.MANAGER, lines_url),
        ),
        "bill_lines_next_page": (
            "manager, the page after the first (cursor)",
            lambda: clients[Role.MANAGER].get(lines_2).json(),
        ),
    }
    timings: dict[str, Any] = {}
    for name, (what, call) in cases.items():
        body, seconds, queries = _timed(call, repeat)
        timings[name] = {
            "what": what,
            "seconds": seconds,
            "queries": queries,
            "rows": len(body["results"]) if "results" in body else 1,
        }
    members_in_scope = Membership.objects.filter(village__code__startswith=f"{regency}.")
    count, count_seconds, _queries = _timed(members_in_scope.count, repeat)
    return {
        "members": members,
        "bill_lines": bill.members,
        "repeat": repeat,
        "requests": timings,
        "count_for_page_numbers_seconds": count_seconds,
        "count": count,
        "over_target": [name for name, t in timings.items() if t["seconds"] >= TARGET_SECONDS],
    }


if __name__ == "__main__":
    main()

"""Programmes, members, bills with their lines, claims: what each answers, NIKs masked,
cursor pages that miss nothing, and a fixed number of queries whatever the page size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from lindung.api.tests.conftest import HEIR_NIK, Api
from lindung.audit.models import AuditEvent
from lindung.contributions.tests.conftest import MEMBERS, RATE
from lindung.people.nik import mask_nik


def _walk(api: Api, role: str, url: str, limit: int) -> list[dict[str, Any]]:
    """Every row of a list, page by page through the `next` links."""
    rows: list[dict[str, Any]] = []
    response = api.get(role, url, limit=limit).json()
    while True:
        assert len(response["results"]) <= limit
        rows += response["results"]
        if response["next"] is None:
            return rows
        response = api.client(role).get(response["next"]).json()


def test_programmes_list_and_detail(api: Api) -> None:
    programme = api.billable.programme
    [listed] = api.get("desa", "/api/v1/programmes/").json()["results"]
    assert listed["owner"] == {"code": "17.05", "name": programme.owner.name}
    assert listed["benefits"] == ["JKK", "JKM"] and listed["quota_size"] == 3
    detail = api.get("desa", f"/api/v1/programmes/{programme.pk}/").json()
    assert {o["name"] for o in detail["occupations"]} == {"Petani", "Nelayan"}
    assert [p["id"] for p in detail["periods"]] == [api.billable.period.pk]
    assert api.get("desa", "/api/v1/programmes/", active="false").json()["results"] == []
    assert api.get("desa", "/api/v1/programmes/", q="Seluma").json()["results"] != []


def test_members_are_listed_with_masked_niks_and_no_contact_details(api: Api) -> None:
    rows = _walk(api, "manager", "/api/v1/members/", limit=3)
    assert len(rows) == MEMBERS and len({r["id"] for r in rows}) == MEMBERS
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    member = api.member(1)
    [row] = [r for r in rows if r["id"] == member.pk]
    assert row["nik"] == mask_nik(member.nik) and row["status"] == "registered"
    assert row["kpj"] == member.kpj and row["village"]["code"] == member.village_id
    assert not {"phone", "address"} & set(row)
    registered = api.get("manager", "/api/v1/members/", status="registered").json()
    assert len(registered["results"]) == MEMBERS


def test_a_member_detail_reveals_the_nik_only_when_asked_and_audits_it(api: Api) -> None:
    member = api.member(1)
    url = f"/api/v1/members/{member.pk}/"
    detail = api.get("desa", url).json()
    assert detail["nik"] == mask_nik(member.nik) and detail["birth_date"] == "1961-02-02"
    full = api.get("desa", url, full_nik="1").json()  # the village typed it: it may see it
    assert full["nik"] == member.nik
    event = AuditEvent.objects.get(action=AuditEvent.Action.NIK_VIEW)
    assert event.object_type == "membership" and event.object_id == str(member.pk)
    assert event.detail == {"via": "api"}
    assert api.get("finance", url, full_nik="true").status_code == 403
    assert api.get("finance", url).json()["nik"] == mask_nik(member.nik)


def test_bills_list_detail_and_lines(api: Api) -> None:
    bills = api.get("finance", "/api/v1/bills/").json()["results"]
    assert [b["id"] for b in bills] == [api.bill.pk]
    assert bills[0]["total"] == MEMBERS * RATE and bills[0]["status"] == "approved"
    assert api.get("finance", "/api/v1/bills/", month="2025-10").json()["results"] != []
    assert api.get("finance", "/api/v1/bills/", month="2025-11").json()["results"] == []
    assert "month" in api.get("finance", "/api/v1/bills/", month="Oktober").json()
    detail = api.get("auditor", f"/api/v1/bills/{api.bill.pk}/").json()
    assert detail["jkk"] == MEMBERS * 10_000 and detail["jkm"] == MEMBERS * 6_800
    lines = _walk(api, "leadership", f"/api/v1/bills/{api.bill.pk}/lines/", limit=3)
    assert len(lines) == MEMBERS and sum(line["total"] for line in lines) == MEMBERS * RATE
    member = api.member(1)
    [line] = [row for row in lines if row["membership"] == member.pk]
    assert line["nik"] == mask_nik(member.nik) and line["kpj"] == member.kpj
    assert line["kind"] == "regular" and line["month"] == "2025-10-01"
    assert api.get("finance", "/api/v1/bills/999999/lines/").status_code == 404


def test_claims_list_and_detail_mask_the_heirs_nik(api: Api) -> None:
    claims = api.get("manager", "/api/v1/claims/").json()["results"]
    assert [c["id"] for c in claims] == [api.claim_b.pk, api.claim_a.pk]  # newest first
    jkm = api.get("manager", "/api/v1/claims/", benefit="JKM").json()["results"]
    assert [c["id"] for c in jkm] == [api.claim_a.pk]
    assert jkm[0]["membership"]["nik"] == mask_nik(api.claim_a.membership.nik)
    detail = api.get("manager", f"/api/v1/claims/{api.claim_a.pk}/").json()
    assert detail["heirs"] == [
        {
            "id": api.claim_a.heirs.get().pk,
            "name": "Sri Wahyuni",
            "relation": "spouse",
            "nik": mask_nik(HEIR_NIK),
        }
    ]
    assert HEIR_NIK not in str(detail)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/members/",
        "/api/v1/proposals/",
        "/api/v1/claims/",
        "/api/v1/programmes/",
        "/api/v1/bills/",
        "bill-lines",
    ],
)
def test_a_list_costs_the_same_queries_for_any_page_size(api: Api, url: str) -> None:
    if url == "bill-lines":
        url = f"/api/v1/bills/{api.bill.pk}/lines/"
    client = api.client("admin")
    client.get(url)  # the token's last use is written on the first call
    counts = [_queries(client, url, limit) for limit in (1, 8)]
    assert counts[0] == counts[1] and 1 <= counts[0] <= 3, counts


def _queries(client: Any, url: str, limit: int) -> int:
    """The SQL statements one request runs; counted by a wrapper, because
    `connection.queries` is cleared whenever a request starts."""
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url, {"limit": limit}).status_code == 200
    return len(statements)

"""The API cannot cross area scopes: a desa token lists, reads and proposes only in its own
village; a kecamatan token only in its district; anything else answers 404 (reads) or 400
(a filter or a proposal naming another area), and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from lindung.accounts.tests.helpers import DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from lindung.api.tests.conftest import Api
from lindung.membership.tests.conftest import nik
from lindung.proposals.models import Batch, Proposal

LISTS = ["/api/v1/proposals/", "/api/v1/members/", "/api/v1/claims/"]


def _villages(api: Api, role: str, url: str, **params: Any) -> set[str]:
    response = api.get(role, url, **params)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows, url
    return {_village_of(row) for row in rows}


def _village_of(row: dict[str, Any]) -> str:
    village = row["village"] if "village" in row else row["membership"]["village"]
    return str(village["code"])


@pytest.mark.parametrize("url", LISTS)
def test_a_desa_token_lists_only_its_own_village(api: Api, url: str) -> None:
    assert _villages(api, "desa", url) == {VILLAGE_A}
    assert _villages(api, "desa_b", url) == {VILLAGE_B}


@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/members/"])
def test_a_kecamatan_token_lists_its_villages_and_no_other(api: Api, url: str) -> None:
    assert _villages(api, "kecamatan", url) == {VILLAGE_A, VILLAGE_A2}
    assert _villages(api, "manager", url) == {VILLAGE_A, VILLAGE_A2, VILLAGE_B}


def test_a_desa_token_gets_404_for_every_object_of_another_village(api: Api) -> None:
    member_b = api.member(8)
    proposal_b = Proposal.objects.get(nik=nik(8))
    for url in (
        f"/api/v1/members/{member_b.pk}/",
        f"/api/v1/members/{member_b.pk}/?full_nik=true",
        f"/api/v1/proposals/{proposal_b.pk}/",
        f"/api/v1/claims/{api.claim_b.pk}/",
    ):
        response = api.get("desa", url)
        assert response.status_code == 404, url
        assert response.json()["detail"] == "Data tidak ditemukan di wilayah kerja Anda."
        assert api.get("desa_b", url).status_code == 200, url


def test_a_filter_cannot_widen_the_scope(api: Api) -> None:
    for url in LISTS:
        for area in (VILLAGE_B, VILLAGE_A2, DISTRICT_B, "17.05", "17"):
            response = api.get("desa", url, area=area)
            assert response.status_code == 400, (url, area)
            assert "tidak ada di wilayah kerja Anda" in response.json()["area"][0]
        assert _villages(api, "desa", url, area=VILLAGE_A) == {VILLAGE_A}
    unknown = api.get("desa", "/api/v1/members/", area="17.05.x")
    assert "tidak dikenal" in unknown.json()["area"][0]


def test_searching_for_another_villages_nik_finds_nothing(api: Api) -> None:
    for url, params in (
        ("/api/v1/members/", {"nik": nik(8)}),
        ("/api/v1/members/", {"q": nik(8)[:10]}),
        ("/api/v1/members/", {"q": "Yohanes"}),
        ("/api/v1/proposals/", {"nik": nik(8)}),
    ):
        assert api.get("desa", url, **params).json()["results"] == [], params
        assert api.get("desa_b", url, **params).json()["results"] != [], params


def test_programmes_of_the_regency_cover_its_villages(api: Api) -> None:
    programme = api.billable.programme
    for role in ("desa", "kecamatan", "manager"):
        assert api.get(role, f"/api/v1/programmes/{programme.pk}/").status_code == 200


def test_a_bill_line_list_holds_only_the_readers_area(api: Api) -> None:
    bpjs = api.users["bpjs"]
    bpjs.scope_id = DISTRICT_A  # an unusual scope, to see the lines follow it
    bpjs.save()
    url = f"/api/v1/bills/{api.bill.pk}/lines/"
    villages = {row["village"] for row in api.get("bpjs", url).json()["results"]}
    assert villages == {VILLAGE_A, VILLAGE_A2}
    everyone = {row["village"] for row in api.get("manager", url).json()["results"]}
    assert everyone == {VILLAGE_A, VILLAGE_A2, VILLAGE_B}


def test_a_desa_token_cannot_propose_for_another_village(api: Api, proposal_body: Any) -> None:
    before = (Proposal.objects.count(), Batch.objects.count())
    for village in (VILLAGE_B, VILLAGE_A2, DISTRICT_A, "17.05"):
        response = api.post("desa", "/api/v1/proposals/", proposal_body(village=village))
        assert response.status_code == 400, village
        assert "tidak ada di wilayah kerja Anda" in response.json()["village"][0]
    assert (Proposal.objects.count(), Batch.objects.count()) == before


def test_a_kecamatan_token_cannot_propose_outside_its_district(
    api: Api, proposal_body: Any
) -> None:
    before = Proposal.objects.count()
    response = api.post("kecamatan", "/api/v1/proposals/", proposal_body(village=VILLAGE_B))
    assert response.status_code == 400
    assert "village" in response.json()
    assert Proposal.objects.count() == before

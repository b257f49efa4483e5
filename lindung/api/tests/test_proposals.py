"""Proposing through the API runs the web form's validation and the same intake service:
refusals come back as field -> Indonesian message with 400 and write nothing; an accepted
proposal is the form's (a FORM batch, a 'submitted' event). Its status shows the current
verification findings with their reason codes and messages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2
from lindung.api.tests.conftest import NEW_NIK, Api
from lindung.audit.models import AuditEvent
from lindung.people.nik import mask_nik
from lindung.programs.models import Occupation
from lindung.proposals.models import Action, Batch, Proposal, ProposalStatus, Source

URL = "/api/v1/proposals/"


def _state() -> tuple[int, int, int]:
    return Proposal.objects.count(), Batch.objects.count(), AuditEvent.objects.count()


def test_a_desa_token_proposes_in_its_village_through_the_service(
    api: Api, proposal_body: Any
) -> None:
    response = api.post("desa_a2", URL, proposal_body(village=...))
    assert response.status_code == 201, response.content
    body = response.json()
    proposal = Proposal.objects.get(nik=NEW_NIK)
    assert response["Location"] == f"{URL}{proposal.pk}/"
    assert body["id"] == proposal.pk and body["status"] == ProposalStatus.SUBMITTED
    assert body["nik"] == mask_nik(NEW_NIK) and body["village"]["code"] == VILLAGE_A2
    assert body["occupation"] == "Petani" and body["findings"] == []
    assert proposal.village_id == VILLAGE_A2 and proposal.created_by == api.users["desa_a2"]
    assert proposal.batch.source == Source.FORM and proposal.batch.accepted_count == 1
    assert [e.action for e in proposal.events.all()] == [Action.SUBMITTED]
    assert proposal.occupation == Occupation.objects.get(name="Petani")


def test_the_occupation_may_be_given_by_its_id(api: Api, proposal_body: Any) -> None:
    petani = Occupation.objects.get(name="Petani")
    response = api.post("desa_a2", URL, proposal_body(occupation=petani.pk, village=VILLAGE_A2))
    assert response.status_code == 201, response.content


def test_a_dinas_token_must_name_the_village(api: Api, proposal_body: Any) -> None:
    before = _state()
    response = api.post("manager", URL, proposal_body(village=...))
    assert response.status_code == 400
    assert response.json() == {"village": ["Pilih desa/kelurahan pengusul."]}
    assert _state() == before
    assert api.post("manager", URL, proposal_body()).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nik": ...}, "nik", "Isi NIK sesuai KTP."),
        ({"name": ""}, "name", "Isi nama sesuai KTP."),
        ({"birth_date": None}, "birth_date", "Isi tanggal lahir sesuai KTP."),
        ({"birth_date": "31-02-1980"}, "birth_date", "Tanggal lahir tidak terbaca"),
        ({"sex": "X"}, "sex", "X"),
        ({"occupation": "Pilot"}, "occupation", "tidak ada di daftar program"),
        ({"occupation": 99999999999999999999999}, "occupation", "tidak ada di daftar program"),
        ({"nik": "1705"}, "nik", "16 angka"),
        ({"nik": "1705011704800077x"}, "nik", "angka"),
        ({"kk": "12"}, "kk", "16"),
        ({"name": ["Slamet"]}, "name", "bukan daftar atau objek"),
        ({"programme": ...}, "programme", "Isi ID program"),
        ({"programme": "satu"}, "programme", "bilangan bulat"),
        ({"programme": 10**30}, "programme", "bilangan bulat"),
        ({"programme": 999999}, "programme", "tidak ditemukan di wilayah kerja Anda"),
    ],
)
def test_a_refusal_names_the_field_and_writes_nothing(
    api: Api, proposal_body: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    before = _state()
    response = api.post("desa_a2", URL, proposal_body(**changes))
    assert response.status_code == 400, response.content
    errors = response.json()
    assert message in " ".join(errors[field]), errors
    assert _state() == before


def test_a_body_that_is_not_an_object_is_refused(api: Api) -> None:
    for body in ([1, 2], "usulan", 7, None):
        response = api.post("desa_a2", URL, json.dumps(body))
        assert response.status_code == 400
        assert "objek JSON" in response.json()["non_field_errors"][0]
    bad = api.client("desa_a2").post(URL, "{nik:", content_type="application/json")
    assert bad.status_code == 400 and "JSON" in bad.json()["detail"]


def test_the_same_person_twice_is_refused_the_second_time(api: Api, proposal_body: Any) -> None:
    assert api.post("desa_a2", URL, proposal_body()).status_code == 201
    before = _state()
    again = api.post("desa_a2", URL, proposal_body())
    assert again.status_code == 400
    assert "sudah diusulkan" in str(again.json()).lower()
    assert _state() == before


def test_a_full_village_quota_is_refused_as_in_the_form(api: Api, proposal_body: Any) -> None:
    before = _state()
    response = api.post("desa", URL, proposal_body(village=VILLAGE_A))
    assert response.status_code == 400
    assert "kuota" in str(response.json()).lower()
    assert _state() == before


def test_a_closed_period_is_refused(api: Api, proposal_body: Any) -> None:
    period = api.billable.period
    period.closes_on = timezone.localdate() - timedelta(days=1)
    period.opens_on = period.closes_on - timedelta(days=20)
    period.save()
    before = _state()
    response = api.post("desa_a2", URL, proposal_body())
    assert response.status_code == 400
    assert "periode usulan" in response.json()["non_field_errors"][0].lower()
    assert _state() == before


# -- status ----------------------------------------------------------------------------------


def test_the_status_shows_findings_with_reason_codes_and_messages(api: Api) -> None:
    response = api.get("manager", f"{URL}{api.found_on.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == ProposalStatus.ELIGIBLE and body["status_label"] == "Layak"
    [finding] = body["findings"]
    assert finding["code"] == "ALREADY_MEMBER" and finding["severity"] == "reject"
    assert finding["message"].startswith("Sudah menjadi peserta aktif program ini")
    assert body["membership"] == api.member(1).pk
    assert [e["action"] for e in body["events"]] == [Action.SUBMITTED]
    english = api.client("manager", language="en").get(f"{URL}{api.found_on.pk}/").json()
    assert english["findings"][0]["message"].startswith("Already an active participant")
    assert english["status_label"] == "Eligible"


def test_the_nik_is_masked_unless_asked_for_and_the_reveal_is_audited(api: Api) -> None:
    url = f"{URL}{api.found_on.pk}/"
    assert api.get("manager", url).json()["nik"] == mask_nik(api.found_on.nik)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).exists()
    full = api.get("manager", url, full_nik="true").json()
    assert full["nik"] == api.found_on.nik
    event = AuditEvent.objects.get(action=AuditEvent.Action.NIK_VIEW)
    assert (event.actor, event.object_type, event.object_id) == (
        api.users["manager"],
        "proposal",
        str(api.found_on.pk),
    )
    refused = api.get("auditor", url, full_nik="true")
    assert refused.status_code == 403 and "NIK lengkap" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).count() == 1


def test_lists_filter_by_programme_status_and_nik(api: Api) -> None:
    programme = api.billable.programme.pk
    eligible = api.get("manager", URL, programme=programme, status="eligible").json()
    assert len(eligible["results"]) == 11
    assert api.get("manager", URL, status="submitted").json()["results"] == []
    one = api.get("manager", URL, nik=api.found_on.nik).json()["results"]
    assert [p["id"] for p in one] == [api.found_on.pk]
    wrong = api.get("manager", URL, status="nonsense", nik="12", programme="x").json()
    assert set(wrong) == {"status", "nik", "programme"}

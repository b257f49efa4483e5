"""Who gets in: a valid token of an active user, with the capability the action needs.
Everyone else gets 401 (no or bad token) or 403 (role), with an Indonesian message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lindung.accounts.tests.helpers import client_for
from lindung.api.models import ApiToken
from lindung.api.tests.conftest import Api
from lindung.api.tokens import token_revoke

PROGRAMMES = "/api/v1/programmes/"
UNKNOWN = "Token API tidak dikenal, sudah dicabut, atau penggunanya tidak aktif."


def _detail(response: object) -> str:
    return str(response.json()["detail"])  # type: ignore[attr-defined]


def test_a_valid_token_reads(api: Api) -> None:
    response = api.get("manager", PROGRAMMES)
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == [api.billable.programme.name]
    assert response["Content-Language"] == "id"


def test_without_a_token_the_answer_is_401_saying_how_to_send_one(api: Api) -> None:
    response = Client().get(PROGRAMMES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization" in _detail(response)


@pytest.mark.parametrize(
    "header",
    ["Bearer lnd_tidak-ada", "Bearer", "Bearer satu dua", "Token lnd_salah", "Bearer \u00e9"],
)
def test_an_unknown_or_malformed_token_is_401(api: Api, header: str) -> None:
    response = Client(headers={"Authorization": header}).get(PROGRAMMES)
    assert response.status_code == 401
    assert "token" in _detail(response).lower()


def test_a_revoked_token_is_401(api: Api) -> None:
    token = ApiToken.objects.get(user=api.users["manager"])
    token_revoke(actor=None, token=token)
    response = api.get("manager", PROGRAMMES)
    assert response.status_code == 401 and _detail(response) == UNKNOWN


def test_an_inactive_users_token_is_401(api: Api) -> None:
    user = api.users["manager"]
    user.is_active = False
    user.save()
    response = api.get("manager", PROGRAMMES)
    assert response.status_code == 401 and _detail(response) == UNKNOWN


def test_the_word_token_works_as_well_as_bearer(api: Api) -> None:
    client = Client(headers={"Authorization": f"Token {api.keys['manager']}"})
    assert client.get(PROGRAMMES).status_code == 200


def test_a_signed_in_browser_session_is_not_an_api_credential(api: Api) -> None:
    # The API takes tokens only, so no page can be made to call it with a user's cookie.
    response = client_for(api.users["manager"]).get(PROGRAMMES)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("desa", "/api/v1/bills/"),
        ("kecamatan", "/api/v1/bills/"),
        ("verifier", "/api/v1/bills/"),
        ("finance", "/api/v1/proposals/"),
        ("bpjs", "/api/v1/proposals/"),
    ],
)
def test_a_role_without_the_capability_gets_403(api: Api, role: str, url: str) -> None:
    response = api.get(role, url)
    assert response.status_code == 403
    assert "Peran Anda tidak mempunyai izin" in _detail(response)


def test_a_role_without_the_capability_cannot_open_a_bill_either(api: Api) -> None:
    for url in (f"/api/v1/bills/{api.bill.pk}/", f"/api/v1/bills/{api.bill.pk}/lines/"):
        assert api.get("desa", url).status_code == 403, url


@pytest.mark.parametrize("role", ["auditor", "leadership", "finance", "bpjs"])
def test_roles_that_may_not_propose_get_403_on_create(api: Api, role: str) -> None:
    before = api.billable.period.proposals.count()
    response = api.post(role, "/api/v1/proposals/", {"programme": api.billable.programme.pk})
    assert response.status_code == 403
    assert api.billable.period.proposals.count() == before


def test_a_wrong_method_is_405_not_403(api: Api) -> None:
    response = api.client("desa").delete(PROGRAMMES)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_english_when_the_client_asks_for_it(api: Api) -> None:
    proposals = api.client("manager", language="en-US,en;q=0.9").get("/api/v1/proposals/")
    assert proposals["Content-Language"] == "en"
    labels = {p["status_label"] for p in proposals.json()["results"]}
    assert labels and labels <= {"Eligible", "Accepted, not yet checked"}
    indonesian = api.client("manager", language="fr, id;q=0.5").get("/api/v1/proposals/")
    assert indonesian["Content-Language"] == "id"


def test_the_token_page_is_linked_to_the_schema(api: Api) -> None:
    html = client_for(api.users["desa"]).get(reverse("api:tokens")).content.decode()
    assert reverse("api:schema") in html and "uji desa" in html

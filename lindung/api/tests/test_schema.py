"""The OpenAPI 3 schema: public, valid, covering every endpoint; and a schemathesis run
against it (valid and invalid requests to every operation, as the manager and as a desa
operator) that finds no server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from lindung.api.tests.conftest import Api

OPERATIONS = {
    ("GET", "/api/v1/programmes/"),
    ("GET", "/api/v1/programmes/{id}/"),
    ("GET", "/api/v1/proposals/"),
    ("POST", "/api/v1/proposals/"),
    ("GET", "/api/v1/proposals/{id}/"),
    ("GET", "/api/v1/members/"),
    ("GET", "/api/v1/members/{id}/"),
    ("GET", "/api/v1/bills/"),
    ("GET", "/api/v1/bills/{id}/"),
    ("GET", "/api/v1/bills/{id}/lines/"),
    ("GET", "/api/v1/claims/"),
    ("GET", "/api/v1/claims/{id}/"),
}
# Small: every operation twice (valid and invalid data) for two roles stays under a minute.
EXAMPLES = 12


def _schema() -> dict[str, Any]:
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    loaded: dict[str, Any] = yaml.safe_load(response.content)
    return loaded


@pytest.mark.django_db
def test_the_schema_is_public_valid_openapi_3_and_covers_every_endpoint() -> None:
    schema = _schema()
    validate_schema(schema)  # type: ignore[no-untyped-call]  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    found = {(m.upper(), p) for p, item in schema["paths"].items() for m in item}
    assert found == OPERATIONS
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"
    as_json = Client().get("/api/schema/", {"format": "json"})
    assert as_json.json()["paths"].keys() == schema["paths"].keys()


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, keeping the test's database connection open between
    requests as Django's test client does (a real server closes it after each request,
    which would end the test's transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(api: Api, wsgi_app: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    for role in ("manager", "desa"):
        headers = {"Authorization": f"Bearer {api.keys[role]}"}
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                # A failure raises schemathesis's FailureGroup with the curl to reproduce it.
                _run(operation.as_strategy(generation_mode=mode, headers=headers))


def _run(strategy: Any) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error])

    check()

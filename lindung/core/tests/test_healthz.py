from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_200_with_the_database_status(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_no_login_but_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    # A real unreachable server (a closed local port), not a mocked cursor.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, HTTP_HOST='localhost');"
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lindung.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "LINDUNG_VAR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    status, body = out.split(" ", 1)
    assert status == "503"
    assert json.loads(body)["database"] == {
        "ok": False,
        "vendor": "postgresql",
        "error": "OperationalError",
    }

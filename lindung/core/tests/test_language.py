from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_pages_are_indonesian_even_when_the_browser_asks_for_english(client: Client) -> None:
    response = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Masuk ke Lindung" in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_is_remembered(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert response.status_code == 302
    response = client.get("/akun/masuk/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_indonesian(client: Client) -> None:
    client.cookies["django_language"] = "xx"
    assert client.get("/akun/masuk/")["Content-Language"] == "id"


@pytest.mark.django_db
def test_the_stylesheet_is_served(client: Client) -> None:
    response = client.get("/static/lindung/lindung.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)  # type: ignore[attr-defined]

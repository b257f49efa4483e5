"""A form sent without its CSRF token (a stale page, cookies off) explains itself in Indonesian."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_form_without_its_token_gets_an_indonesian_page_saying_what_to_do() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/akun/masuk/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir tidak bisa dikirim" in page
    assert "Muat ulang halaman sebelumnya" in page
    assert "CSRF verification failed" not in page

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lindung.accounts.models import Role, User
from lindung.accounts.services import user_deactivate
from lindung.accounts.tests.helpers import PASSWORD, VILLAGE_A, load_seluma, make_user
from lindung.audit.models import AuditEvent


@pytest.fixture
def operator(db: None) -> User:
    load_seluma()
    return make_user(Role.DESA, VILLAGE_A, username="operator-niur")


def _login(client: Client, password: str, username: str = "operator-niur") -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_login_page_speaks_indonesian(db: None) -> None:
    html = Client().get(reverse("accounts:login")).content.decode()
    assert "Masuk ke Lindung" in html
    assert "Kata sandi" in html


def test_a_good_login_signs_in_and_is_audited(operator: User) -> None:
    client = Client()
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor_id == operator.pk
    assert event.actor_username == "operator-niur"
    assert event.ip_address == "127.0.0.1"


def test_a_wrong_password_is_refused_in_indonesian_and_audited(operator: User) -> None:
    response = _login(Client(), "salah")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_username == "operator-niur"
    assert "salah" not in str(event.detail)  # the password never reaches the log


def test_logging_out_is_audited_and_needs_a_post(operator: User) -> None:
    client = Client()
    _login(client, PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, actor_id=operator.pk).exists()


def test_five_failures_lock_the_account_even_for_the_right_password(operator: User) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "tebakan-salah")
    response = _login(client, PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Akun dikunci sementara" in html
    assert "5 kali" in html and "30 menit" in html
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
    failures = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, actor_username="operator-niur"
    )
    assert failures.count() >= 5


def test_a_lockout_is_per_username_so_others_still_sign_in(operator: User) -> None:
    other = make_user(Role.DESA, "17.05.01.2003", username="operator-lain")
    client = Client()
    for _ in range(5):
        _login(client, "tebakan-salah")
    assert _login(client, PASSWORD, username=other.username).status_code == 302


def test_a_deactivated_user_cannot_sign_in(operator: User) -> None:
    user_deactivate(user=operator)
    response = _login(Client(), PASSWORD)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()

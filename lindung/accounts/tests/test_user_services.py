from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lindung.accounts.forms import UserAdminChangeForm
from lindung.accounts.models import Role, User
from lindung.accounts.services import user_create, user_deactivate, user_set_scope
from lindung.accounts.tests.helpers import (
    DISTRICT_A,
    PASSWORD,
    REGENCY,
    VILLAGE_A,
    client_for,
    load_seluma,
    make_user,
)
from lindung.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def seluma(db: None) -> None:
    load_seluma()


def _scope_error(role: str, scope_code: str | None) -> str:
    with pytest.raises(ValidationError) as caught:
        user_create(username="baru", password=PASSWORD, role=role, scope_code=scope_code)
    assert not User.objects.filter(username="baru").exists()
    return " ".join(caught.value.message_dict["scope"])


def test_it_creates_a_desa_operator_scoped_to_a_village() -> None:
    user = user_create(
        username=" niur ",
        password=PASSWORD,
        role=Role.DESA,
        scope_code=VILLAGE_A,
        full_name="Rahmat Hidayat",
    )
    assert (user.username, user.scope_id, user.first_name, user.last_name) == (
        "niur",
        VILLAGE_A,
        "Rahmat",
        "Hidayat",
    )
    assert user.check_password(PASSWORD)
    assert not user.is_staff


def test_it_rejects_a_desa_operator_scoped_to_a_district() -> None:
    message = _scope_error(Role.DESA, DISTRICT_A)
    assert "harus berupa desa/kelurahan" in message
    assert "Sukaraja adalah kecamatan" in message


def test_it_rejects_a_kecamatan_operator_scoped_to_a_regency() -> None:
    assert "harus berupa kecamatan" in _scope_error(Role.KECAMATAN, REGENCY)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VERIFIER, Role.FINANCE, Role.BPJS])
def test_dinas_roles_work_for_a_regency_or_province_not_a_village(role: Role) -> None:
    assert "provinsi, kabupaten/kota" in _scope_error(role, VILLAGE_A)
    assert user_create(username="dinas", password=PASSWORD, role=role, scope_code=REGENCY)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEADERSHIP])
def test_read_only_roles_may_follow_a_single_district(role: Role) -> None:
    user = user_create(username="camat", password=PASSWORD, role=role, scope_code=DISTRICT_A)
    assert user.scope_id == DISTRICT_A
    assert "kecamatan" in _scope_error(role, VILLAGE_A)


def test_only_a_system_admin_may_work_without_an_area() -> None:
    assert "hanya admin sistem" in _scope_error(Role.MANAGER, None)
    admin = user_create(username="admin", password=PASSWORD, role=Role.ADMIN, scope_code=None)
    assert admin.scope is None
    assert admin.is_staff


def test_an_unknown_area_code_is_named_in_the_message() -> None:
    assert "99.99 tidak ada" in _scope_error(Role.MANAGER, "99.99")


def test_a_weak_password_is_refused() -> None:
    with pytest.raises(ValidationError):
        user_create(username="lemah", password="12345", role=Role.DESA, scope_code=VILLAGE_A)
    assert not User.objects.filter(username="lemah").exists()


def test_changing_the_scope_checks_the_level_and_is_audited() -> None:
    user = make_user(Role.KECAMATAN, DISTRICT_A)
    with pytest.raises(ValidationError):
        user_set_scope(user=user, scope_code=VILLAGE_A)
    user_set_scope(user=user, scope_code="17.05.02")
    user.refresh_from_db()
    assert user.scope_id == "17.05.02"
    event = AuditEvent.objects.filter(object_id=str(user.pk)).latest("id")
    assert event.detail == {"change": "scope", "from": DISTRICT_A, "to": "17.05.02"}


def test_a_deactivated_user_keeps_their_row_but_loses_access() -> None:
    user = make_user(Role.DESA, VILLAGE_A)
    user_deactivate(user=user)
    assert User.objects.get(pk=user.pk).is_active is False
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_admin_form_uses_the_same_scope_rule() -> None:
    user = make_user(Role.DESA, VILLAGE_A)
    data = {
        "username": user.username,
        "role": Role.DESA,
        "scope": DISTRICT_A,
        "is_active": "on",
        "date_joined": "2025-01-01 00:00:00",
    }
    form = UserAdminChangeForm(data, instance=user)
    assert not form.is_valid()
    assert "harus berupa desa/kelurahan" in str(form.errors["scope"])
    form = UserAdminChangeForm({**data, "scope": VILLAGE_A}, instance=user)
    assert form.is_valid(), form.errors


def test_the_admin_is_for_system_admins_and_the_audit_log_there_is_read_only() -> None:
    admin = make_user(Role.ADMIN, None)
    client = client_for(admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:people_person_add")).status_code == 403
    manager = make_user(Role.MANAGER, REGENCY)
    manager.is_staff = True  # even if someone ticks "staff", the admin shows them nothing
    manager.save()
    staff_client = client_for(manager)
    assert staff_client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_creating_a_user_in_the_admin_sets_staff_from_the_role_and_audits_it() -> None:
    client = client_for(make_user(Role.ADMIN, None))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "op-baru",
            "role": Role.DESA,
            "scope": DISTRICT_A,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200  # redisplayed: a desa operator needs a village
    assert not User.objects.filter(username="op-baru").exists()
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "op-baru",
            "role": Role.DESA,
            "scope": VILLAGE_A,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="op-baru")
    assert not user.is_staff
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ADMIN_CHANGE, object_id=str(user.pk)
    ).exists()

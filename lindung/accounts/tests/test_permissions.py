from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from lindung.accounts import permissions as perms
from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import REGENCY, client_for, load_seluma, make_user


def test_read_only_roles_hold_no_write_capability() -> None:
    for capability in perms.WRITE_CAPABILITIES:
        granted = perms.ROLE_CAPABILITIES[capability]
        assert not granted & perms.READ_ONLY_ROLES, capability


def test_whoever_edits_people_may_see_the_nik_they_type() -> None:
    editors = perms.ROLE_CAPABILITIES[perms.EDIT_PEOPLE]
    assert editors <= perms.ROLE_CAPABILITIES[perms.VIEW_FULL_NIK]


@pytest.mark.parametrize(
    ("role", "sees_full_nik"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.VERIFIER, True),
        (Role.BPJS, True),
        (Role.KECAMATAN, True),
        (Role.DESA, True),
        (Role.FINANCE, False),
        (Role.AUDITOR, False),
        (Role.LEADERSHIP, False),
    ],
)
def test_full_nik_goes_only_to_roles_whose_work_needs_it(
    db: None, role: Role, sees_full_nik: bool
) -> None:
    load_seluma()
    scope = {Role.ADMIN: None, Role.KECAMATAN: "17.05.01", Role.DESA: "17.05.01.2002"}
    user = make_user(role, scope.get(role, REGENCY))
    assert perms.has_capability(user, perms.VIEW_FULL_NIK) is sees_full_nik


def test_a_read_only_role_is_refused_writes_even_if_the_table_grants_them(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_seluma()
    auditor = make_user(Role.AUDITOR, REGENCY)
    table = dict(perms.ROLE_CAPABILITIES)
    table[perms.EDIT_PEOPLE] = frozenset(Role)
    monkeypatch.setattr(perms, "ROLE_CAPABILITIES", table)
    assert not perms.has_capability(auditor, perms.EDIT_PEOPLE)


def test_anonymous_and_inactive_users_have_no_capability(db: None) -> None:
    load_seluma()
    assert perms.capabilities_of(AnonymousUser()) == frozenset()
    manager = make_user(Role.MANAGER, REGENCY)
    manager.is_active = False
    assert perms.capabilities_of(manager) == frozenset()


def test_a_missing_capability_gives_a_403_page_in_indonesian(db: None) -> None:
    load_seluma()
    response = client_for(make_user(Role.LEADERSHIP, REGENCY)).get(reverse("people:create"))
    assert response.status_code == 403
    assert "tidak mempunyai izin" in response.content.decode()

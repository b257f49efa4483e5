from __future__ import annotations

import pytest
from django.core.management import call_command

from lindung.accounts.models import Role, User


@pytest.mark.django_db
def test_createsuperuser_makes_a_nationwide_system_admin(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "sangat-rahasia-2026")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@x.id")
    user = User.objects.get(username="root")
    assert (user.role, user.scope_id, user.is_superuser) == (Role.ADMIN, None, True)

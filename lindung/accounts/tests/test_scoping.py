"""The scope layer itself, on Region (registered plainly) and a covering registration."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from lindung.accounts import scoping
from lindung.accounts.models import Role, User
from lindung.people.models import Person
from lindung.regions.models import Region
from lindung.regions.services import regions_load


@pytest.fixture
def seluma(db):
    regions_load(only="17.05")


def _user(role: str, scope: str | None) -> User:
    return User.objects.create_user(
        username=f"u{role}{scope}", password="x", role=role, scope_id=scope
    )


def test_a_village_scope_sees_only_its_own_village(seluma) -> None:
    user = _user(Role.DESA, "17.05.01.2002")
    seen = scoping.visible(user, Region.objects.all())
    assert list(seen.values_list("code", flat=True)) == ["17.05.01.2002"]


def test_a_district_scope_sees_the_district_and_its_villages_but_no_neighbour(seluma) -> None:
    user = _user(Role.KECAMATAN, "17.05.01")
    codes = set(scoping.visible(user, Region.objects.all()).values_list("code", flat=True))
    assert "17.05.01" in codes and "17.05.01.2002" in codes
    assert "17.05.02" not in codes and "17.05" not in codes
    assert all(c == "17.05.01" or c.startswith("17.05.01.") for c in codes)


def test_a_code_sharing_a_prefix_without_the_dot_is_not_inside(seluma) -> None:
    # 17.05.1x districts start with the characters "17.05.1" but are not inside 17.05.01.
    user = _user(Role.KECAMATAN, "17.05.01")
    assert not scoping.visible(user, Region.objects.filter(code="17.05.10")).exists()


def test_covering_rows_include_the_areas_above_the_scope(seluma, monkeypatch) -> None:
    monkeypatch.setattr(scoping, "_COVERING", {Region})
    user = _user(Role.DESA, "17.05.01.2002")
    codes = set(scoping.visible(user, Region.objects.all()).values_list("code", flat=True))
    assert codes == {"17", "17.05", "17.05.01", "17.05.01.2002"}


def test_inactive_and_anonymous_users_see_nothing(seluma) -> None:
    user = _user(Role.MANAGER, "17.05")
    user.is_active = False
    assert not scoping.visible(user, Region.objects.all()).exists()
    assert not scoping.visible(AnonymousUser(), Region.objects.all()).exists()


def test_a_nationwide_admin_sees_everything_and_an_unscoped_other_role_nothing(seluma) -> None:
    admin = _user(Role.ADMIN, None)
    assert scoping.visible(admin, Region.objects.all()).count() == Region.objects.count()
    stray = User(username="stray", role=Role.MANAGER, scope_id=None, is_active=True)
    assert not scoping.visible(stray, Region.objects.all()).exists()


def test_an_unregistered_model_cannot_be_read_through_the_layer(seluma) -> None:
    admin = _user(Role.ADMIN, None)
    with pytest.raises(LookupError):
        scoping.visible(admin, User.objects.all())
    assert scoping.visible(admin, Person.objects.all()).count() == 0

"""API tokens: stored as a digest, shown once, revoked for good, audited; the command and
the token page."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import VILLAGE_A, World, build_world, client_for, make_user
from lindung.api import tokens
from lindung.api.models import ApiToken
from lindung.audit.models import AuditEvent


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def test_a_new_token_is_stored_only_as_its_digest(world: World) -> None:
    issued = tokens.token_create(actor=None, user=world.users["desa"], name="  SIKS   desa ")
    token = ApiToken.objects.get()
    assert issued.key.startswith("lnd_") and len(issued.key) == 47
    assert token.key_sha256 == tokens.digest(issued.key)
    assert token.prefix == issued.key[:12] and token.name == "SIKS desa"
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert issued.key not in stored
    assert tokens.token_authenticate(issued.key) == token


def test_creating_and_revoking_a_token_is_audited(world: World) -> None:
    user = world.users["manager"]
    issued = tokens.token_create(actor=user, user=user, name="Aplikasi Dinsos")
    tokens.token_revoke(actor=user, token=issued.token)
    events = list(AuditEvent.objects.filter(object_type="api_token").order_by("id"))
    assert [e.action for e in events] == [tokens.ACTION_CREATE, tokens.ACTION_REVOKE]
    assert all(e.actor == user and e.object_id == str(issued.token.pk) for e in events)
    assert events[0].detail["prefix"] == issued.token.prefix
    assert issued.key not in json.dumps(events[0].detail)
    assert tokens.token_authenticate(issued.key) is None


def test_a_revoked_token_cannot_be_revoked_again(world: World) -> None:
    issued = tokens.token_create(actor=None, user=world.users["desa"], name="x")
    tokens.token_revoke(actor=None, token=issued.token)
    with pytest.raises(ValidationError, match="sudah dicabut"):
        tokens.token_revoke(actor=None, token=issued.token)
    assert AuditEvent.objects.filter(action=tokens.ACTION_REVOKE).count() == 1


def test_it_refuses_a_blank_name_and_writes_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        tokens.token_create(actor=None, user=world.users["desa"], name="   ")
    assert "Beri nama token" in error.value.message_dict["name"][0]
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(object_type="api_token").exists()


def test_it_refuses_a_token_for_an_inactive_user(world: World) -> None:
    user = world.users["desa"]
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError, match="tidak aktif"):
        tokens.token_create(actor=None, user=user, name="x")


def test_it_refuses_more_than_the_active_limit(world: World, settings: object) -> None:
    user = world.users["desa"]
    for n in range(tokens.MAX_ACTIVE_PER_USER):
        tokens.token_create(actor=None, user=user, name=f"t{n}")
    with pytest.raises(ValidationError, match="Cabut token"):
        tokens.token_create(actor=None, user=user, name="satu lagi")
    tokens.token_revoke(actor=None, token=ApiToken.objects.filter(user=user).first())  # type: ignore[arg-type]
    tokens.token_create(actor=None, user=user, name="satu lagi")


def test_a_user_cannot_manage_someone_elses_tokens(world: World) -> None:
    issued = tokens.token_create(actor=None, user=world.users["desa_b"], name="x")
    with pytest.raises(PermissionDenied):
        tokens.token_revoke(actor=world.users["desa"], token=issued.token)
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=world.users["manager"], user=world.users["desa"], name="x")
    tokens.token_revoke(actor=world.users["admin"], token=issued.token)  # admins may


def test_the_last_use_is_recorded_at_most_once_a_minute(world: World) -> None:
    issued = tokens.token_create(actor=None, user=world.users["desa"], name="x")
    first = tokens.token_authenticate(issued.key)
    assert first is not None and first.last_used_at is not None
    again = tokens.token_authenticate(issued.key)
    assert again is not None and again.last_used_at == first.last_used_at


# -- the command ---------------------------------------------------------------------------


def _call(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_lists_and_revokes(world: World) -> None:
    username = world.users["desa"].username
    created = json.loads(_call("create", "--user", username, "--name", "SIKS", "--json"))
    assert tokens.token_authenticate(created["key"]) is not None
    listed = json.loads(_call("list", "--json"))
    assert [row["id"] for row in listed] == [created["id"]]
    assert "key" not in listed[0]
    assert created["key"] not in _call("list")
    revoked = json.loads(_call("revoke", "--id", str(created["id"]), "--json"))
    assert revoked["revoked_at"] is not None
    assert tokens.token_authenticate(created["key"]) is None
    assert AuditEvent.objects.filter(object_type="api_token").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "--user", "tidak-ada", "--name", "x"), "Pengguna tidak-ada tidak ada"),
        (("create", "--user", "admin-nasional", "--name", " "), "Beri nama token"),
        (("revoke", "--id", "abc"), "Token abc tidak ada"),
        (("revoke", "--id", "99999999999999999999999"), "tidak ada"),
    ],
)
def test_the_command_refuses_with_a_message(
    world: World, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as error:
        _call(*args)
    assert error.value.returncode == 2
    assert not ApiToken.objects.exists()


# -- the page ------------------------------------------------------------------------------


def test_the_page_shows_a_new_key_once(world: World) -> None:
    client = client_for(world.users["desa"])
    assert "belum mempunyai token" in client.get(reverse("api:tokens")).content.decode()
    made = client.post(reverse("api:tokens"), {"name": "Aplikasi desa"})
    html = made.content.decode()
    token = ApiToken.objects.get()
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    keys = [word for word in html.split() if word.startswith("lnd_") and len(word) >= 47]
    assert keys and tokens.digest(keys[0].split("<")[0]) == token.key_sha256
    again = client.get(reverse("api:tokens")).content.decode()
    assert token.prefix in again and keys[0].split("<")[0] not in again


def test_the_page_refuses_an_empty_name(world: World) -> None:
    response = client_for(world.users["desa"]).post(reverse("api:tokens"), {"name": ""})
    assert response.status_code == 400
    assert "Beri nama token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_revokes_only_ones_own_tokens(world: World) -> None:
    mine = tokens.token_create(actor=None, user=world.users["desa"], name="punya saya")
    other = tokens.token_create(actor=None, user=world.users["desa_b"], name="punya B")
    client = client_for(world.users["desa"])
    refused = client.post(reverse("api:token_revoke", args=[other.token.pk]))
    assert refused.status_code == 404
    done = client.post(reverse("api:token_revoke", args=[mine.token.pk]), follow=True)
    assert "dicabut" in done.content.decode()
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is None


def test_the_page_needs_a_signed_in_user(db: None) -> None:
    from django.test import Client

    response = Client().get(reverse("api:tokens"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_admin_made_token_for_a_village_user_acts_as_that_user(world: World) -> None:
    user = make_user(Role.DESA, VILLAGE_A, username="desa-kedua")
    issued = tokens.token_create(actor=world.users["admin"], user=user, name="x")
    found = tokens.token_authenticate(issued.key)
    assert found is not None and found.user == user and found.created_by == world.users["admin"]

"""Nobody reads or writes outside their area or their role, on any URL of the project.

The URL-walking tests enumerate `get_resolver()` so that a page added later is covered the
day it is added: if it is not public, it must send anonymous users to the login page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from lindung.accounts.models import User
from lindung.accounts.tests.helpers import (
    NIK_A,
    NIK_A2,
    NIK_B,
    VILLAGE_A,
    VILLAGE_B,
    World,
    build_world,
    client_for,
)
from lindung.people.models import Person
from lindung.regions.models import Region

# Pages anyone may open without signing in.
# Signing out needs no sign-in either: it only ends a session, if there is one.
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "admin:login",
    "admin:logout",
    "healthz",
    "set_language",
    "api:schema",  # the OpenAPI description: public, it holds no data
    "reports:public_check",  # the workers' status check: one answer to NIK + birth date
}
# The REST API takes tokens only and answers anonymous requests with 401 and a JSON
# message instead of a login redirect.
API_PREFIXES = ("api:programme-", "api:proposal-", "api:member-", "api:bill-", "api:claim-")
# Django's admin answers anonymous users with its own login page.
ADMIN_PREFIX = "admin:"
_GUESSES = ("1", "17.05", "people", "accounts", "x")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _patterns(
    resolver: URLResolver, namespace: str = ""
) -> Iterator[tuple[str, list[URLPattern | URLResolver]]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, chain in _patterns(entry, inner):
                yield name, [entry, *chain]
        elif entry.name:
            yield f"{namespace}{entry.name}", [entry]


def _reverse(name: str, chain: list[URLPattern | URLResolver]) -> str | None:
    """A concrete URL for a named pattern, guessing a value for each argument."""
    params: dict[str, Any] = {}
    positional = 0
    for entry in chain:
        converters = getattr(entry.pattern, "converters", {})
        regex = entry.pattern.regex
        positional += regex.groups - len(regex.groupindex)
        for param in regex.groupindex:
            params[param] = converters.get(param)
    for guess in _GUESSES:
        kwargs = {p: "1" if isinstance(conv, IntConverter) else guess for p, conv in params.items()}
        try:
            if positional:
                return reverse(name, args=[guess] * positional)
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _project_urls() -> list[tuple[str, str]]:
    urls = []
    for name, chain in _patterns(get_resolver()):
        url = _reverse(name, chain)
        assert url is not None, f"cannot build a URL for {name}: add a guess to _GUESSES"
        urls.append((name, url))
    return urls


def _is_login_redirect(response: Any, login_url: str) -> bool:
    return response.status_code == 302 and str(response["Location"]).startswith(login_url)


def _is_refused(name: str, response: Any, login_url: str) -> bool:
    if name.startswith(API_PREFIXES):
        return bool(response.status_code == 401)
    return _is_login_redirect(response, login_url)


@pytest.mark.django_db
def test_every_non_public_url_sends_anonymous_users_to_the_login_page() -> None:
    client = Client()
    urls = _project_urls()
    assert len(urls) > 20  # the walk found the project, not an empty resolver
    open_urls = []
    for name, url in urls:
        if name in PUBLIC:
            continue
        response = client.get(url)
        admin = name.startswith(ADMIN_PREFIX)
        login = reverse("admin:login") if admin else reverse("accounts:login")
        if not _is_refused(name, response, login):
            open_urls.append(f"{name} {url} -> {response.status_code}")
    assert open_urls == []


@pytest.mark.django_db
def test_anonymous_posts_are_sent_to_the_login_page_too() -> None:
    client = Client(enforce_csrf_checks=False)
    for name, url in _project_urls():
        if name in PUBLIC or name.startswith(ADMIN_PREFIX):
            continue
        response = client.post(url, {"nik": NIK_A})
        assert _is_refused(name, response, reverse("accounts:login")), name
    assert not Person.objects.exists()


def _stored_state() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Person.history.count(),
        User.objects.count(),
        Region.objects.count(),
    )


@pytest.mark.parametrize("role", ["auditor", "leadership"])
def test_read_only_roles_cannot_write_through_any_url(world: World, role: str) -> None:
    """A POST from a read-only user to any URL, with any person's data, changes nothing."""
    client = client_for(world.users[role])
    before = _stored_state()
    person = {"nik": "1705010101900009", "name": "Ditulis Auditor", "birth_date": "1990-01-01"}
    person |= {"sex": "L", "village": VILLAGE_A, "role": "admin", "scope": ""}
    for name, url in _project_urls():
        if name in PUBLIC:
            continue
        response = client.post(url, person)
        assert response.status_code < 500, f"{role} POST {name} ({url})"
        assert _stored_state() == before, f"{role} POST {name} ({url}) wrote something"
    assert User.objects.get(pk=world.users[role].pk).role == role


@pytest.mark.parametrize("role", ["auditor", "leadership"])
def test_read_only_roles_read_but_get_403_on_every_write_page(world: World, role: str) -> None:
    client = client_for(world.users[role])
    person = world.person_a
    assert client.get(reverse("people:list")).status_code == 200
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    for url in (
        reverse("people:create"),
        reverse("people:edit", args=[person.pk]),
        reverse("people:nik_check") + f"?nik={NIK_A}",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "X"}).status_code == 403, url
    assert client.post(reverse("people:reveal_nik", args=[person.pk])).status_code == 403


class TestDesaOperatorOfVillageA:
    @pytest.fixture
    def client(self, world: World) -> Client:
        return client_for(world.users["desa"])

    def test_gets_404_for_a_person_of_village_b(self, world: World, client: Client) -> None:
        pk = world.person_b.pk
        assert client.get(reverse("people:detail", args=[pk])).status_code == 404
        assert client.get(reverse("people:edit", args=[pk])).status_code == 404
        assert client.post(reverse("people:edit", args=[pk]), {"name": "X"}).status_code == 404
        assert client.post(reverse("people:reveal_nik", args=[pk])).status_code == 404

    def test_sees_their_village_only_in_the_list(self, world: World, client: Client) -> None:
        html = client.get(reverse("people:list")).content.decode()
        assert world.person_a.name in html
        assert world.person_b.name not in html
        assert world.person_a2.name not in html  # same kecamatan, other village

    def test_cannot_find_village_b_by_its_nik_or_name(self, world: World, client: Client) -> None:
        for q in (NIK_B, NIK_B[:8], "Nurhayati"):
            html = client.get(reverse("people:list"), {"q": q}).content.decode()
            assert world.person_b.name not in html, q

    def test_cannot_filter_the_list_to_village_b(self, world: World, client: Client) -> None:
        response = client.get(reverse("people:list"), {"area": VILLAGE_B})
        assert world.person_b.name not in response.content.decode()

    def test_cannot_create_a_person_in_village_b(self, world: World, client: Client) -> None:
        response = client.post(
            reverse("people:create"),
            {
                "nik": "1705020101900005",
                "name": "Orang Desa Lain",
                "birth_date": "1990-01-01",
                "sex": "L",
                "village": VILLAGE_B,
            },
        )
        assert response.status_code == 400
        assert "tidak ada di wilayah kerja Anda" in response.content.decode()
        assert not Person.objects.filter(name="Orang Desa Lain").exists()

    def test_cannot_reach_the_admin_or_the_audit_log(self, client: Client) -> None:
        admin = client.get(reverse("admin:index"))
        assert _is_login_redirect(admin, reverse("admin:login"))
        assert client.get(reverse("audit:list")).status_code == 403

    def test_may_not_export(self, client: Client) -> None:
        assert client.get(reverse("people:export")).status_code == 403


def test_an_export_holds_only_the_users_area(world: World) -> None:
    """Kecamatan A's reader sees A and A2 but not B, whichever filter they send."""
    district_auditor = world.users["auditor"]
    district_auditor.scope_id = "17.05.01"
    district_auditor.save()
    client = client_for(district_auditor)
    everyone = _exported_names(client, {})
    assert everyone == {world.person_a.name, world.person_a2.name}
    assert _exported_names(client, {"q": NIK_B}) == set()
    # An area outside the scope is not a choice: the filter is refused, nothing exported.
    refused = client.get(reverse("people:export"), {"area": VILLAGE_B})
    assert refused.status_code == 302
    assert not hasattr(refused, "streaming_content")


def _exported_names(client: Client, params: dict[str, str]) -> set[str]:
    response: Any = client.get(reverse("people:export"), params)
    body = b"".join(response.streaming_content).decode()
    return {row["nama"] for row in csv.DictReader(io.StringIO(body))}


def test_a_kecamatan_operator_sees_all_villages_of_their_district_only(world: World) -> None:
    client = client_for(world.users["kecamatan"])
    html = client.get(reverse("people:list")).content.decode()
    assert world.person_a.name in html
    assert world.person_a2.name in html
    assert world.person_b.name not in html
    assert client.get(reverse("people:detail", args=[world.person_a2.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[world.person_b.pk])).status_code == 404
    assert NIK_A2 not in html and NIK_A not in html  # masked in lists


def test_a_regency_manager_sees_every_village_of_the_regency(world: World) -> None:
    html = client_for(world.users["manager"]).get(reverse("people:list")).content.decode()
    for person in (world.person_a, world.person_a2, world.person_b):
        assert person.name in html


def test_the_village_filter_offers_only_villages_in_scope(world: World) -> None:
    html = client_for(world.users["kecamatan"]).get(reverse("people:list")).content.decode()
    assert f'value="{VILLAGE_A}"' in html
    assert f'value="{VILLAGE_B}"' not in html

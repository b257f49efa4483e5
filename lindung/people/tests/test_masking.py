"""A full NIK is shown only on request, to roles that may see it, and every time it is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.accounts.tests.helpers import NIK_A, NIK_A2, NIK_B, World, build_world, client_for
from lindung.audit.models import AuditEvent
from lindung.people.services import person_update


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def test_an_auditors_list_shows_masked_niks_and_never_a_full_one(world: World) -> None:
    html = client_for(world.users["auditor"]).get(reverse("people:list")).content.decode()
    assert "1705********0003" in html  # NIK_A
    for nik in (NIK_A, NIK_A2, NIK_B):
        assert nik not in html
        assert nik[:12] not in html  # not even the birth date part


def test_an_auditors_detail_page_is_masked_and_has_no_reveal_button(world: World) -> None:
    url = reverse("people:detail", args=[world.person_a.pk])
    html = client_for(world.users["auditor"]).get(url).content.decode()
    assert "1705********0003" in html and NIK_A not in html
    assert "Tampilkan NIK lengkap" not in html


@pytest.mark.parametrize("role", ["manager", "verifier", "bpjs", "kecamatan", "desa"])
def test_lists_are_masked_even_for_roles_that_may_reveal(world: World, role: str) -> None:
    html = client_for(world.users[role]).get(reverse("people:list")).content.decode()
    assert NIK_A not in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).exists()


def test_a_verifiers_reveal_shows_the_nik_and_writes_exactly_one_audit_event(
    world: World,
) -> None:
    client = client_for(world.users["verifier"])
    detail = client.get(reverse("people:detail", args=[world.person_a.pk])).content.decode()
    assert NIK_A not in detail and "Tampilkan NIK lengkap" in detail
    response = client.post(reverse("people:reveal_nik", args=[world.person_a.pk]))
    assert NIK_A in response.content.decode()
    events = AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW)
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.object_type, event.object_id) == (
        world.users["verifier"],
        "person",
        str(world.person_a.pk),
    )


def test_each_reveal_is_audited_again(world: World) -> None:
    client = client_for(world.users["desa"])
    url = reverse("people:reveal_nik", args=[world.person_a.pk])
    client.post(url)
    client.post(url)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).count() == 2


@pytest.mark.parametrize("role", ["auditor", "leadership", "finance"])
def test_roles_that_see_masked_niks_cannot_reveal(world: World, role: str) -> None:
    response = client_for(world.users[role]).post(
        reverse("people:reveal_nik", args=[world.person_a.pk])
    )
    assert response.status_code == 403
    assert NIK_A not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).exists()


def test_the_change_history_never_shows_a_full_nik(world: World) -> None:
    new_nik = NIK_A[:-4] + "0009"
    person_update(actor=world.users["manager"], person=world.person_a, nik=new_nik)
    url = reverse("people:detail", args=[world.person_a.pk])
    html = client_for(world.users["manager"]).get(url).content.decode()
    assert "1705********0003 → 1705********0009" in html
    assert NIK_A not in html and new_nik not in html


def test_messages_in_lists_have_every_nik_and_kk_number_masked() -> None:
    from lindung.people.templatetags.people_tags import mask_niks

    text = "NIK 1705010808770007 tercatat atas nama A; KK 1705012345678901, KPJ 23011234567."
    assert mask_niks(text) == (
        "NIK 1705********0007 tercatat atas nama A; KK 1705********8901, KPJ 23011234567."
    )
    # A longer number is not a NIK and is left alone.
    assert mask_niks("ID 12345678901234567") == "ID 12345678901234567"

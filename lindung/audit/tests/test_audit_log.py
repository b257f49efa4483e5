from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import Role, User
from lindung.accounts.tests.helpers import DISTRICT_A, REGENCY, client_for, load_seluma, make_user
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.regions.services import regions_load


@pytest.fixture
def auditor(db: None) -> User:
    load_seluma()
    return make_user(Role.AUDITOR, REGENCY)


def _event(**kwargs: object) -> AuditEvent:
    fields: dict[str, object] = {"actor": None, "action": AuditEvent.Action.EXPORT}
    return audit_record(**(fields | kwargs))  # type: ignore[arg-type]


def test_it_records_the_actor_and_the_address_the_request_came_from(auditor: User) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    event = audit_record(
        actor=auditor,
        action=AuditEvent.Action.EXPORT,
        object_type="person",
        detail={"count": 3},
        request=request,
    )
    event.refresh_from_db()
    assert (event.actor_id, event.actor_username, event.ip_address) == (
        auditor.pk,
        auditor.username,
        "10.1.2.3",
    )
    assert event.detail == {"count": 3}


def test_an_event_cannot_be_changed_or_deleted_through_the_model(db: None) -> None:
    event = _event()
    event.object_id = "diubah"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).object_id == ""


def test_the_database_refuses_an_update_by_raw_sql(db: None) -> None:
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).object_id == ""


def test_the_database_refuses_a_delete_by_raw_sql(db: None) -> None:
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_queryset_update_or_delete_is_refused_too(db: None) -> None:
    _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(object_id="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_the_auditor_reads_the_log_newest_first(auditor: User) -> None:
    _event(actor=auditor, object_id="ev-lama")
    _event(actor=auditor, object_id="ev-baru")
    html = client_for(auditor).get(reverse("audit:list")).content.decode()
    assert html.index("ev-baru") < html.index("ev-lama")


def test_the_log_names_what_was_touched_in_indonesian(auditor: User) -> None:
    _event(actor=auditor, object_type="payment", object_id="7")
    _event(actor=auditor, object_type="something_new", object_id="8")
    html = client_for(auditor).get(reverse("audit:list")).content.decode()
    assert "<td>Pembayaran (SP2D) 7</td>" in html
    assert "payment 7" not in html
    assert "<td>Something_new 8</td>" in html  # a type without a name: as stored


def test_the_log_filters_by_action_user_and_date(auditor: User) -> None:
    other = make_user(Role.MANAGER, REGENCY, username="pengelola")
    _event(actor=auditor, action=AuditEvent.Action.NIK_VIEW, object_id="lihat-1")
    _event(actor=other, action=AuditEvent.Action.EXPORT, object_id="ekspor-1")
    client = client_for(auditor)
    by_action = client.get(reverse("audit:list"), {"action": "nik_view"}).content.decode()
    assert "lihat-1" in by_action and "ekspor-1" not in by_action
    by_user = client.get(reverse("audit:list"), {"username": "pengelola"}).content.decode()
    assert "ekspor-1" in by_user and "lihat-1" not in by_user
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.get(reverse("audit:list"), {"date_from": tomorrow}).content.decode()
    assert "ekspor-1" not in later and "Tidak ada catatan audit" in later


def test_the_log_is_paginated_by_50(auditor: User) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=auditor, actor_username=auditor.username, action="export")
        for _ in range(60)
    )
    client = client_for(auditor)  # signing in adds one more event
    first = client.get(reverse("audit:list")).content.decode()
    assert "Halaman 1 dari 2" in first
    assert first.count("<tr>") == 50 + 1  # the rows and the header
    second = client.get(reverse("audit:list"), {"page": 2}).content.decode()
    # 60 exports and the sign-in; creating the auditor had no actor, so it is not in their area.
    assert second.count("<tr>") == 11 + 1


def test_a_scoped_auditor_reads_what_users_of_their_area_did(auditor: User) -> None:
    outsider_scope = "17.01"  # Bengkulu Selatan: another regency of the same province
    regions_load(only=outsider_scope)
    insider = make_user(Role.KECAMATAN, DISTRICT_A, username="dalam")
    outsider = make_user(Role.MANAGER, outsider_scope, username="luar")
    _event(actor=insider, object_id="di-seluma")
    _event(actor=outsider, object_id="di-luar")
    html = client_for(auditor).get(reverse("audit:list")).content.decode()
    assert "di-seluma" in html and "di-luar" not in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VERIFIER, Role.LEADERSHIP])
def test_only_auditors_and_admins_open_the_log(db: None, role: Role) -> None:
    load_seluma()
    assert client_for(make_user(role, REGENCY)).get(reverse("audit:list")).status_code == 403
    assert client_for(make_user(Role.ADMIN, None)).get(reverse("audit:list")).status_code == 200

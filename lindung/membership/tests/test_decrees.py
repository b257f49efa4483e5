"""The Bupati's decree and its amendments: who each lists, in which order, and what is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import make_user
from lindung.membership.decrees import decree_issue, pending_changes
from lindung.membership.models import (
    Decree,
    DecreeChange,
    DecreeEntry,
    DecreeKind,
    EndReason,
    MemberAction,
    MembershipEvent,
)
from lindung.membership.tests import decree_helpers as h
from lindung.membership.tests.conftest import Determined, nik
from lindung.regions.services import regions_load

# Kecamatan Seluma (Kelurahan Pasar Tais) before Sukaraja (Desa Lubuk Sahung, Desa Niur);
# within a village by rank.
ATTACHMENT_ORDER = [8, 9, 10, 6, 7, 2, 3, 1]
OTHER_REGENCY = "17.01"  # Kabupaten Bengkulu Selatan


def _lines(decree: Decree) -> list[tuple[int, str, str]]:
    entries = DecreeEntry.objects.filter(decree=decree).order_by("number")
    return list(entries.values_list("number", "change", "membership__nik"))


def _state() -> tuple[int, int, int]:
    return (
        Decree.objects.count(),
        DecreeEntry.objects.count(),
        MembershipEvent.objects.filter(action=MemberAction.DECREED).count(),
    )


def test_the_original_names_every_member_in_attachment_order(determined: Determined) -> None:
    decree = h.issue(determined)
    assert (decree.kind, decree.sequence, decree.amends) == (DecreeKind.ORIGINAL, 0, None)
    assert _lines(decree) == [
        (n, DecreeChange.ADDED, nik(s)) for n, s in enumerate(ATTACHMENT_ORDER, start=1)
    ]
    events = MembershipEvent.objects.filter(action=MemberAction.DECREED)
    assert events.count() == 8
    assert {e.detail["decree"] for e in events} == {decree.pk}
    assert {e.actor_id for e in events} == {determined.users["manager"].pk}
    assert decree.created_by == determined.users["manager"]


def test_texts_are_tidied_and_stored(determined: Determined) -> None:
    decree = h.issue(determined, number="  100.3/1/ 2026 ", place=" Tais ", full_nik=True)
    decree.refresh_from_db()
    assert (decree.number, decree.place, decree.full_nik) == ("100.3/1/ 2026", "Tais", True)


def test_a_period_not_yet_determined_gets_no_decree(proposed: Any) -> None:
    world, _programme, period = proposed
    with pytest.raises(ValidationError, match="belum ditetapkan"):
        decree_issue(actor=world.users["manager"], period=period, **h.decree_fields())
    assert _state() == (0, 0, 0)


def test_a_period_has_one_original(determined: Determined) -> None:
    first = h.issue(determined)
    before = _state()
    with pytest.raises(ValidationError, match=f"sudah dicatat \\(nomor {first.number}\\)"):
        h.issue(determined, number="100.3.3.2/999/KPTS/2026")
    assert _state() == before


def test_a_number_is_used_once_in_a_programme(determined: Determined) -> None:
    original = h.issue(determined)
    h.end(determined.member(2))
    before = _state()
    with pytest.raises(ValidationError) as refused:
        h.amend(determined, number=original.number)
    assert "sudah dipakai" in refused.value.message_dict["number"][0]
    assert _state() == before


def test_empty_and_too_long_fields_are_refused_together(determined: Determined) -> None:
    with pytest.raises(ValidationError) as refused:
        h.issue(determined, number="   ", title="", signer_name="x" * 151, signed_on=None)
    errors = refused.value.message_dict
    assert set(errors) == {"number", "title", "signer_name", "signed_on"}
    assert errors["number"] == ["Nomor keputusan wajib diisi."]
    assert "paling panjang 150 huruf" in errors["signer_name"][0]
    assert _state() == (0, 0, 0)


def test_a_decree_may_take_effect_before_it_was_signed(determined: Determined) -> None:
    signed = h.today() - timedelta(days=3)
    decree = h.issue(determined, signed_on=signed, effective_on=signed - timedelta(days=30))
    assert decree.effective_on < decree.signed_on


@pytest.mark.parametrize("role", ["verifier", "desa", "kecamatan", "finance", "auditor", "bpjs"])
def test_roles_without_manage_decrees_cannot_issue(determined: Determined, role: str) -> None:
    with pytest.raises(PermissionDenied):
        h.issue(determined, actor=determined.users[role])
    assert _state() == (0, 0, 0)


def test_a_manager_of_another_regency_cannot_issue_this_ones_decree(
    determined: Determined,
) -> None:
    regions_load(only=OTHER_REGENCY)
    manager = make_user(Role.MANAGER, OTHER_REGENCY, username="manager-bengkulu-selatan")
    with pytest.raises(PermissionDenied, match="di luar wilayah kerja"):
        h.issue(determined, actor=manager)


def test_the_amendment_lists_the_ended_then_their_replacements(determined: Determined) -> None:
    original = h.issue(determined)
    ended = determined.member(2)
    h.end(ended, EndReason.DEATH)
    replacement = h.replace(ended, h.waiting(nik(4)))
    amendment = h.amend(determined)
    assert amendment.kind == DecreeKind.AMENDMENT
    assert (amendment.amends, amendment.sequence) == (original, 1)
    assert _lines(amendment) == [(1, DecreeChange.ENDED, nik(2)), (2, DecreeChange.ADDED, nik(4))]
    decreed = MembershipEvent.objects.filter(action=MemberAction.DECREED, membership=ended)
    assert [e.detail["change"] for e in decreed.order_by("id")] == ["added", "ended"]
    assert replacement.events.filter(action=MemberAction.DECREED).count() == 1


def test_a_second_amendment_lists_only_what_changed_since(determined: Determined) -> None:
    h.issue(determined)
    h.end(determined.member(2))
    h.amend(determined)
    with pytest.raises(ValidationError, match="Tidak ada perubahan"):
        h.amend(determined, number="100.3.3.2/300/KPTS/2026")
    h.end(determined.member(8), EndReason.MOVED)
    second = h.amend(determined, number="100.3.3.2/300/KPTS/2026")
    assert second.sequence == 2
    assert _lines(second) == [(1, DecreeChange.ENDED, nik(8))]


def test_a_member_who_ended_before_the_original_is_in_no_decree(determined: Determined) -> None:
    gone = determined.member(1)
    h.end(gone)
    h.replace(gone, h.waiting(nik(4)))
    assert pending_changes(determined.period).never_listed == 1
    original = h.issue(determined)
    listed = {line[2] for line in _lines(original)}
    assert nik(1) not in listed and nik(4) in listed
    assert len(listed) == 8
    with pytest.raises(ValidationError, match="Tidak ada perubahan"):
        h.amend(determined)


def test_an_amendment_needs_the_original(determined: Determined) -> None:
    h.end(determined.member(2))
    with pytest.raises(ValidationError, match="belum punya SK penetapan"):
        h.amend(determined)


def test_an_amendment_is_not_dated_before_the_decree_it_changes(determined: Determined) -> None:
    original = h.issue(determined)
    h.end(determined.member(2))
    with pytest.raises(ValidationError) as refused:
        h.amend(determined, signed_on=original.signed_on - timedelta(days=1))
    assert original.number in refused.value.message_dict["signed_on"][0]


def test_a_list_that_changed_since_the_page_was_opened_is_refused(determined: Determined) -> None:
    h.issue(determined)
    h.end(determined.member(2))
    seen = pending_changes(determined.period).token
    h.end(determined.member(9))  # someone else ends another member meanwhile
    before = _state()
    with pytest.raises(ValidationError, match="berubah sejak halaman ini dibuka"):
        h.amend(determined, expected_changes=seen)
    assert _state() == before
    fresh = pending_changes(determined.period).token
    assert len(_lines(h.amend(determined, expected_changes=fresh))) == 2


def test_the_database_refuses_a_second_original_and_a_reused_number(
    determined: Determined,
) -> None:
    """What the period lock and the checks guard is held by the database too, for two
    requests that both passed the checks."""
    original = h.issue(determined)
    copy = {
        "programme": original.programme,
        "period": original.period,
        "kind": DecreeKind.ORIGINAL,
        "title": "x",
        "signed_on": original.signed_on,
        "effective_on": original.effective_on,
        "signer_name": "x",
        "signer_title": "x",
        "place": "x",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Decree.objects.create(**copy, number="lain/1", sequence=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decree.objects.create(
            **(copy | {"kind": DecreeKind.AMENDMENT}),
            amends=original,
            sequence=1,
            number=original.number,
        )
    assert Decree.objects.count() == 1

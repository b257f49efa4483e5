"""Member pages for every role: who sees which members, masked NIKs, the end form, the
replacement offer, the waiting list, the exit queue and the export."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import VILLAGE_B, build_world, client_for
from lindung.audit.models import AuditEvent
from lindung.membership.models import (
    CandidateStatus,
    EndReason,
    ExitCandidate,
    Membership,
    MemberStatus,
)
from lindung.membership.tests.conftest import Determined, nik
from lindung.membership.tests.lifecycle_helpers import import_deaths

A_NAMES = ("Ahmad Fauzi", "Bambang Sutrisno", "Joko Susilo")
B_NAMES = ("Yohanes Simanjuntak", "Wayan Sudarma", "Agus Salim")
ALL_ROLES = ["admin", "manager", "verifier", "finance", "bpjs", "auditor", "leadership"]


def _client(d: Determined, role: str) -> Client:
    return client_for(d.users[role])


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


@pytest.mark.parametrize("role", [*ALL_ROLES, "kecamatan", "desa", "desa_b"])
def test_every_role_opens_the_lists(determined: Determined, role: str) -> None:
    client = _client(determined, role)
    for name in ("membership:list", "membership:waiting", "membership:exits"):
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("role", [*ALL_ROLES, "kecamatan", "desa"])
def test_roles_of_the_area_open_a_member_of_village_a(determined: Determined, role: str) -> None:
    html = _html(_client(determined, role).get(determined.member(2).get_absolute_url()))
    assert "Bambang Sutrisno" in html
    assert nik(2) not in html  # masked until revealed


def test_a_village_sees_only_its_own_members(determined: Determined) -> None:
    client = _client(determined, "desa")
    html = _html(client.get(reverse("membership:list")))
    assert all(name in html for name in A_NAMES)
    assert not any(name in html for name in (*B_NAMES, "Siti Rahmawati"))
    assert client.get(determined.member(8).get_absolute_url()).status_code == 404
    html = _html(client.get(reverse("membership:list"), {"q": nik(8)}))
    assert "Yohanes" not in html
    waiting = _html(client.get(reverse("membership:waiting")))
    assert "Dedi Kurniawan" in waiting and "Rudi Hartono" not in waiting


def test_the_village_of_b_gets_404_for_a_member_of_a(determined: Determined) -> None:
    client = _client(determined, "desa_b")
    url = determined.member(2).get_absolute_url()
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("membership:reveal_nik", args=[determined.member(2).pk])).status_code
        == 404
    )


def test_the_list_masks_niks_counts_statuses_and_filters(determined: Determined) -> None:
    client = _client(determined, "manager")
    html = _html(client.get(reverse("membership:list")))
    assert all(name in html for name in (*A_NAMES, *B_NAMES))
    assert not any(nik(s) in html for s in range(1, 12))
    assert "1705********0002" in html
    assert "Ditetapkan, belum terdaftar di BPJS: 8" in html
    by_name = _html(client.get(reverse("membership:list"), {"q": "bambang"}))
    assert "Bambang Sutrisno" in by_name and "Joko Susilo" not in by_name
    by_nik = _html(client.get(reverse("membership:list"), {"q": nik(3)[:4] + " " + nik(3)[4:]}))
    assert "Joko Susilo" in by_nik and "Bambang" not in by_nik
    by_area = _html(client.get(reverse("membership:list"), {"wilayah": VILLAGE_B}))
    assert "Agus Salim" in by_area and "Joko Susilo" not in by_area
    ended = _html(client.get(reverse("membership:list"), {"status": MemberStatus.ENDED}))
    assert "Tidak ada peserta yang cocok" in ended


def test_a_kecamatan_cannot_filter_to_another_kecamatan(determined: Determined) -> None:
    response = _client(determined, "kecamatan").get(
        reverse("membership:list"), {"wilayah": VILLAGE_B}
    )
    html = _html(response)
    assert "Agus Salim" not in html
    assert "errorlist" in html


def test_the_list_says_when_there_are_no_members_yet(db: None) -> None:
    world = build_world()
    html = _html(client_for(world.users["manager"]).get(reverse("membership:list")))
    assert "Belum ada peserta di wilayah kerja Anda" in html
    waiting = _html(client_for(world.users["manager"]).get(reverse("membership:waiting")))
    assert "Daftar tunggu kosong" in waiting
    exits = _html(client_for(world.users["manager"]).get(reverse("membership:exits")))
    assert "Tidak ada usulan berhenti" in exits and "impor dulu" in exits


# -- NIK reveal and export -------------------------------------------------------------------


def test_revealing_the_nik_is_audited(determined: Determined) -> None:
    member = determined.member(2)
    url = reverse("membership:reveal_nik", args=[member.pk])
    html = _html(_client(determined, "manager").post(url))
    assert nik(2) in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.NIK_VIEW)
    assert (event.object_type, event.object_id) == ("membership", str(member.pk))
    for role in ("finance", "auditor", "leadership"):
        assert _client(determined, role).post(url).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).count() == 1


def _export(client: Client, **params: str) -> Any:
    return client.get(reverse("membership:export"), params)


def _csv_body(response: Any) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_the_export_is_masked_unless_asked_by_a_role_that_may_see_niks(
    determined: Determined,
) -> None:
    manager = _client(determined, "manager")
    masked = _csv_body(_export(manager, format="csv"))
    assert "Bambang Sutrisno" in masked and nik(2) not in masked
    full = _csv_body(_export(manager, format="csv", nik="lengkap"))
    assert nik(2) in full
    auditor = _csv_body(_export(_client(determined, "auditor"), format="csv", nik="lengkap"))
    assert "Bambang Sutrisno" in auditor and nik(2) not in auditor
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id")
    assert [e.detail["full_nik"] for e in exports] == [False, True, False]
    assert exports[0].detail["count"] == 8
    for role in ("finance", "desa", "kecamatan", "leadership"):
        assert _export(_client(determined, role), format="csv").status_code == 403


def test_the_xlsx_export_follows_the_filters(determined: Determined) -> None:
    response = _export(_client(determined, "manager"), format="xlsx", wilayah=VILLAGE_B)
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    table = rows.to_python()
    assert table[0][:2] == ["nik", "nama"]
    assert sorted(r[1] for r in table[1:]) == sorted(B_NAMES)
    assert all("*" in str(r[0]) for r in table[1:])


def test_a_bad_export_request_is_refused(determined: Determined) -> None:
    client = _client(determined, "manager")
    assert _export(client, format="pdf").status_code == 302
    assert _export(client, format="csv", wilayah="17.01").status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


# -- ending and replacing --------------------------------------------------------------------


def _end_post(client: Client, member: Membership, **data: Any) -> Any:
    form = {
        "version": member.version,
        "reason": EndReason.WITHDRAWN,
        "effective_on": timezone.localdate().isoformat(),
        "note": "Surat pengunduran diri",
    } | data
    return client.post(reverse("membership:end", args=[member.pk]), form)


@pytest.mark.parametrize("role", ["finance", "auditor", "leadership", "bpjs", "desa", "kecamatan"])
def test_read_only_and_village_roles_cannot_end_or_replace(
    determined: Determined, role: str
) -> None:
    client = _client(determined, role)
    member = determined.member(2)
    html = _html(client.get(member.get_absolute_url()))
    assert "Hentikan kepesertaan" not in html
    assert _end_post(client, member).status_code == 403
    assert client.post(reverse("membership:replace", args=[member.pk])).status_code == 403
    assert determined.member(2).status == MemberStatus.DETERMINED


def test_the_end_form_refuses_bad_input_saying_what_to_fix(determined: Determined) -> None:
    client = _client(determined, "manager")
    member = determined.member(2)
    html = _html(client.get(member.get_absolute_url()))
    assert "Hentikan kepesertaan" in html
    response = _end_post(client, member, reason="", effective_on="kemarin")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Pilih alasan berhenti." in text and "tidak terbaca" in text
    response = _end_post(client, member, effective_on=date(2020, 1, 1).isoformat())
    assert (
        response.status_code == 400 and "isi tanggal pada atau sesudah" in response.content.decode()
    )
    response = _end_post(client, member, note="")
    assert response.status_code == 400 and "catatan wajib" in response.content.decode()
    assert determined.member(2).status == MemberStatus.DETERMINED


def test_a_stale_end_form_says_someone_else_changed_it(determined: Determined) -> None:
    client = _client(determined, "manager")
    member = determined.member(2)
    Membership.objects.filter(pk=member.pk).update(version=5)
    response = _end_post(client, member, version=1)
    assert response.status_code == 302
    html = _html(client.get(member.get_absolute_url()))
    assert "baru saja diubah oleh orang lain" in html
    assert determined.member(2).status == MemberStatus.DETERMINED


def test_ending_then_taking_the_offered_replacement(determined: Determined) -> None:
    client = _client(determined, "manager")
    member = determined.member(2)
    assert _end_post(client, member).status_code == 302
    html = _html(client.get(member.get_absolute_url()))
    assert "berhenti menjadi peserta mulai" in html
    assert "Dedi Kurniawan" in html and "urutan tunggu 1" in html
    response = client.post(
        reverse("membership:replace", args=[member.pk]), {"entry": _entry_id(html)}
    )
    new = Membership.objects.get(replaces=member)
    assert response["Location"] == new.get_absolute_url()
    html = _html(client.get(new.get_absolute_url()))
    assert "Menggantikan" in html and "Bambang Sutrisno" in html
    # The offer is gone once the place is filled; a second click is refused.
    assert "Tetapkan" not in _html(client.get(member.get_absolute_url()))
    client.post(reverse("membership:replace", args=[member.pk]))
    assert Membership.objects.filter(replaces=member).count() == 1


def _entry_id(html: str) -> str:
    marker = 'name="entry" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_a_death_on_the_page_opens_the_jkm_claim(determined: Determined) -> None:
    client = _client(determined, "verifier")
    member = determined.member(8)
    _end_post(client, member, reason=EndReason.DEATH, note="", evidence="Akta 3/2025")
    html = _html(client.get(member.get_absolute_url()))
    assert "JKM (kematian)" in html and "Akta 3/2025" in html
    assert "Rudi Hartono" in html  # the offer from village B's waiting list


def test_no_candidate_says_the_place_stays_empty(determined: Determined) -> None:
    client = _client(determined, "manager")
    member = determined.member(6)  # village A2: nobody waiting
    _end_post(client, member)
    html = _html(client.get(member.get_absolute_url()))
    assert "Tidak ada calon di daftar tunggu" in html


# -- exit queue ------------------------------------------------------------------------------


def test_the_exit_queue_matches_accepts_and_dismisses(determined: Determined) -> None:
    import_deaths({nik(2): timezone.localdate(), nik(9): timezone.localdate()})
    client = _client(determined, "manager")
    assert "Cocokkan data Dukcapil terbaru" in _html(client.get(reverse("membership:exits")))
    client.post(reverse("membership:exit_match"))
    html = _html(client.get(reverse("membership:exits")))
    assert "2 usulan berhenti baru" in html
    assert "Bambang Sutrisno" in html and "Wayan Sudarma" in html
    two = ExitCandidate.objects.get(membership__nik=nik(2))
    nine = ExitCandidate.objects.get(membership__nik=nik(9))
    client.post(reverse("membership:exit_accept", args=[two.pk]), {"version": "1"})
    assert determined.member(2).end_reason == EndReason.DEATH
    client.post(reverse("membership:exit_dismiss", args=[nine.pk]), {"note": ""})
    nine.refresh_from_db()
    assert nine.status == CandidateStatus.PENDING
    client.post(reverse("membership:exit_dismiss", args=[nine.pk]), {"note": "Beda orang"})
    nine.refresh_from_db()
    assert nine.status == CandidateStatus.DISMISSED
    html = _html(client.get(reverse("membership:exits")))
    assert "Tidak ada usulan berhenti yang menunggu" in html


def test_the_exit_queue_is_read_only_for_finance_and_scoped_for_villages(
    determined: Determined,
) -> None:
    import_deaths({nik(2): timezone.localdate(), nik(9): timezone.localdate()})
    _client(determined, "manager").post(reverse("membership:exit_match"))
    candidate = ExitCandidate.objects.get(membership__nik=nik(2))
    finance = _client(determined, "finance")
    html = _html(finance.get(reverse("membership:exits")))
    assert "Bambang Sutrisno" in html and "Cocokkan" not in html and "Tetap peserta" not in html
    assert finance.post(reverse("membership:exit_accept", args=[candidate.pk])).status_code == 403
    assert finance.post(reverse("membership:exit_match")).status_code == 403
    desa_b = _html(_client(determined, "desa_b").get(reverse("membership:exits")))
    assert "Wayan Sudarma" in desa_b and "Bambang" not in desa_b
    assert determined.member(2).status == MemberStatus.DETERMINED

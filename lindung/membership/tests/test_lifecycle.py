"""Membership lifecycle: ending, replacing from the waiting list, exits from Dukcapil
extracts, age-outs, and the `lindung members` command.

The fixture (conftest): village A has members 2, 3, 1 (ranks 1-3) and waiting 4, 5; village
A2 has members 6, 7 and nobody waiting; village B has members 8, 9, 10 and waiting 11.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2, VILLAGE_B, build_world
from lindung.claims.models import Claim, ClaimBenefit
from lindung.membership.determination import determination_commit
from lindung.membership.models import (
    CandidateStatus,
    Determination,
    EndReason,
    ExitCandidate,
    MemberAction,
    Membership,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)
from lindung.membership.services import (
    ConflictError,
    exit_candidate_accept,
    exit_candidate_dismiss,
    exits_from_snapshot,
    members_end_of_month,
    membership_end,
    replacement_candidate,
    replacement_fill,
    replacements_fill_all,
)
from lindung.membership.tests.conftest import (
    Determined,
    import_welfare,
    make_eligible,
    make_period,
    make_programme,
    next_month,
    nik,
)
from lindung.membership.tests.lifecycle_helpers import (
    OUTSIDE_VILLAGE,
    import_deaths,
    import_moves,
    second_period,
    waiting_entry,
)
from lindung.programs.models import Programme, QuotaKind
from lindung.references.models import ReferenceKind
from lindung.references.services import snapshot_import


def _end(d: Determined, serial: int, reason: str = EndReason.WITHDRAWN, **kw: Any) -> Membership:
    member = d.member(serial)
    arguments: dict[str, Any] = {
        "actor": d.users["manager"],
        "membership": member,
        "expected_version": member.version,
        "reason": reason,
        "effective_on": timezone.localdate(),
        "note": "Surat pernyataan",
    }
    return membership_end(**(arguments | kw))


# -- ending ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", EndReason.values)
def test_ending_records_the_reason_date_event_and_a_new_version(
    determined: Determined, reason: str
) -> None:
    today = timezone.localdate()
    ended = _end(determined, 2, reason, evidence="Akta 17/2025")
    fresh = Membership.objects.get(pk=ended.pk)
    assert (fresh.status, fresh.end_reason, fresh.ended_on) == (MemberStatus.ENDED, reason, today)
    assert (fresh.version, fresh.end_evidence, fresh.end_note) == (
        2,
        "Akta 17/2025",
        "Surat pernyataan",
    )
    event = fresh.events.get(action=MemberAction.ENDED)
    assert (event.from_status, event.to_status) == (MemberStatus.DETERMINED, MemberStatus.ENDED)
    assert event.actor == determined.users["manager"]
    assert event.detail["reason"] == reason
    claims = Claim.objects.filter(membership=fresh)
    assert claims.count() == (1 if reason == EndReason.DEATH else 0)


def test_a_death_opens_the_jkm_claim_with_the_date_of_death(determined: Determined) -> None:
    member = _end(determined, 2, EndReason.DEATH, note="", evidence="Akta kematian 1/2025")
    claim = Claim.objects.get(membership=member)
    assert (claim.benefit, claim.status, claim.source) == (ClaimBenefit.JKM, "reported", "manual")
    assert claim.event_date == timezone.localdate()
    assert claim.created_by == determined.users["manager"]


def test_a_stale_version_is_refused_and_changes_nothing(determined: Determined) -> None:
    member = determined.member(2)
    Membership.objects.filter(pk=member.pk).update(version=2)  # someone else saved meanwhile
    with pytest.raises(ConflictError, match="baru saja diubah"):
        _end(determined, 2, expected_version=1)
    fresh = Membership.objects.get(pk=member.pk)
    assert (fresh.status, fresh.version) == (MemberStatus.DETERMINED, 2)
    assert not fresh.events.filter(action=MemberAction.ENDED).exists()


def test_ending_an_ended_member_again_is_a_conflict(determined: Determined) -> None:
    _end(determined, 2, EndReason.DEATH, note="")
    with pytest.raises(ConflictError, match="sudah berhenti"):
        _end(determined, 2, EndReason.DEATH, note="", expected_version=2)
    assert Claim.objects.count() == 1
    assert determined.member(2).events.filter(action=MemberAction.ENDED).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "pensiun"}, "reason", "Pilih alasan berhenti"),
        ({"effective_on": date(2020, 1, 1)}, "effective_on", "isi tanggal pada atau sesudah"),
        (
            {"reason": EndReason.DEATH, "effective_on": date.today() + timedelta(days=3)},
            "effective_on",
            "tidak boleh sesudah hari ini",
        ),
        ({"effective_on": date.today() + timedelta(days=400)}, "effective_on", "setahun"),
        ({"reason": EndReason.WITHDRAWN, "note": "  "}, "note", "catatan wajib"),
        ({"reason": EndReason.INELIGIBLE, "note": ""}, "note", "catatan wajib"),
        ({"effective_on": None}, "effective_on", "Isi tanggal"),
    ],
)
def test_bad_input_is_refused_saying_what_to_fix(
    determined: Determined, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _end(determined, 2, **changes)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    fresh = determined.member(2)
    assert (fresh.status, fresh.version, fresh.events.count()) == (MemberStatus.DETERMINED, 1, 1)


@pytest.mark.parametrize("role", ["finance", "bpjs", "desa", "kecamatan", "auditor"])
def test_roles_without_end_memberships_cannot_end(determined: Determined, role: str) -> None:
    with pytest.raises(PermissionDenied):
        _end(determined, 2, actor=determined.users[role])
    assert determined.member(2).status == MemberStatus.DETERMINED


def test_the_verifier_and_the_system_may_end(determined: Determined) -> None:
    _end(determined, 2, actor=determined.users["verifier"])
    _end(determined, 3, actor=None)
    assert Membership.objects.filter(status=MemberStatus.ENDED).count() == 2


# -- replacing -------------------------------------------------------------------------------


def test_the_next_of_the_same_village_takes_the_place_in_rank_order(
    determined: Determined,
) -> None:
    manager = determined.users["manager"]
    ended = _end(determined, 2)
    candidate = replacement_candidate(ended)
    assert candidate is not None and candidate.proposal.nik == nik(4)
    new = replacement_fill(actor=manager, ended=ended)
    fresh = Membership.objects.get(pk=new.pk)
    assert (fresh.nik, fresh.name, fresh.village_id) == (nik(4), "Dedi Kurniawan", VILLAGE_A)
    assert (fresh.status, fresh.replaces_id, fresh.rank) == (MemberStatus.DETERMINED, ended.pk, 4)
    assert (fresh.determination_id, fresh.period_id) == (ended.determination_id, ended.period_id)
    assert fresh.birth_date == fresh.proposal.birth_date and fresh.kk == fresh.proposal.kk
    entry = WaitingEntry.objects.get(proposal__nik=nik(4))
    assert (entry.status, entry.membership_id) == (WaitingStatus.TAKEN, fresh.pk)
    event = fresh.events.get()
    assert (event.action, event.actor, event.detail["replaces"]) == (
        MemberAction.REPLACED,
        manager,
        ended.pk,
    )
    second = replacement_fill(actor=manager, ended=_end(determined, 3))
    assert (second.nik, second.rank) == (nik(5), 5)
    last = _end(determined, 1)
    assert replacement_candidate(last) is None
    with pytest.raises(ValidationError, match="Tidak ada calon"):
        replacement_fill(actor=manager, ended=last)


def test_a_village_quota_never_takes_from_another_village(determined: Determined) -> None:
    assert replacement_candidate(_end(determined, 8)).proposal.nik == nik(11)  # type: ignore[union-attr]
    # A2 has nobody waiting; A next door does, but that is another quota area.
    assert replacement_candidate(_end(determined, 6)) is None


def test_a_kecamatan_quota_takes_from_the_whole_kecamatan(db: None) -> None:
    world = build_world()
    programme = make_programme(quota_kind=QuotaKind.DISTRICT, quota_size=3)
    period = make_period(programme)
    import_welfare(None, timezone.localdate())
    make_eligible(programme, period, [1, 2, 3, 6, 7])  # the limit is 5 per kecamatan
    determination_commit(actor=None, period=period, months=3, coverage_start=next_month())
    # Kecamatan Sukaraja: desil 1 (2), then desil 2 oldest first (3, 6); 7 waits first.
    chosen = set(Membership.objects.values_list("nik", flat=True))
    assert chosen == {nik(2), nik(3), nik(6)}
    member = Membership.objects.get(nik=nik(2))
    membership_end(
        actor=world.users["manager"],
        membership=member,
        expected_version=1,
        reason=EndReason.MOVED,
        effective_on=timezone.localdate(),
    )
    new = replacement_fill(actor=None, ended=member)
    assert (new.nik, new.village_id) == (nik(7), VILLAGE_A2)  # from the other village
    assert new.rank == 4


def test_a_member_still_active_cannot_be_replaced(determined: Determined) -> None:
    with pytest.raises(ValidationError, match="masih peserta aktif"):
        replacement_fill(actor=None, ended=determined.member(2))
    assert not WaitingEntry.objects.filter(status=WaitingStatus.TAKEN).exists()


def test_a_place_is_filled_once(determined: Determined) -> None:
    ended = _end(determined, 2)
    first = replacement_fill(actor=None, ended=ended)
    with pytest.raises(ConflictError, match=f"sudah diisi oleh {first.name}"):
        replacement_fill(actor=None, ended=ended)
    assert Membership.objects.filter(replaces=ended).count() == 1


def test_a_taken_entry_cannot_take_a_second_place(determined: Determined) -> None:
    first = _end(determined, 2)
    entry = waiting_entry(determined.determination, 4)
    replacement_fill(actor=None, ended=first, entry=entry)
    with pytest.raises(ConflictError, match="sudah menggantikan peserta lain"):
        replacement_fill(actor=None, ended=_end(determined, 3), entry=entry)
    assert Membership.objects.filter(nik=nik(4)).count() == 1


def test_an_entry_of_another_quota_area_is_refused(determined: Determined) -> None:
    with pytest.raises(ValidationError, match="wilayah kuota lain"):
        replacement_fill(
            actor=None,
            ended=_end(determined, 2),
            entry=waiting_entry(determined.determination, 11),
        )
    assert WaitingEntry.objects.get(proposal__nik=nik(11)).status == WaitingStatus.WAITING


def test_only_end_memberships_roles_may_replace(determined: Determined) -> None:
    ended = _end(determined, 2)
    for role in ("finance", "desa", "auditor", "bpjs"):
        with pytest.raises(PermissionDenied):
            replacement_fill(actor=determined.users[role], ended=ended)
    assert not Membership.objects.filter(replaces=ended).exists()


def test_the_database_refuses_a_second_active_membership_of_one_person(
    determined: Determined,
) -> None:
    """The partial unique index itself, without any service in front of it: serial 4 is
    active in period 2 and waits in period 1; a period-1 place for them is refused."""
    det2 = second_period(determined)
    assert Membership.objects.get(determination=det2).nik == nik(4)
    copy = Membership.objects.get(nik=nik(2))
    copy.pk = None
    copy.proposal = waiting_entry(determined.determination, 4).proposal
    copy.nik = nik(4)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        copy.save(force_insert=True)
    text = str(refused.value)
    assert (
        "membership_one_active_per_person" in text
        or "programme_id, membership_membership.nik" in text
    )
    copy.status, copy.ended_on, copy.end_reason = MemberStatus.ENDED, timezone.localdate(), "death"
    copy.save(force_insert=True)  # an ended one is history, not a second place
    assert Membership.objects.filter(nik=nik(4)).count() == 2


def test_a_person_waiting_in_two_periods_gets_one_place(determined: Determined) -> None:
    det2 = second_period(determined)  # member 1 ended; 4 took A's free place in period 2
    four = Membership.objects.get(determination=det2)
    membership_end(
        actor=None,
        membership=four,
        expected_version=1,
        reason=EndReason.WAGE_EARNER,
        effective_on=timezone.localdate(),
    )
    first = replacement_fill(
        actor=None,
        ended=determined.member(1),
        entry=waiting_entry(determined.determination, 5),
    )
    assert first.nik == nik(5)
    # 5 also waits in period 2's list; the other place cannot make them a member twice.
    assert replacement_candidate(four) is None
    with pytest.raises(ConflictError, match="sudah menjadi peserta aktif"):
        replacement_fill(actor=None, ended=four, entry=waiting_entry(det2, 5))
    assert (
        Membership.objects.filter(nik=nik(5), status__in=["determined", "registered"]).count() == 1
    )


def test_fill_all_fills_every_open_place_once_earliest_end_first(determined: Determined) -> None:
    for serial in (2, 3, 1, 8):
        _end(determined, serial)
    counts = replacements_fill_all(
        actor=determined.users["manager"], programme=determined.programme
    )
    assert counts == {"open": 4, "replaced": 3, "without_candidate": 1}
    by_ended = dict(
        Membership.objects.filter(replaces__isnull=False).values_list("replaces__nik", "nik")
    )
    assert by_ended == {nik(2): nik(4), nik(3): nik(5), nik(8): nik(11)}
    assert not WaitingEntry.objects.filter(status=WaitingStatus.WAITING).exists()
    again = replacements_fill_all(actor=None, programme=determined.programme)
    assert again == {"open": 1, "replaced": 0, "without_candidate": 1}
    assert MemberAction.REPLACED in Membership.objects.get(nik=nik(11)).events.values_list(
        "action", flat=True
    )


# -- exits from death and move extracts ------------------------------------------------------


def test_a_death_extract_proposes_exits_once(determined: Determined) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    deaths = {nik(2): yesterday, nik(4): yesterday, "1705019999990001": yesterday}
    snapshot = import_deaths(deaths)
    counts = exits_from_snapshot(actor=determined.users["manager"], snapshot=snapshot)
    assert (counts["matched"], counts["created"], counts["already"]) == (1, 1, 0)
    candidate = ExitCandidate.objects.get()
    assert candidate.membership == determined.member(2)  # 4 only waits: not a member
    assert (candidate.reason, candidate.effective_on) == (EndReason.DEATH, yesterday)
    assert (candidate.snapshot, candidate.record.row_number) == (snapshot, 2)  # header is 1
    again = exits_from_snapshot(actor=None, snapshot=snapshot)
    assert (again["created"], again["already"]) == (0, 1)
    assert ExitCandidate.objects.count() == 1


def test_a_move_inside_the_regency_is_not_an_exit(determined: Determined) -> None:
    day = timezone.localdate() - timedelta(days=5)
    snapshot = import_moves({nik(2): (day, VILLAGE_B), nik(3): (day, OUTSIDE_VILLAGE)})
    counts = exits_from_snapshot(actor=None, snapshot=snapshot)
    assert (counts["matched"], counts["moved_within"], counts["created"]) == (2, 1, 1)
    candidate = ExitCandidate.objects.get()
    assert (candidate.membership.nik, candidate.reason) == (nik(3), EndReason.MOVED)


def test_the_destination_code_in_tujuan_decides_where_someone_moved(
    determined: Determined,
) -> None:
    """Extracts that give the old village in Kode Desa and the destination in Tujuan."""
    day = timezone.localdate()
    snapshot = import_moves(
        {nik(2): (day, VILLAGE_A), nik(3): (day, VILLAGE_A)},
        destinations={
            nik(2): "17.71.01.1001 Pasar Melintang, Kota Bengkulu",
            nik(3): f"{VILLAGE_B} Pasar Tais, Kabupaten Seluma",
        },
    )
    counts = exits_from_snapshot(actor=None, snapshot=snapshot)
    assert (counts["moved_within"], counts["created"], counts["candidates"]) == (1, 1, 1)
    assert ExitCandidate.objects.get().membership.nik == nik(2)


def test_other_extracts_are_not_exits(determined: Determined) -> None:
    welfare = snapshot_import(
        actor=None,
        kind=ReferenceKind.EXCLUSION,
        source="BKD",
        extracted_on=timezone.localdate(),
        area_code="17.05",
        file=f"NIK,Nama,Kategori\n{nik(2)},Bambang,ASN\n".encode(),
        filename="asn.csv",
    )
    with pytest.raises(ValidationError, match="bukan data kematian atau pindah"):
        exits_from_snapshot(actor=None, snapshot=welfare)
    with pytest.raises(PermissionDenied):
        exits_from_snapshot(
            actor=determined.users["finance"],
            snapshot=import_deaths({nik(2): timezone.localdate()}),
        )
    assert not ExitCandidate.objects.exists()


def test_accepting_a_death_ends_the_member_and_opens_the_claim(determined: Determined) -> None:
    died = timezone.localdate() - timedelta(days=1)  # before the member was determined today
    snapshot = import_deaths({nik(2): died})
    exits_from_snapshot(actor=None, snapshot=snapshot)
    candidate = ExitCandidate.objects.get()
    member = exit_candidate_accept(
        actor=determined.users["verifier"], candidate=candidate, expected_version=1
    )
    fresh = Membership.objects.get(pk=member.pk)
    assert (fresh.status, fresh.end_reason) == (MemberStatus.ENDED, EndReason.DEATH)
    assert fresh.ended_on == timezone.localdate()  # not before the membership began
    assert "sebelum" in fresh.end_note
    assert (
        fresh.end_evidence == f"Dukcapil {snapshot.extracted_on:%d-%m-%Y}, baris 2"
    )  # the row as a spreadsheet numbers it
    claim = Claim.objects.get(membership=fresh)
    assert claim.event_date == died  # the real date of death
    assert claim.source == "death_record"  # confirmed from Dukcapil's extract
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (
        CandidateStatus.ACCEPTED,
        determined.users["verifier"],
    )
    with pytest.raises(ConflictError, match="sudah diputuskan"):
        exit_candidate_accept(actor=None, candidate=candidate, expected_version=2)


def test_accepting_with_a_stale_version_changes_nothing(determined: Determined) -> None:
    exits_from_snapshot(actor=None, snapshot=import_deaths({nik(2): timezone.localdate()}))
    candidate = ExitCandidate.objects.get()
    with pytest.raises(ConflictError):
        exit_candidate_accept(actor=None, candidate=candidate, expected_version=7)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING
    assert determined.member(2).status == MemberStatus.DETERMINED


def test_dismissing_needs_a_note_and_keeps_the_member(determined: Determined) -> None:
    exits_from_snapshot(actor=None, snapshot=import_deaths({nik(2): timezone.localdate()}))
    candidate = ExitCandidate.objects.get()
    with pytest.raises(ValidationError, match="catatan wajib"):
        exit_candidate_dismiss(actor=determined.users["manager"], candidate=candidate, note=" ")
    exit_candidate_dismiss(
        actor=determined.users["manager"], candidate=candidate, note="Beda orang, NIK salah ketik"
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.note) == (
        CandidateStatus.DISMISSED,
        "Beda orang, NIK salah ketik",
    )
    assert determined.member(2).status == MemberStatus.DETERMINED


def test_a_pending_exit_is_not_proposed_again_from_a_newer_extract(
    determined: Determined,
) -> None:
    day = timezone.localdate()
    exits_from_snapshot(actor=None, snapshot=import_deaths({nik(2): day}, on=day - timedelta(1)))
    newer = import_deaths({nik(2): day, nik(3): day})
    counts = exits_from_snapshot(actor=None, snapshot=newer)
    assert (counts["created"], counts["pending_elsewhere"]) == (1, 1)
    assert ExitCandidate.objects.filter(membership__nik=nik(2)).count() == 1


# -- age-outs --------------------------------------------------------------------------------


def _born_71_years_before(day: date) -> date:
    return day.replace(year=day.year - 71)


def test_a_member_turning_71_this_month_leaves_next_month(determined: Determined) -> None:
    this_month = timezone.localdate().replace(day=1)
    following = next_month()
    Membership.objects.filter(nik=nik(2)).update(birth_date=_born_71_years_before(this_month))
    Membership.objects.filter(nik=nik(3)).update(birth_date=_born_71_years_before(following))
    counts = members_end_of_month(actor=None, month=timezone.localdate())
    assert counts["ended"] == 1
    assert counts["effective_on"] == following.isoformat()
    gone, stays = determined.member(2), determined.member(3)
    assert (gone.status, gone.end_reason, gone.ended_on) == (
        MemberStatus.ENDED,
        EndReason.AGE_LIMIT,
        following,
    )
    assert gone.version == 2
    event = gone.events.get(action=MemberAction.ENDED)
    assert (event.from_status, event.actor) == (MemberStatus.DETERMINED, None)
    assert stays.status == MemberStatus.DETERMINED
    assert members_end_of_month(actor=None, month=timezone.localdate())["ended"] == 0
    assert gone.events.filter(action=MemberAction.ENDED).count() == 1


def test_a_29_february_birthday_counts_from_1_march_in_common_years(
    determined: Determined,
) -> None:
    Membership.objects.filter(nik=nik(2)).update(birth_date=date(1960, 2, 29))
    assert members_end_of_month(actor=None, month=date(2031, 2, 1))["ended"] == 0
    assert members_end_of_month(actor=None, month=date(2031, 3, 1))["ended"] == 1
    assert determined.member(2).ended_on == date(2031, 4, 1)


def test_programmes_without_an_age_limit_keep_everyone(determined: Determined) -> None:
    Programme.objects.filter(pk=determined.programme.pk).update(max_age=None)
    Membership.objects.filter(nik=nik(2)).update(birth_date=date(1900, 1, 1))
    counts = members_end_of_month(actor=None, month=timezone.localdate())
    assert (counts["programmes"], counts["ended"]) == (0, 0)


def test_age_outs_need_end_memberships(determined: Determined) -> None:
    with pytest.raises(PermissionDenied):
        members_end_of_month(actor=determined.users["finance"], month=timezone.localdate())


# -- the command ------------------------------------------------------------------------------


def _members(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("members", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_end_of_month_command_ends_and_replaces(determined: Determined) -> None:
    Membership.objects.filter(nik=nik(2)).update(
        birth_date=_born_71_years_before(timezone.localdate().replace(day=1))
    )
    result = _members("end-of-month", "--programme", str(determined.programme.pk), "--replace")
    assert (result["ended"], result["replaced"], result["without_candidate"]) == (1, 1, 0)
    assert result["month"] == f"{timezone.localdate():%Y-%m}"
    assert Membership.objects.get(replaces__nik=nik(2)).nik == nik(4)
    again = _members("end-of-month", "--replace")
    assert (again["ended"], again["replaced"]) == (0, 0)


def test_end_of_month_command_prints_counts(determined: Determined) -> None:
    out = StringIO()
    call_command("members", "end-of-month", "--month", "2020-01", stdout=out)
    assert "0 peserta melewati batas usia" in out.getvalue()
    assert "1 Februari 2020" in out.getvalue() or "2020-02-01" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["end-of-month", "--month", "2099-01"], "belum tiba"),
        (["end-of-month", "--month", "2025-13"], "tidak terbaca"),
        (["end-of-month", "--month", "Januari"], "tidak terbaca"),
        (["end-of-month", "--programme", "abc"], "harus angka"),
        (["end-of-month", "--programme", "999999"], "tidak ada"),
        (["exits", "--snapshot", "999999"], "tidak ada"),
        (["exits", "--snapshot", "x"], "harus angka"),
    ],
)
def test_the_command_refuses_bad_arguments(
    determined: Determined, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        call_command("members", *args)
    assert refused.value.returncode == 2
    assert not Membership.objects.filter(status=MemberStatus.ENDED).exists()


def test_end_of_month_refuses_a_programme_without_age_limit(determined: Determined) -> None:
    Programme.objects.filter(pk=determined.programme.pk).update(max_age=None)
    with pytest.raises(CommandError, match="tidak punya batas usia"):
        call_command("members", "end-of-month", "--programme", str(determined.programme.pk))


def test_exits_command_matches_once(determined: Determined) -> None:
    snapshot = import_deaths({nik(8): timezone.localdate()})
    first = _members("exits", "--snapshot", str(snapshot.pk))
    assert (first["snapshot_id"], first["matched"], first["created"]) == (snapshot.pk, 1, 1)
    second = _members("exits", "--snapshot", str(snapshot.pk))
    assert (second["created"], second["already"]) == (0, 1)


def test_exits_command_refuses_a_welfare_extract(determined: Determined) -> None:
    from lindung.references.models import Snapshot

    welfare = Snapshot.objects.get(kind=ReferenceKind.WELFARE)
    with pytest.raises(CommandError, match="bukan data kematian atau pindah"):
        call_command("members", "exits", "--snapshot", str(welfare.pk))


def test_a_member_covered_since_long_ago_ages_out_in_a_past_month(determined: Determined) -> None:
    """Records entered late (a regency moving its history in): a membership created today
    whose coverage began last year still ends in the month its limit passed."""
    long_ago = date(2024, 1, 1)
    Determination.objects.filter(pk=determined.determination.pk).update(coverage_start=long_ago)
    month = date(2024, 6, 1)
    Membership.objects.filter(nik=nik(2)).update(birth_date=_born_71_years_before(month))
    counts = members_end_of_month(actor=None, month=month)
    assert counts["ended"] == 1
    gone = determined.member(2)
    assert (gone.status, gone.ended_on) == (MemberStatus.ENDED, date(2024, 7, 1))
    # Nobody else of the period was old enough.
    assert Membership.objects.filter(status=MemberStatus.ENDED).count() == 1

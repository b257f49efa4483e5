"""A village corrects or withdraws what it proposed: a returned proposal is corrected and
checked again, a withdrawn one frees its quota place, and neither is possible once the Dinas
decided, for a stale page, or for another village's operator."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2, client_for, make_user
from lindung.membership.models import Determination, Membership
from lindung.people.nik import mask_nik
from lindung.programs.models import Occupation
from lindung.proposals import selectors
from lindung.proposals.models import (
    Action,
    Batch,
    Outcome,
    Proposal,
    ProposalStatus,
)
from lindung.proposals.services import (
    ConflictError,
    batch_import,
    proposal_correct,
    proposal_transition,
    proposal_withdraw,
    sender_for,
)
from lindung.proposals.tests.conftest import QUOTA, Setup, csv_bytes, nik, person
from lindung.verification import review
from lindung.verification.models import Finding, VerificationRun
from lindung.verification.services import verification_run
from lindung.verification.tests.conftest import REGISTRY_NAME_OF_7, Scenario, scenario

__all__ = ["scenario"]  # the verification scenario, used as a fixture here


def _propose(setup: Setup, serials: list[int], user: str = "desa") -> Batch:
    sender = sender_for(actor=setup.users[user], programme=setup.programme)
    rows = [person(s) for s in serials]
    return batch_import(sender=sender, data=csv_bytes(rows), file_name=f"{serials}.csv").batch


def _proposal(serial: int) -> Proposal:
    return Proposal.objects.select_related("village", "period", "programme").get(nik=nik(serial))


def _state(proposal: Proposal) -> tuple[Any, ...]:
    stored = Proposal.objects.get(pk=proposal.pk)
    return (
        stored.nik,
        stored.name,
        stored.birth_date,
        stored.sex,
        stored.status,
        stored.version,
        stored.events.count(),
    )


def _set_status(proposal: Proposal, status: str) -> Proposal:
    return proposal_transition(
        actor=None,
        proposal=proposal,
        to_status=status,
        action=Action.DECIDED if status in ("eligible", "not_eligible") else Action.FORWARDED,
        expected_version=proposal.version,
    )


def _refusal(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    value = error.value
    return value.message_dict if hasattr(value, "error_dict") else {"__all__": value.messages}


# -- returned, corrected, checked again ------------------------------------------------------


def _verify(s: Scenario) -> VerificationRun:
    return verification_run(actor=s.users["verifier"], period=s.period)


def _current_codes(proposal: Proposal) -> set[str]:
    return set(
        Finding.objects.filter(proposal=proposal, current=True).values_list("code", flat=True)
    )


def test_a_returned_proposal_is_corrected_and_checked_again_with_the_new_data(
    scenario: Scenario,
) -> None:
    _verify(scenario)
    proposal = scenario.proposal(7)  # village A2: the NIK is Gunawan Hadi's, not Yohanes's
    assert proposal.status == ProposalStatus.REVIEW
    assert "NAME_MISMATCH" in _current_codes(proposal)
    review.proposal_return(
        actor=scenario.users["kecamatan"],
        proposal=proposal,
        expected_version=proposal.version,
        note="Nama tidak sama dengan DTSEN; periksa KTP.",
    )
    _verify(scenario)
    # A period run leaves a returned proposal alone: it waits for the village.
    proposal = scenario.proposal(7)
    assert proposal.status == ProposalStatus.RETURNED
    assert "NAME_MISMATCH" in _current_codes(proposal)

    operator = make_user(Role.DESA, VILLAGE_A2)
    version = proposal.version
    proposal_correct(
        actor=operator,
        proposal=proposal,
        expected_version=version,
        name=REGISTRY_NAME_OF_7,
        note="Nama sesuai KTP.",
    )
    stored = scenario.proposal(7)
    assert (stored.status, stored.version) == (ProposalStatus.SUBMITTED, version + 1)
    assert (stored.name, stored.name_normalized) == (REGISTRY_NAME_OF_7, "GUNAWAN HADI")
    assert _current_codes(stored) == set()  # the old findings were about the old name
    event = stored.events.latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        Action.CORRECTED,
        operator,
        ProposalStatus.RETURNED,
        ProposalStatus.SUBMITTED,
    )
    assert event.note == "Nama sesuai KTP."
    assert event.detail["changes"] == [
        {"field": "name", "old": "Yohanes Simanjuntak", "new": REGISTRY_NAME_OF_7}
    ]

    run = _verify(scenario)
    assert run.status == "done"
    checked = scenario.proposal(7)
    assert checked.status == ProposalStatus.VERIFIED
    assert Finding.objects.filter(proposal=checked, run=run).count() == len(_current_codes(checked))
    assert "NAME_MISMATCH" not in _current_codes(checked)


def test_a_correction_that_makes_the_data_wrong_is_found_by_the_next_run(
    scenario: Scenario,
) -> None:
    _verify(scenario)
    proposal = scenario.proposal(1)  # village A, nothing found
    assert _current_codes(proposal) == set()
    wrong_day = proposal.birth_date + timedelta(days=1)
    proposal_correct(
        actor=scenario.users["desa"],
        proposal=proposal,
        expected_version=proposal.version,
        birth_date=wrong_day,
    )
    _verify(scenario)
    assert "NIK_DOB_MISMATCH" in _current_codes(scenario.proposal(1))


# -- correcting --------------------------------------------------------------------------------


def test_a_correction_changes_the_given_fields_only_and_lists_them_masked(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _proposal(1)
    new_nik = nik(11)
    nelayan = Occupation.objects.get(name="Nelayan")
    proposal_correct(
        actor=setup.users["desa"],
        proposal=proposal,
        expected_version=1,
        nik=f" {new_nik[:6]}.{new_nik[6:12]}.{new_nik[12:]} ",
        birth_date=date(1981, 12, 12),  # nik(11)'s birth date, as a date
        address="Jl. Lintas Barat 3",
        occupation="nelayan",  # typed, matched like an upload's cell
    )
    stored = Proposal.objects.get(pk=proposal.pk)
    assert stored.nik == new_nik
    assert stored.birth_date == date(1981, 12, 12)
    assert (stored.occupation, stored.occupation_text) == (nelayan, "nelayan")
    assert stored.name == "Pekerja Nomor 1"  # not given, not changed
    changes = stored.events.latest("id").detail["changes"]
    assert [c["field"] for c in changes] == ["nik", "birth_date", "address", "occupation"]
    assert changes[0] == {"field": "nik", "old": mask_nik(nik(1)), "new": mask_nik(new_nik)}
    assert changes[3] == {"field": "occupation", "old": "Petani", "new": "Nelayan"}
    assert nik(1) not in str(changes) and new_nik not in str(changes)


def test_a_correction_is_refused_once_forwarded_or_decided(setup: Setup) -> None:
    _propose(setup, [1, 2])
    forwarded = _set_status(_proposal(1), ProposalStatus.FORWARDED)
    with pytest.raises(ValidationError, match="minta Dinas mengembalikannya"):
        proposal_correct(
            actor=setup.users["desa"], proposal=forwarded, expected_version=2, name="Baru"
        )
    eligible = _set_status(_proposal(2), ProposalStatus.ELIGIBLE)
    before = _state(eligible)
    with pytest.raises(ValidationError, match="“Layak” tidak dapat diperbaiki lagi"):
        proposal_correct(
            actor=setup.users["manager"], proposal=eligible, expected_version=2, name="Baru"
        )
    assert _state(eligible) == before


def test_a_nik_proposed_already_by_the_village_is_refused_naming_that_proposal(
    setup: Setup,
) -> None:
    _propose(setup, [1, 2])
    first, second = _proposal(1), _proposal(2)
    before = _state(second)
    with pytest.raises(ValidationError) as refused:
        proposal_correct(
            actor=setup.users["desa"],
            proposal=second,
            expected_version=1,
            nik=nik(1),
            name="Pekerja Nomor Satu",
        )
    message = " ".join(_refusal(refused)["nik"])
    assert f"usulan #{first.pk}" in message and "Pekerja Nomor 1" in message
    assert _state(second) == before


def test_each_wrong_field_gets_its_own_message_and_nothing_changes(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _proposal(1)
    before = _state(proposal)
    with pytest.raises(ValidationError) as refused:
        proposal_correct(
            actor=setup.users["desa"],
            proposal=proposal,
            expected_version=1,
            nik="1705 0112",
            name="",
            birth_date=timezone.localdate() + timedelta(days=3),
            sex="X",
        )
    errors = _refusal(refused)
    assert set(errors) == {"nik", "name", "birth_date", "sex"}
    assert "harus 16 angka" in errors["nik"][0]
    assert "Nama kosong" in errors["name"][0]
    assert "belum terjadi" in errors["birth_date"][0]
    assert "tidak dikenal" in errors["sex"][0]
    assert _state(proposal) == before


def test_an_occupation_outside_the_programmes_list_is_refused_when_chosen(setup: Setup) -> None:
    _propose(setup, [1])
    other = Occupation.objects.exclude(name__in=["Petani", "Nelayan"]).filter(active=True).first()
    assert other is not None
    with pytest.raises(ValidationError, match="tidak ada di daftar program"):
        proposal_correct(
            actor=setup.users["desa"], proposal=_proposal(1), expected_version=1, occupation=other
        )


def test_a_correction_that_changes_nothing_is_refused(setup: Setup) -> None:
    _propose(setup, [1])
    with pytest.raises(ValidationError, match="Tidak ada isian yang berubah"):
        proposal_correct(
            actor=setup.users["desa"],
            proposal=_proposal(1),
            expected_version=1,
            name="Pekerja Nomor 1",
        )


# -- withdrawing -------------------------------------------------------------------------------


def test_withdrawing_frees_a_quota_place(setup: Setup) -> None:
    _propose(setup, list(range(1, QUOTA + 1)))

    def left() -> int:
        places = selectors.places_left(setup.programme, setup.period, VILLAGE_A)
        return places.get(VILLAGE_A, QUOTA)

    assert left() == 0
    full = _propose(setup, [QUOTA + 1])
    assert full.rejected_count == 1
    assert "Tarik dulu usulan lain yang belum diputuskan" in full.rows.get().problems[0]["message"]

    proposal = _proposal(1)
    proposal_withdraw(
        actor=setup.users["desa"], proposal=proposal, expected_version=1, note="Pindah ke Jambi."
    )
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.status, stored.version) == (ProposalStatus.WITHDRAWN, 2)
    event = stored.events.latest("id")
    assert (event.action, event.note) == (Action.WITHDRAWN, "Pindah ke Jambi.")
    assert left() == 1
    again = _propose(setup, [QUOTA + 2])
    assert again.accepted_count == 1


def test_withdrawing_needs_a_reason(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _proposal(1)
    with pytest.raises(ValidationError) as refused:
        proposal_withdraw(
            actor=setup.users["desa"], proposal=proposal, expected_version=1, note=" "
        )
    assert "Tulis alasan" in _refusal(refused)["note"][0]
    assert _state(proposal)[4:] == (ProposalStatus.SUBMITTED, 1, 1)


def test_withdrawing_is_refused_once_decided(setup: Setup) -> None:
    _propose(setup, [1, 2])
    eligible = _set_status(_proposal(1), ProposalStatus.ELIGIBLE)
    with pytest.raises(ValidationError, match="belum diputuskan Dinas"):
        proposal_withdraw(
            actor=setup.users["desa"], proposal=eligible, expected_version=2, note="Batal."
        )
    # The kecamatan may take back one it forwarded, as long as the Dinas has not decided.
    forwarded = _set_status(_proposal(2), ProposalStatus.FORWARDED)
    proposal_withdraw(
        actor=setup.users["kecamatan"], proposal=forwarded, expected_version=2, note="Salah orang."
    )
    assert Proposal.objects.get(pk=forwarded.pk).status == ProposalStatus.WITHDRAWN


def test_withdrawing_is_refused_when_the_person_is_already_a_member(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _proposal(1)
    determination = Determination.objects.create(
        programme=setup.programme,
        period=setup.period,
        months=12,
        coverage_start=timezone.localdate(),
        monthly_rate=16_800,
    )
    Membership.objects.create(
        programme=setup.programme,
        period=setup.period,
        determination=determination,
        proposal=proposal,
        village_id=proposal.village_id,
        nik=proposal.nik,
        name=proposal.name,
        birth_date=proposal.birth_date,
        sex=proposal.sex,
        rank=1,
    )
    with pytest.raises(ValidationError, match="sudah menjadi peserta"):
        proposal_withdraw(
            actor=setup.users["desa"], proposal=proposal, expected_version=1, note="x"
        )


# -- who and when --------------------------------------------------------------------------------


def test_a_stale_page_gets_the_conflict_message(setup: Setup) -> None:
    _propose(setup, [1])
    seen_by_village = _proposal(1)
    seen_by_kecamatan = _proposal(1)
    proposal_correct(
        actor=setup.users["kecamatan"], proposal=seen_by_kecamatan, expected_version=1, phone="0812"
    )
    with pytest.raises(ConflictError, match="baru saja diubah oleh orang lain"):
        proposal_withdraw(
            actor=setup.users["desa"], proposal=seen_by_village, expected_version=1, note="x"
        )
    with pytest.raises(ConflictError):
        proposal_correct(
            actor=setup.users["desa"], proposal=seen_by_village, expected_version=1, name="Baru"
        )
    # The in-memory copy says version 1, but the database moved on: the guard still holds.
    with pytest.raises(ConflictError):
        proposal_withdraw(
            actor=setup.users["desa"],
            proposal=seen_by_village,
            expected_version=seen_by_village.version,
            note="x",
        )
    stored = Proposal.objects.get(pk=seen_by_village.pk)
    assert (stored.phone, stored.status, stored.version) == ("0812", ProposalStatus.SUBMITTED, 2)


def test_another_villages_operator_and_read_only_roles_cannot_act(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _proposal(1)
    before = _state(proposal)
    for user in ("desa_b", "auditor", "finance"):
        with pytest.raises(PermissionDenied):
            proposal_withdraw(
                actor=setup.users[user], proposal=proposal, expected_version=1, note="x"
            )
        with pytest.raises(PermissionDenied):
            proposal_correct(
                actor=setup.users[user], proposal=proposal, expected_version=1, name="Baru"
            )
    assert _state(proposal) == before


# -- pages ---------------------------------------------------------------------------------------


def _returned(setup: Setup, serial: int = 1) -> Proposal:
    _propose(setup, [serial])
    proposal = _set_status(_proposal(serial), ProposalStatus.REVIEW)
    return review.proposal_return(
        actor=setup.users["kecamatan"],
        proposal=proposal,
        expected_version=proposal.version,
        note="Tanggal lahir tidak sama dengan KTP.",
    )


def _form(proposal: Proposal, **overrides: str) -> dict[str, str]:
    fields = {
        "version": str(proposal.version),
        "nik": "",
        "nama": proposal.name,
        "tanggal_lahir": proposal.birth_date.isoformat(),
        "jenis_kelamin": proposal.sex,
        "pekerjaan": str(Occupation.objects.get(name="Petani").pk),
        "catatan": "",
    }
    return fields | overrides


def _client(setup: Setup, user: str) -> Client:
    return client_for(setup.users[user])


def test_the_page_offers_both_forms_for_a_returned_proposal_without_the_full_nik(
    setup: Setup,
) -> None:
    proposal = _returned(setup)
    response = _client(setup, "desa").get(proposal.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Perbaiki usulan" in html and "Tarik usulan" in html
    assert "Tanggal lahir tidak sama dengan KTP." in html  # the kecamatan's note, on top
    assert reverse("proposals:correct", args=[proposal.pk]) in html
    assert reverse("proposals:withdraw", args=[proposal.pk]) in html
    assert 'value="Pekerja Nomor 1"' in html  # prefilled
    assert nik(1) not in html and mask_nik(nik(1)) in html
    auditor = _client(setup, "auditor").get(proposal.get_absolute_url()).content.decode()
    assert "Perbaiki usulan" not in auditor and "Tarik usulan" not in auditor


def test_the_page_offers_no_form_once_decided(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _set_status(_proposal(1), ProposalStatus.NOT_ELIGIBLE)
    html = _client(setup, "desa").get(proposal.get_absolute_url()).content.decode()
    assert "Perbaiki usulan" not in html and "Tarik usulan" not in html


def test_the_correction_form_saves_and_the_history_shows_the_change(setup: Setup) -> None:
    proposal = _returned(setup)
    client = _client(setup, "desa")
    url = reverse("proposals:correct", args=[proposal.pk])
    response = client.post(url, _form(proposal, nama="Pekerja Nomor Satu", catatan="Typo."))
    assert response.status_code == 302
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.name, stored.status) == ("Pekerja Nomor Satu", ProposalStatus.SUBMITTED)
    html = client.get(response["Location"]).content.decode()
    assert "Diperbaiki desa" in html
    assert "Nama: Pekerja Nomor 1 → Pekerja Nomor Satu" in html
    assert "diperiksa lagi pada verifikasi berikutnya" in html


def test_the_correction_form_shows_each_refusal_next_to_its_field(setup: Setup) -> None:
    _propose(setup, [2])
    proposal = _returned(setup)
    before = _state(proposal)
    url = reverse("proposals:correct", args=[proposal.pk])
    response = _client(setup, "desa").post(url, _form(proposal, nik=nik(2), nama="Baru"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "NIK ini sudah diusulkan desa/kelurahan ini" in html
    assert "Perbaikan belum disimpan" in html
    assert 'value="Baru"' in html  # what was typed stays
    assert _state(proposal) == before


def test_a_stale_form_is_refused_with_the_conflict_message(setup: Setup) -> None:
    proposal = _returned(setup)
    stale = _form(proposal, nama="Baru")
    proposal_correct(
        actor=setup.users["kecamatan"],
        proposal=proposal,
        expected_version=proposal.version,
        phone="0812",
    )
    client = _client(setup, "desa")
    response = client.post(reverse("proposals:correct", args=[proposal.pk]), stale, follow=True)
    assert "baru saja diubah oleh orang lain" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).name == "Pekerja Nomor 1"


def test_the_withdraw_form_needs_a_reason_then_withdraws(setup: Setup) -> None:
    proposal = _returned(setup)
    client = _client(setup, "desa")
    url = reverse("proposals:withdraw", args=[proposal.pk])
    version = str(proposal.version)
    refused = client.post(url, {"version": version, "catatan": ""})
    assert refused.status_code == 400
    assert "Tulis alasan usulan ini ditarik" in refused.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.RETURNED
    done = client.post(url, {"version": version, "catatan": "Sudah meninggal."}, follow=True)
    assert "tempatnya di kuota bisa dipakai usulan lain" in done.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN


def test_another_villages_operator_gets_404_and_read_only_roles_403(setup: Setup) -> None:
    proposal = _returned(setup)
    before = _state(proposal)
    for name in ("correct", "withdraw"):
        url = reverse(f"proposals:{name}", args=[proposal.pk])
        data = _form(proposal, nama="Baru", catatan="x")
        assert _client(setup, "desa_b").post(url, data).status_code == 404
        assert _client(setup, "auditor").post(url, data).status_code == 403
        assert _client(setup, "desa").get(url).status_code == 405
    assert _client(setup, "desa_b").get(proposal.get_absolute_url()).status_code == 404
    assert _state(proposal) == before


def test_a_corrected_row_uploaded_again_is_still_a_duplicate_of_the_same_proposal(
    setup: Setup,
) -> None:
    """The way to correct is the proposal page: a second upload of the person never makes a
    second proposal, and never changes the first one."""
    proposal = _returned(setup)
    before = _state(proposal)
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    corrected = csv_bytes([person(1, nama="Pekerja Nomor Satu")])
    batch = batch_import(sender=sender, data=corrected, file_name="lagi.csv").batch
    row = batch.rows.get()
    assert (row.outcome, row.proposal_id) == (Outcome.DUPLICATE, proposal.pk)
    assert f"usulan #{proposal.pk}" in row.problems[0]["message"]
    assert _state(proposal) == before


def test_a_post_for_a_decided_proposal_says_why_it_is_refused(setup: Setup) -> None:
    _propose(setup, [1])
    proposal = _set_status(_proposal(1), ProposalStatus.ELIGIBLE)
    client = _client(setup, "desa")
    corrected = client.post(
        reverse("proposals:correct", args=[proposal.pk]), _form(proposal, nama="Baru")
    )
    assert corrected.status_code == 400
    assert "tidak dapat diperbaiki lagi" in corrected.content.decode()
    withdrawn = client.post(
        reverse("proposals:withdraw", args=[proposal.pk]),
        {"version": str(proposal.version), "catatan": "Batal."},
    )
    assert withdrawn.status_code == 400
    assert "tidak dapat ditarik" in withdrawn.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ELIGIBLE

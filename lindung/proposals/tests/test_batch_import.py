"""Importing a spreadsheet of proposals: every row kept, each with one outcome, counts that
add up, nothing created twice."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter
from django.db import IntegrityError, transaction

from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from lindung.proposals import services
from lindung.proposals.models import Batch, Outcome, Proposal, ProposalEvent, ProposalRow
from lindung.proposals.services import IntakeError, batch_import, sender_for
from lindung.proposals.tests.conftest import QUOTA, Setup, csv_bytes, nik, person, xlsx_bytes


def _import(setup: Setup, user: str, data: bytes, name: str = "usulan.xlsx", **kw: Any) -> Batch:
    sender = sender_for(actor=setup.users[user], programme=setup.programme, **kw)
    return batch_import(sender=sender, data=data, file_name=name).batch


def _outcomes(batch: Batch) -> dict[int, str]:
    return dict(batch.rows.values_list("row_number", "outcome"))


def _codes(batch: Batch, row: int) -> list[str]:
    return [p["code"] for p in batch.rows.get(row_number=row).problems]


def test_a_village_operator_imports_a_file_and_every_row_is_kept(setup: Setup) -> None:
    rows = [person(1), person(2, pekerjaan="PETANI/PEKEBUN", jenis_kelamin="laki-laki")]
    batch = _import(setup, "desa", xlsx_bytes(rows))
    assert (batch.row_count, batch.accepted_count, batch.rejected_count) == (2, 2, 0)
    assert batch.area_id == VILLAGE_A
    assert _outcomes(batch) == {2: Outcome.ACCEPTED, 3: Outcome.ACCEPTED}
    first = batch.rows.get(row_number=2)
    assert first.raw == rows[0]
    assert first.proposal is not None and first.proposal.nik == nik(1)
    assert first.proposal.village_id == VILLAGE_A
    assert first.proposal.occupation is not None and first.proposal.occupation.name == "Petani"
    second = batch.rows.get(row_number=3).proposal
    assert second is not None and second.sex == "L" and second.occupation_text == "PETANI/PEKEBUN"
    assert ProposalEvent.objects.filter(proposal__batch=batch, action="submitted").count() == 2


def test_it_rejects_rows_it_cannot_read_with_reasons_the_operator_can_fix(setup: Setup) -> None:
    rows = [
        person(1, nik="1705011203850"),
        person(2, nama=""),
        person(3, tanggal_lahir="31/02/1990"),
        person(4, jenis_kelamin="X"),
        person(5, pekerjaan=""),
        person(6, nik="1.70501E+15"),
        person(7, tanggal_lahir="12/03/85"),
    ]
    batch = _import(setup, "desa", csv_bytes(rows), "usulan.csv")
    assert batch.rejected_count == 7 and batch.accepted_count == 0
    assert _codes(batch, 2) == ["NIK_FORMAT"]
    assert _codes(batch, 3) == ["NAME_EMPTY"]
    assert _codes(batch, 4) == ["BIRTH_DATE_INVALID"]
    assert _codes(batch, 5) == ["SEX_INVALID"]
    assert _codes(batch, 6) == ["OCCUPATION_EMPTY"]
    assert _codes(batch, 7) == ["NIK_FORMAT"]
    assert "Excel" in batch.rows.get(row_number=7).problems[0]["message"]
    assert _codes(batch, 8) == ["BIRTH_DATE_INVALID"]
    assert not Proposal.objects.exists()


def test_an_occupation_outside_the_list_is_kept_for_verification(setup: Setup) -> None:
    batch = _import(setup, "desa", csv_bytes([person(1, pekerjaan="Tukang bangunan")]), "a.csv")
    proposal = Proposal.objects.get(batch=batch)
    assert proposal.occupation is None and proposal.occupation_text == "Tukang bangunan"


def test_rows_beyond_the_village_quota_are_rejected_saying_how_many_were_left(
    setup: Setup,
) -> None:
    _import(setup, "desa", csv_bytes([person(1)]), "first.csv")
    batch = _import(setup, "desa", csv_bytes([person(i) for i in range(2, 7)]), "second.csv")
    assert batch.accepted_count == QUOTA - 1
    assert batch.rejected_count == 5 - (QUOTA - 1)
    full = batch.rows.filter(outcome=Outcome.REJECTED).first()
    assert full is not None and full.problems[0]["code"] == "QUOTA_FULL"
    assert "tersisa 2 tempat" in full.problems[0]["message"]
    assert Proposal.objects.filter(village_id=VILLAGE_A).count() == QUOTA


def test_a_period_limit_above_the_quota_lets_villages_propose_a_waiting_list(
    setup: Setup,
) -> None:
    setup.period.proposal_limit = QUOTA + 2
    setup.period.save()
    batch = _import(setup, "desa", csv_bytes([person(i) for i in range(1, QUOTA + 4)]), "w.csv")
    assert batch.accepted_count == QUOTA + 2
    assert batch.rejected_count == 1
    assert Proposal.objects.filter(village_id=VILLAGE_A).count() == QUOTA + 2


def test_a_withdrawn_proposal_gives_its_place_back(setup: Setup) -> None:
    _import(setup, "desa", csv_bytes([person(i) for i in range(1, 4)]), "full.csv")
    proposal = Proposal.objects.first()
    assert proposal is not None
    services.proposal_transition(
        actor=None,
        proposal=proposal,
        to_status="withdrawn",
        action="withdrawn",
        expected_version=proposal.version,
    )
    batch = _import(setup, "desa", csv_bytes([person(8), person(9)]), "more.csv")
    assert (batch.accepted_count, batch.rejected_count) == (1, 1)


def test_the_same_file_twice_returns_the_first_batch_and_creates_nothing(setup: Setup) -> None:
    data = xlsx_bytes([person(1), person(2, nama="")])
    first = _import(setup, "desa", data)
    counts = (Batch.objects.count(), ProposalRow.objects.count(), Proposal.objects.count())
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    again = batch_import(sender=sender, data=data, file_name="nama lain.xlsx")
    assert again.created is False and again.batch.pk == first.pk
    assert (Batch.objects.count(), ProposalRow.objects.count(), Proposal.objects.count()) == counts


def test_the_same_person_proposed_again_is_a_duplicate_row_not_a_new_proposal(
    setup: Setup,
) -> None:
    first = _import(setup, "desa", csv_bytes([person(1)]), "a.csv")
    proposal = Proposal.objects.get()
    batch = _import(setup, "desa", csv_bytes([person(2), person(1, nama="Nama Lain")]), "b.csv")
    assert (batch.accepted_count, batch.duplicate_count, batch.row_count) == (1, 1, 2)
    row = batch.rows.get(row_number=3)
    assert row.outcome == Outcome.DUPLICATE and row.proposal_id == proposal.pk
    assert row.problems[0]["code"] == "ALREADY_PROPOSED"
    assert Proposal.objects.count() == 2 and first.accepted_count == 1


def test_the_same_person_twice_in_one_file_is_proposed_once(setup: Setup) -> None:
    batch = _import(setup, "desa", csv_bytes([person(1), person(2), person(1)]), "a.csv")
    assert (batch.accepted_count, batch.duplicate_count) == (2, 1)
    row = batch.rows.get(row_number=4)
    assert row.proposal_id == batch.rows.get(row_number=2).proposal_id
    assert _codes(batch, 4) == ["DUPLICATE_IN_FILE"]


def test_fixed_rejected_rows_are_accepted_when_the_file_is_sent_again(setup: Setup) -> None:
    rows = [person(1), person(2, tanggal_lahir="kemarin"), person(3, nik="17050112")]
    first = _import(setup, "desa", csv_bytes(rows), "a.csv")
    assert (first.accepted_count, first.rejected_count) == (1, 2)
    rows[1] = person(2)
    rows[2] = person(3)
    second = _import(setup, "desa", csv_bytes(rows), "a-diperbaiki.csv")
    assert (second.accepted_count, second.rejected_count, second.duplicate_count) == (2, 0, 1)
    assert Proposal.objects.count() == 3


def test_a_closed_period_refuses_the_file_and_writes_nothing(setup: Setup) -> None:
    from lindung.proposals.tests.conftest import make_period

    closed = make_period(setup.programme, opens=-60, closes=-31)
    with pytest.raises(IntakeError, match="sudah ditutup"):
        _import(setup, "desa", csv_bytes([person(1)]), "a.csv", period=closed)
    assert not Batch.objects.exists()


def test_no_open_period_refuses_the_file(setup: Setup) -> None:
    setup.period.delete()
    with pytest.raises(IntakeError, match="Tidak ada periode usulan yang sedang dibuka"):
        _import(setup, "desa", csv_bytes([person(1)]), "a.csv")


def test_a_file_without_a_nik_column_is_refused_naming_the_column(setup: Setup) -> None:
    data = csv_bytes([{"nama": "A", "tanggal_lahir": "01/01/1990", "jk": "L", "pekerjaan": "x"}])
    with pytest.raises(IntakeError, match="Kolom nik tidak ditemukan"):
        _import(setup, "desa", data, "a.csv")
    assert not Batch.objects.exists()


def test_a_village_operator_cannot_propose_for_another_village(setup: Setup) -> None:
    rows = [person(1, kode_wilayah=VILLAGE_B), person(2, kode_wilayah=VILLAGE_A), person(3)]
    batch = _import(setup, "desa", csv_bytes(rows), "a.csv")
    assert _outcomes(batch) == {2: "rejected", 3: "accepted", 4: "accepted"}
    assert _codes(batch, 2) == ["VILLAGE_UNKNOWN"]
    with pytest.raises(IntakeError):
        _import(setup, "desa", csv_bytes([person(4)]), "b.csv", village_code=VILLAGE_B)


def test_the_dinas_uploads_for_many_villages_with_codes_or_names(setup: Setup) -> None:
    rows = [
        person(1, kode_wilayah=VILLAGE_A),
        person(2, kode_wilayah="1705012003"),
        person(3, kode_wilayah="Desa Pasar Tais"),
        person(4, kode_wilayah="17.04.01.2001"),
        person(5),
        *[person(10 + i, kode_wilayah=VILLAGE_B) for i in range(QUOTA)],
    ]
    batch = _import(setup, "manager", xlsx_bytes(rows))
    assert batch.area_id == "17.05"
    villages = dict(Proposal.objects.values_list("nik", "village_id"))
    assert villages[nik(1)] == VILLAGE_A and villages[nik(2)] == VILLAGE_A2
    assert villages[nik(3)] == VILLAGE_B
    assert _codes(batch, 5) == ["VILLAGE_UNKNOWN"] and _codes(batch, 6) == ["VILLAGE_EMPTY"]
    assert _codes(batch, 9) == ["QUOTA_FULL"]  # Pasar Tais: row 4 and two more fill it
    assert batch.row_count == batch.accepted_count + batch.rejected_count + batch.duplicate_count


def test_a_dinas_file_without_a_village_column_is_refused(setup: Setup) -> None:
    with pytest.raises(IntakeError, match="kode_wilayah"):
        _import(setup, "manager", csv_bytes([person(1)]), "a.csv")


def test_a_dinas_upload_for_one_village_needs_no_village_column(setup: Setup) -> None:
    batch = _import(setup, "verifier", csv_bytes([person(1)]), "a.csv", village_code=VILLAGE_B)
    assert batch.area_id == VILLAGE_B
    assert Proposal.objects.get().village_id == VILLAGE_B


def test_a_kecamatan_operator_uploads_for_the_villages_of_their_district(setup: Setup) -> None:
    rows = [person(1, kode_wilayah="Niur"), person(2, kode_wilayah=VILLAGE_B)]
    batch = _import(setup, "kecamatan", csv_bytes(rows), "a.csv")
    assert batch.area_id == "17.05.01"
    assert _outcomes(batch) == {2: "accepted", 3: "rejected"}


def test_a_per_kecamatan_quota_counts_every_village_of_the_district(setup: Setup) -> None:
    setup.programme.quota_kind = "district"
    setup.programme.save()
    rows = [person(1, kode_wilayah=VILLAGE_A), person(2, kode_wilayah=VILLAGE_A2)]
    rows += [person(3, kode_wilayah=VILLAGE_A2), person(4, kode_wilayah=VILLAGE_A)]
    rows += [person(5, kode_wilayah=VILLAGE_B)]
    batch = _import(setup, "manager", csv_bytes(rows), "a.csv")
    assert _outcomes(batch) == {
        2: "accepted",
        3: "accepted",
        4: "accepted",
        5: "rejected",
        6: "accepted",
    }


def test_an_unexpected_error_leaves_nothing_half_imported(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(services, "_create_rows", broken)
    with pytest.raises(RuntimeError):
        _import(setup, "desa", csv_bytes([person(1), person(2)]), "a.csv")
    assert (Batch.objects.count(), Proposal.objects.count(), ProposalEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_database_refuses_a_batch_whose_counts_do_not_add_up(setup: Setup) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.create(
            programme=setup.programme,
            period=setup.period,
            area_id=VILLAGE_A,
            source="upload",
            row_count=3,
            accepted_count=1,
            rejected_count=1,
            duplicate_count=0,
        )


def test_row_numbers_are_the_rows_the_operator_sees_in_excel(setup: Setup) -> None:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as book:
        sheet = book.add_worksheet()
        sheet.write_string(0, 0, "USULAN PEKERJA RENTAN DESA NIUR")  # a title above the header
        sheet.write_row(2, 0, ["NIK", "Nama", "Tgl. Lahir", "L/P", "Pekerjaan"])
        sheet.write_row(3, 0, list(person(1).values()))
        sheet.write_row(5, 0, list(person(2, nik="12").values()))  # row 5 left empty
    batch = _import(setup, "desa", out.getvalue())
    assert _outcomes(batch) == {4: "accepted", 6: "rejected"}
    assert batch.detail["header_row"] == 3 and batch.detail["skipped_empty_rows"] == 1


def test_a_latin_1_csv_with_semicolons_imports(setup: Setup) -> None:
    row = person(1, nama="Dédé Suhérman")
    text = ";".join(row) + "\r\n" + ";".join(row.values()) + "\r\n"
    batch = _import(setup, "desa", text.encode("cp1252"), "usulan.csv")
    assert batch.accepted_count == 1 and Proposal.objects.get().name == "Dédé Suhérman"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "usulan.xlsx", "FILE_EMPTY"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "usulan.xlsx", "FILE_PASSWORD"),
        (b"PK\x03\x04" + b"\x00" * 100, "usulan.xlsx", "FILE_CORRUPT"),
        (b"\x89PNG\r\n", "foto.png", "FILE_TYPE"),
        (b"nik,nama\n" + b",\n" * 1000, "usulan.csv", "FILE_EMPTY"),
    ],
)
def test_an_unreadable_file_is_refused_with_its_reason_and_writes_nothing(
    setup: Setup, data: bytes, name: str, code: str
) -> None:
    with pytest.raises(IntakeError) as error:
        _import(setup, "desa", data, name)
    assert error.value.code == code and error.value.message
    assert not Batch.objects.exists()


def test_an_inactive_programme_takes_no_proposals(setup: Setup) -> None:
    setup.programme.active = False
    setup.programme.save()
    with pytest.raises(IntakeError, match="tidak aktif"):
        _import(setup, "desa", csv_bytes([person(1)]), "a.csv")

"""Collective registration with BPJS: the file sent, the result read back, corrections."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import VILLAGE_A, make_user
from lindung.audit.models import AuditEvent
from lindung.membership.bpjs_columns import REGISTRATION_HEADERS, parse_day, result_status
from lindung.membership.bpjs_simulator import REJECTION_REASONS, simulate_result
from lindung.membership.models import (
    EndReason,
    MemberAction,
    Membership,
    MembershipEvent,
    MemberStatus,
    RegistrationExport,
    RegistrationImport,
    RegistrationRow,
)
from lindung.membership.registration import (
    ConflictError,
    registration_correct,
    registration_export,
    registration_import,
    registration_import_result,
    registration_status,
)
from lindung.membership.tests.conftest import NAMES, Determined, born, nik
from lindung.membership.tests.registration_helpers import (
    START,
    csv_rows,
    export_all,
    ok,
    refused,
    result_csv,
    xlsx_rows,
)
from lindung.regions.services import regions_load

MEMBERS = (1, 2, 3, 6, 7, 8, 9, 10)


def _import(determined: Determined, data: bytes, name: str = "hasil.csv") -> RegistrationImport:
    return registration_import(
        actor=determined.users["bpjs"], programme=determined.programme, data=data, file_name=name
    )


def _state() -> list[tuple[object, ...]]:
    return list(
        Membership.objects.order_by("pk").values_list(
            "pk", "status", "kpj", "coverage_start", "registration_problem", "version"
        )
    )


# -- export ---------------------------------------------------------------------------------


def test_the_xlsx_file_has_the_bpjs_headers_and_one_row_per_member(determined: Determined) -> None:
    export, body = export_all(determined)
    rows = xlsx_rows(body)
    assert tuple(rows[0]) == REGISTRATION_HEADERS
    assert export.member_count == len(rows) - 1 == len(MEMBERS)
    by_nik = {row[0]: dict(zip(REGISTRATION_HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_nik) == {nik(s) for s in MEMBERS}
    # Text cells: all 16 digits, no float.
    assert all(isinstance(value, str) and len(value) == 16 for value in by_nik)
    first = by_nik[nik(6)]
    assert first["Nama Lengkap"] == NAMES[6]
    assert first["Tanggal Lahir (DD-MM-YYYY)"] == born(6).strftime("%d-%m-%Y")
    assert first["Jenis Kelamin (L/P)"] == "P"
    assert first["Desa/Kelurahan"] == "Lubuk Sahung"
    assert first["Kecamatan"] == "Sukaraja"
    assert first["Kabupaten/Kota"] == "Kabupaten Seluma"
    assert first["Pekerjaan"] == "Petani"
    assert first["Penghasilan yang Dilaporkan"] == 1_000_000
    assert first["Program"] == "JKK, JKM"
    assert first["No HP"] == "081234560006"


def test_the_csv_file_is_utf8_with_bom_and_semicolons(determined: Determined) -> None:
    _, body = export_all(determined, "csv")
    rows = csv_rows(body)
    assert tuple(rows[0]) == REGISTRATION_HEADERS
    assert sorted(row[0] for row in rows[1:]) == sorted(nik(s) for s in MEMBERS)
    assert {row[-3] for row in rows[1:]} == {"1000000"}


def test_an_export_marks_the_members_sent_and_is_audited(determined: Determined) -> None:
    versions = dict(Membership.objects.values_list("pk", "version"))
    export, _body = export_all(determined)
    members = Membership.objects.all()
    assert {m.registration_export_id for m in members} == {export.pk}
    assert all(m.version == versions[m.pk] + 1 for m in members)
    events = MembershipEvent.objects.filter(action=MemberAction.EXPORTED)
    assert events.count() == len(MEMBERS)
    assert {e.detail["export"] for e in events} == {export.pk}
    audit = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert audit.actor == determined.users["manager"]
    assert audit.detail["count"] == len(MEMBERS) and audit.detail["full_nik"] is True


def test_nothing_left_to_send_is_refused_and_writes_nothing(determined: Determined) -> None:
    export_all(determined)
    with pytest.raises(ValidationError, match="sudah dikirim ke BPJS"):
        export_all(determined)
    assert RegistrationExport.objects.count() == 1
    assert MembershipEvent.objects.filter(action=MemberAction.EXPORTED).count() == len(MEMBERS)


def test_include_sent_resends_every_member_without_a_kpj(determined: Determined) -> None:
    first, _ = export_all(determined)
    _import(determined, result_csv([ok(2, "25000000001")]))
    again, body, _ = registration_export(
        actor=None, programme=determined.programme, file_format="csv", include_sent=True
    )
    assert again.member_count == len(MEMBERS) - 1
    assert nik(2) not in {row[0] for row in csv_rows(body)}
    assert Membership.objects.filter(registration_export=again).count() == len(MEMBERS) - 1
    assert determined.member(2).registration_export_id == first.pk


@pytest.mark.parametrize("role", ["finance", "auditor", "desa", "verifier", "leadership"])
def test_roles_without_the_capability_cannot_export(determined: Determined, role: str) -> None:
    with pytest.raises(PermissionDenied):
        registration_export(actor=determined.users[role], programme=determined.programme)
    assert not RegistrationExport.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_liaison_of_another_regency_cannot_export_or_import(determined: Determined) -> None:
    regions_load(only="17.01")
    liaison = make_user(Role.BPJS, "17.01", "bpjs-bengkulu-selatan")
    with pytest.raises(PermissionDenied, match="wilayah"):
        registration_export(actor=liaison, programme=determined.programme)
    with pytest.raises(PermissionDenied, match="wilayah"):
        registration_import(
            actor=liaison,
            programme=determined.programme,
            data=result_csv([ok(2, "25000000001")]),
            file_name="hasil.csv",
        )
    assert not RegistrationExport.objects.exists() and not RegistrationImport.objects.exists()


def test_an_unknown_format_is_refused(determined: Determined) -> None:
    with pytest.raises(ValidationError, match="xlsx atau csv"):
        registration_export(actor=None, programme=determined.programme, file_format="pdf")


# -- import ---------------------------------------------------------------------------------


def test_every_outcome_of_a_result_file(determined: Determined) -> None:
    export_all(determined)
    data = result_csv(
        [
            ok(2, "25000000002"),
            refused(3, "NIK tidak ditemukan di Dukcapil"),
            (nik(1), "Ahmad", "", "01-02-2026", "Berhasil", ""),  # no KPJ
            (nik(6), "Siti", "25000000006", "31-02-2026", "Berhasil", ""),  # no such day
            ok(4, "25000000004"),  # on the waiting list, not a member
            ("12345", "Tanpa NIK", "25000000099", "01-02-2026", "Berhasil", ""),
            ok(7, "25000000007"),
            ok(7, "25000000007"),  # the same row twice
        ]
    )
    changed_before = determined.member(2).status_changed_at
    upload = _import(determined, data)
    assert upload.counts == {
        "rows": 8,
        "registered": 2,
        "rejected": 1,
        "unchanged": 1,
        "unknown": 1,
        "invalid": 3,
        "missing": 3,  # 8, 9 and 10 were sent and the file says nothing about them
    }
    assert upload.row_count == 8 and upload.missing == 3
    two = determined.member(2)
    assert (two.status, two.kpj, two.coverage_start) == (
        MemberStatus.REGISTERED,
        "25000000002",
        START,
    )
    assert two.registration_problem == "" and two.status_changed_at > changed_before
    three = determined.member(3)
    assert three.status == MemberStatus.DETERMINED
    assert three.registration_problem == "NIK tidak ditemukan di Dukcapil"
    for serial in (1, 6):
        assert determined.member(serial).status == MemberStatus.DETERMINED
        assert determined.member(serial).registration_problem == ""
    rows = {r.row_number: r for r in RegistrationRow.objects.filter(upload=upload)}
    assert sorted(rows) == list(range(2, 10))  # file rows under the header
    assert rows[2].raw["No KPJ"] == "25000000002" and rows[2].membership == two
    assert rows[4].outcome == "invalid" and "KPJ kosong" in rows[4].message
    assert rows[5].outcome == "invalid" and "31-02-2026" in rows[5].message
    assert rows[6].outcome == "unknown" and rows[6].membership is None
    assert rows[7].outcome == "invalid" and "16 angka" in rows[7].message
    assert rows[9].outcome == "unchanged"
    registered = MembershipEvent.objects.filter(action=MemberAction.REGISTERED)
    assert {e.membership.nik for e in registered} == {nik(2), nik(7)}
    assert registered.get(membership=two).detail["kpj"] == "25000000002"
    rejected = MembershipEvent.objects.get(action=MemberAction.REJECTED)
    assert rejected.membership == three and rejected.note == "NIK tidak ditemukan di Dukcapil"


def test_the_same_file_twice_changes_nothing(determined: Determined) -> None:
    export_all(determined)
    data = result_csv([ok(2, "25000000002"), refused(3, "Data tanggal lahir tidak sesuai")])
    first = registration_import_result(
        actor=None, programme=determined.programme, data=data, file_name="a.csv"
    )
    before = (_state(), MembershipEvent.objects.count(), RegistrationRow.objects.count())
    second = registration_import_result(
        actor=None, programme=determined.programme, data=data, file_name="b.csv"
    )
    assert first.created and not second.created
    assert second.upload.pk == first.upload.pk
    assert RegistrationImport.objects.count() == 1
    assert (_state(), MembershipEvent.objects.count(), RegistrationRow.objects.count()) == before


def test_rows_already_applied_come_out_unchanged_from_another_file(determined: Determined) -> None:
    export_all(determined)
    _import(
        determined,
        result_csv([ok(2, "25000000002"), refused(3, "Data tanggal lahir tidak sesuai")]),
    )
    before = (_state(), MembershipEvent.objects.count())
    # The same rows, re-saved in Excel as a comma-separated file with a 2026-02-01 date.
    again = result_csv(
        [ok(2, "25000000002", "2026-02-01"), refused(3, "Data tanggal lahir tidak sesuai")],
        delimiter=",",
    )
    upload = _import(determined, again, "hasil-lagi.csv")
    assert upload.counts["unchanged"] == upload.counts["rows"] == 2
    assert (_state(), MembershipEvent.objects.count()) == before


def test_a_different_kpj_for_a_registered_member_is_not_applied(determined: Determined) -> None:
    export_all(determined)
    _import(determined, result_csv([ok(2, "25000000002")]))
    upload = _import(determined, result_csv([ok(2, "25999999999")]))
    row = upload.rows.get()
    assert row.outcome == "invalid" and "25000000002" in row.message
    assert determined.member(2).kpj == "25000000002"


def test_a_refusal_for_a_registered_member_changes_nothing(determined: Determined) -> None:
    export_all(determined)
    _import(determined, result_csv([ok(2, "25000000002")]))
    upload = _import(determined, result_csv([refused(2, REJECTION_REASONS[0])]))
    assert upload.rows.get().outcome == "unchanged"
    assert determined.member(2).status == MemberStatus.REGISTERED
    assert determined.member(2).registration_problem == ""


def test_an_ended_member_is_unknown_with_the_reason(determined: Determined) -> None:
    export_all(determined)
    Membership.objects.filter(nik=nik(8)).update(
        status=MemberStatus.ENDED, ended_on=date(2026, 1, 1), end_reason=EndReason.DEATH
    )
    upload = _import(determined, result_csv([ok(8, "25000000008")]))
    row = upload.rows.get()
    assert row.outcome == "unknown" and "berhenti" in row.message
    assert determined.member(8).kpj == ""


def test_other_spellings_of_the_result_columns_are_read(determined: Determined) -> None:
    export_all(determined)
    headers = ("No", "Nomor KTP", "Nomor Kepesertaan", "TMT", "Hasil", "Alasan Penolakan")
    data = result_csv(
        [
            ("1", nik(2), "25000000002", "1 Februari 2026", "SUKSES", ""),
            ("2", nik(3), "", "", "Gagal", "NIK sudah terdaftar sebagai peserta aktif"),
            ("3", nik(6), "", "", "Tidak berhasil", ""),
            ("4", nik(7), "", "", "menunggu", ""),
            ("5", nik(8), "", "", "Gagal - NIK tidak valid", ""),
        ],
        headers,
    )
    upload = _import(determined, data)
    outcomes = dict(upload.rows.values_list("row_number", "outcome"))
    assert outcomes == {2: "registered", 3: "rejected", 4: "rejected", 5: "invalid", 6: "rejected"}
    assert determined.member(8).registration_problem == "Gagal - NIK tidak valid"
    assert determined.member(2).coverage_start == START
    assert "tanpa keterangan" in determined.member(6).registration_problem
    assert "menunggu" in upload.rows.get(row_number=5).message


def test_without_a_status_column_a_kpj_means_registered(determined: Determined) -> None:
    export_all(determined)
    data = result_csv(
        [(nik(2), "25000000002", "01/02/2026", ""), (nik(3), "", "", "Data tidak sesuai")],
        ("NIK", "KPJ", "Tgl Kepesertaan", "Keterangan"),
    )
    upload = _import(determined, data)
    assert upload.counts["registered"] == upload.counts["rejected"] == 1


def test_a_latin1_csv_with_semicolons_is_read(determined: Determined) -> None:
    export_all(determined)
    data = result_csv(
        [refused(3, "Data tanggal lahir tidak sesuai – cek KTP (Désa)")], encoding="cp1252"
    )
    upload = _import(determined, data)
    assert upload.counts["rejected"] == 1
    assert determined.member(3).registration_problem.endswith("(Désa)")


def test_a_member_changed_meanwhile_keeps_its_newer_version(determined: Determined) -> None:
    export_all(determined)
    member = determined.member(2)
    Membership.objects.filter(pk=member.pk).update(version=member.version + 5)
    _import(determined, result_csv([ok(2, "25000000002")]))
    assert determined.member(2).version == member.version + 6


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7 bukan tabel", "hasil.pdf", "bukan CSV atau Excel"),
        (b"", "hasil.csv", "kosong"),
        (bytes(range(256)) * 40, "hasil.xlsx", "bukan CSV atau Excel"),
        (b"PK\x03\x04 rusak" * 50, "hasil.xlsx", "rusak"),
        (b"Nama;No KPJ;Status\nAhmad;25000000001;Berhasil\n", "hasil.csv", "Kolom NIK"),
        (b"NIK;Nama\n1705010101900001;Ahmad\n", "hasil.csv", "KPJ dan kolom Status"),
    ],
    ids=["pdf", "empty", "garbage", "broken-xlsx", "no-nik", "no-result-columns"],
)
def test_a_bad_file_is_refused_and_writes_nothing(
    determined: Determined, data: bytes, name: str, message: str
) -> None:
    export_all(determined)
    before = _state()
    with pytest.raises(ValidationError, match=message):
        _import(determined, data, name)
    assert not RegistrationImport.objects.exists() and not RegistrationRow.objects.exists()
    assert _state() == before


def test_the_registration_file_uploaded_as_a_result_is_recognised(determined: Determined) -> None:
    _, body = export_all(determined)
    with pytest.raises(ValidationError, match="berkas pendaftaran yang dikirim"):
        _import(determined, body, "pendaftaran.xlsx")


def test_roles_without_the_capability_cannot_import(determined: Determined) -> None:
    export_all(determined)
    for role in ("finance", "auditor", "desa", "leadership"):
        with pytest.raises(PermissionDenied):
            registration_import(
                actor=determined.users[role],
                programme=determined.programme,
                data=result_csv([ok(2, "25000000002")]),
                file_name="hasil.csv",
            )
    assert determined.member(2).status == MemberStatus.DETERMINED


# -- simulator ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_simulated_result_registers_most_and_refuses_a_few(
    determined: Determined, file_format: str
) -> None:
    _, body = export_all(determined, file_format)
    result = simulate_result(body, file_format, reject_share=0.25, seed=7, start=START)
    assert result == simulate_result(body, file_format, reject_share=0.25, seed=7, start=START)
    upload = _import(determined, result, f"hasil.{file_format}")
    assert upload.counts == {
        "rows": 8, "registered": 6, "rejected": 2, "unchanged": 0, "unknown": 0,
        "invalid": 0, "missing": 0,
    }  # fmt: skip
    registered = Membership.objects.filter(status=MemberStatus.REGISTERED)
    assert all(re.fullmatch(r"25[0-9]{9}", m.kpj) for m in registered)
    assert {m.coverage_start for m in registered} == {START}
    problems = Membership.objects.exclude(registration_problem="")
    assert {m.registration_problem for m in problems} <= set(REJECTION_REASONS)


def test_the_simulated_xlsx_does_not_depend_on_the_clock(determined: Determined) -> None:
    """The same export and seed must give the same file even when the clock moves on
    between the two: the workbook's only time, its creation time, is the coverage start."""
    _, body = export_all(determined, "xlsx")
    result = simulate_result(body, "xlsx", seed=7, start=START)
    with zipfile.ZipFile(io.BytesIO(result)) as book:
        core = book.read("docProps/core.xml").decode()
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core)
    assert stamps == ["2026-02-01T00:00:00Z", "2026-02-01T00:00:00Z"]


# -- correction and resending ---------------------------------------------------------------


def _refuse_three(determined: Determined) -> Membership:
    export_all(determined)
    _import(determined, result_csv([refused(3, "Data tanggal lahir tidak sesuai")]))
    return determined.member(3)


def test_a_corrected_member_is_sent_again_and_registered(determined: Determined) -> None:
    three = _refuse_three(determined)
    fixed = registration_correct(
        actor=determined.users["bpjs"],
        membership=three,
        expected_version=three.version,
        name="Joko Susilo Wibowo",
        phone="0812 0000 1111",
    )
    assert fixed.registration_problem == "" and fixed.registration_export is None
    assert fixed.version == three.version + 1 and fixed.name == "Joko Susilo Wibowo"
    event = MembershipEvent.objects.get(action=MemberAction.CORRECTED)
    assert event.detail["fields"] == ["name", "phone"]
    assert event.detail["before"]["name"] == "Joko Susilo"
    assert event.note == "Data tanggal lahir tidak sesuai"
    export, body = export_all(determined)
    assert export.member_count == 1
    assert xlsx_rows(body)[1][1] == "Joko Susilo Wibowo"
    _import(determined, result_csv([ok(3, "25000000003")]))
    assert determined.member(3).status == MemberStatus.REGISTERED


def test_an_old_refusal_does_not_undo_a_correction(determined: Determined) -> None:
    three = _refuse_three(determined)
    registration_correct(
        actor=None, membership=three, expected_version=three.version, address="Dusun II"
    )
    upload = _import(determined, result_csv([refused(3, "Alasan lama dari berkas lain")]))
    assert upload.rows.get().outcome == "unchanged"
    assert determined.member(3).registration_problem == ""


def test_a_stale_version_is_a_conflict(determined: Determined) -> None:
    three = _refuse_three(determined)
    with pytest.raises(ConflictError, match="muat ulang"):
        registration_correct(
            actor=None, membership=three, expected_version=three.version - 1, name="X Y"
        )
    assert determined.member(3).name == NAMES[3]


def test_a_correction_with_a_wrong_nik_says_what_to_fix(determined: Determined) -> None:
    three = _refuse_three(determined)
    with pytest.raises(ValidationError) as caught:
        registration_correct(
            actor=None, membership=three, expected_version=three.version, nik="17050112"
        )
    assert "16 angka" in " ".join(caught.value.message_dict["nik"])
    with pytest.raises(ValidationError) as caught:
        registration_correct(
            actor=None, membership=three, expected_version=three.version, nik=nik(2)
        )
    assert "nik" in caught.value.message_dict  # another member's NIK (and birth date)
    assert determined.member(3).registration_problem != ""


def test_only_refused_members_are_corrected_and_something_must_change(
    determined: Determined,
) -> None:
    three = _refuse_three(determined)
    with pytest.raises(ValidationError, match="Tidak ada data yang berubah"):
        registration_correct(
            actor=None, membership=three, expected_version=three.version, name=three.name
        )
    two = determined.member(2)
    with pytest.raises(ValidationError, match="ditolak BPJS"):
        registration_correct(actor=None, membership=two, expected_version=two.version, name="A B")


def test_a_desa_operator_cannot_correct(determined: Determined) -> None:
    three = _refuse_three(determined)
    with pytest.raises(PermissionDenied):
        registration_correct(
            actor=determined.users["desa"],
            membership=three,
            expected_version=three.version,
            name="X Y",
        )


# -- status ---------------------------------------------------------------------------------


def test_the_status_counts_each_state_within_the_users_area(determined: Determined) -> None:
    assert registration_status(None, determined.programme).counts["not_sent"] == len(MEMBERS)
    export_all(determined)
    _import(determined, result_csv([ok(2, "25000000002"), refused(3, "Data tidak sesuai")]))
    status = registration_status(determined.users["manager"], determined.programme)
    assert status.counts == {"not_sent": 0, "awaiting": 6, "rejected": 1, "registered": 1}
    assert list(status.rejected) == [determined.member(3)]
    village = registration_status(determined.users["desa"], determined.programme)
    assert village.counts == {"not_sent": 0, "awaiting": 1, "rejected": 1, "registered": 1}
    assert {m.village_id for m in village.awaiting} == {VILLAGE_A}


# -- reading cells --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01-02-2026", date(2026, 2, 1)),
        ("1/2/2026", date(2026, 2, 1)),
        ("2026-02-01", date(2026, 2, 1)),
        ("2026-02-01 00:00:00", date(2026, 2, 1)),
        ("1 Februari 2026", date(2026, 2, 1)),
        ("01-Feb-2026", date(2026, 2, 1)),
        ("46054", date(2026, 2, 1)),
        ("31-02-2026", None),
        ("besok", None),
        ("", None),
    ],
)
def test_dates_as_bpjs_writes_them(text: str, day: date | None) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Berhasil", "registered"),
        ("TERDAFTAR", "registered"),
        ("Diterima", "registered"),
        ("Ditolak", "rejected"),
        ("Tidak terdaftar", "rejected"),
        ("gagal validasi", "rejected"),
        ("Diproses", None),
        ("", None),
    ],
)
def test_status_words(text: str, status: str | None) -> None:
    assert result_status(text) == status

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.accounts.models import User
from lindung.references import selectors
from lindung.references.models import ReferenceKind, ReferenceRecord, RejectedRecord, Snapshot
from lindung.references.services import snapshot_import
from lindung.references.tests.conftest import EXTRACTED, SAMOSIR, SELUMA, WELFARE_CSV


def _import(
    actor: User | None,
    data: bytes | Path = WELFARE_CSV,
    *,
    kind: str = ReferenceKind.WELFARE,
    area: str = SELUMA,
    **extra: Any,
) -> Snapshot:
    arguments = {
        "actor": actor,
        "kind": kind,
        "source": "DTSEN",
        "extracted_on": EXTRACTED,
        "area_code": area,
        "file": data,
        "filename": "dtsen.csv",
    }
    return snapshot_import(**(arguments | extra))


def _counts() -> tuple[int, int, int]:
    return (
        Snapshot.objects.count(),
        ReferenceRecord.objects.count(),
        RejectedRecord.objects.count(),
    )


def test_it_imports_a_welfare_extract_and_the_counts_add_up(users):
    snapshot = _import(users["manager"])
    assert snapshot.reused is False
    assert (snapshot.row_count, snapshot.accepted_count, snapshot.rejected_count) == (5, 2, 3)
    assert ReferenceRecord.objects.filter(snapshot=snapshot).count() == 2
    assert RejectedRecord.objects.filter(snapshot=snapshot).count() == 3
    assert "1 baris kosong dilewati" in snapshot.note
    assert snapshot.column_mapping["nama"] == "Nama Lengkap"
    assert snapshot.imported_by == users["manager"]


def test_it_cleans_every_field_of_an_accepted_row(users):
    snapshot = _import(users["manager"])
    suñarti, budi = ReferenceRecord.objects.filter(snapshot=snapshot).order_by("row_number")
    assert suñarti.row_number == 2
    assert suñarti.nik == "1705016209900003"
    assert suñarti.name == "Suñarti"
    assert suñarti.name_normalized == "SUNARTI"
    assert suñarti.birth_date == date(1990, 9, 22)
    assert suñarti.sex == "P"
    assert suñarti.village_code == "17.05.01.2002"
    assert suñarti.kk == "1705011203100001"
    assert suñarti.desil == 3
    assert (budi.sex, budi.kk, budi.birth_date) == ("L", "", date(1985, 3, 12))


def test_it_keeps_refused_rows_as_received_with_their_reasons(users):
    snapshot = _import(users["manager"])
    rejected = {r.row_number: r for r in selectors.rejected_of(snapshot)}
    assert sorted(rejected) == [4, 5, 7]
    assert rejected[4].raw["NIK"] == "17050112038500"
    assert rejected[4].raw["Nama Lengkap"] == "Nama Salah NIK"
    assert [r["code"] for r in rejected[4].reasons] == ["NIK_FORMAT"]
    assert "16 angka" in rejected[4].reasons[0]["message"]
    assert [r["code"] for r in rejected[5].reasons] == ["DESIL_INVALID"]
    assert "1 sampai 10" in rejected[5].reasons[0]["message"]
    codes = [r["code"] for r in rejected[7].reasons]
    assert codes == ["TANGGAL_LAHIR_INVALID", "JENIS_KELAMIN_INVALID"]


def test_reimporting_the_same_file_creates_nothing_new(users):
    first = _import(users["manager"])
    before = _counts()
    again = _import(users["verifier"], extracted_on=date(2025, 7, 1))
    assert again.pk == first.pk
    assert again.reused is True
    assert _counts() == before


def test_the_same_file_for_another_list_is_another_snapshot(users):
    first = _import(users["admin"])
    other = _import(users["admin"], area=SAMOSIR)
    assert other.pk != first.pk
    assert other.reused is False


def test_a_missing_required_column_names_it_and_the_headers_found(users):
    data = b"NIK,Nama\n1705016209900003,Budi\n"
    with pytest.raises(ValidationError) as caught:
        _import(users["manager"], data)
    message = caught.value.messages[0]
    assert "Desil" in message
    assert "NIK, Nama" in message
    assert _counts() == (0, 0, 0)


def test_a_bad_file_is_refused_with_the_reading_message(users):
    with pytest.raises(ValidationError) as caught:
        _import(users["manager"], b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk", filename="x.xlsx")
    assert caught.value.code == "FILE_PASSWORD"
    assert _counts() == (0, 0, 0)


def test_a_failed_import_leaves_nothing(users, monkeypatch):
    from lindung.references import services

    def broken(snapshot, sheet, cleaned):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_insert_rejected", broken)
    with pytest.raises(RuntimeError):
        _import(users["manager"])
    assert _counts() == (0, 0, 0)


def test_an_operator_may_not_import_outside_their_area_or_role(users):
    with pytest.raises(PermissionDenied):
        _import(users["samosir"])
    with pytest.raises(PermissionDenied):
        _import(users["auditor"])
    with pytest.raises(PermissionDenied):
        _import(users["desa"], area="17.05.01.2002")
    assert _counts() == (0, 0, 0)


def test_a_given_mapping_overrides_the_guess(users):
    data = b"KTP,Nama Lengkap,Nama Panggilan,Peringkat\n1705016209900003,Budi Santoso,Budi,2\n"
    mapping = {"nik": "KTP", "nama": "Nama Panggilan", "desil": "Peringkat"}
    snapshot = _import(users["manager"], data, mapping=mapping)
    record = ReferenceRecord.objects.get(snapshot=snapshot)
    assert (record.nik, record.name, record.desil) == ("1705016209900003", "Budi", 2)


def test_a_mapping_to_a_header_the_file_lacks_is_refused(users):
    with pytest.raises(ValidationError, match="Alamat"):
        _import(users["manager"], mapping={"nik": "NIK", "nama": "Alamat", "desil": "Desil"})


def test_it_reads_bpjs_segments_and_active_words(users):
    data = (
        "NIK,Nama Peserta,KPJ,Segmen,Status Kepesertaan\n"
        "1705016209900003,Suñarti,12345678901,BPU,Aktif\n"
        "1705011203850003,Budi,1234 5678 902,Penerima Upah,Non Aktif\n"
        "1705010101900001,Ani,,Jakon,Ya\n"
        "1705010101900002,Ano,,Lain,Mungkin\n"
    ).encode()
    snapshot = _import(users["bpjs"], data, kind=ReferenceKind.BPJS, source="BPJS Ketenagakerjaan")
    records = ReferenceRecord.objects.filter(snapshot=snapshot).order_by("row_number")
    assert [(r.kpj, r.segment, r.active) for r in records] == [
        ("12345678901", "bpu", True),
        ("12345678902", "pu", False),
        ("", "jakon", True),
    ]
    (rejected,) = selectors.rejected_of(snapshot)
    assert [r["code"] for r in rejected.reasons] == ["SEGMEN_INVALID", "AKTIF_INVALID"]


def test_it_reads_an_xlsx_with_niks_as_numbers(users, tmp_path):
    path = tmp_path / "kematian.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet()
        sheet.merge_range(0, 0, 0, 3, "DATA KEMATIAN DUKCAPIL")
        sheet.write_row(2, 0, ["NIK", "Nama", "Tanggal Meninggal"])
        sheet.write_number(3, 0, 1705016209900003)
        sheet.write_string(3, 1, "Suñarti")
        sheet.write_datetime(3, 2, date(2025, 5, 1), book.add_format({"num_format": "dd/mm/yyyy"}))
        sheet.write_row(4, 0, ["1705011203850003", "Budi", "2025-13-01"])
    snapshot = _import(
        users["manager"], path, kind=ReferenceKind.DEATH, source="Dukcapil", filename=path.name
    )
    assert (snapshot.row_count, snapshot.accepted_count, snapshot.rejected_count) == (2, 1, 1)
    record = ReferenceRecord.objects.get(snapshot=snapshot)
    assert (record.nik, record.event_date) == ("1705016209900003", date(2025, 5, 1))


def test_snapshot_table_reads_the_records_as_arrow(users):
    snapshot = _import(users["manager"])
    table = selectors.snapshot_table(snapshot)
    assert table.schema == selectors.TABLE_SCHEMA
    rows = sorted(table.to_pylist(), key=lambda r: r["nik"], reverse=True)
    assert [r["nik"] for r in rows] == ["1705016209900003", "1705011203850003"]
    assert rows[0]["tanggal_lahir"] == date(1990, 9, 22)
    assert rows[0]["desil"] == 3
    assert rows[1]["kk"] is None
    assert rows[0]["aktif"] is None
    assert rows[0]["id"] == ReferenceRecord.objects.get(nik="1705016209900003").pk


def test_latest_snapshots_picks_the_newest_extract_covering_the_area(users):
    old = _import(users["manager"], extracted_on=date(2025, 1, 31))
    new = _import(users["manager"], WELFARE_CSV + b"\n", extracted_on=date(2025, 6, 30))
    district = _import(users["manager"], WELFARE_CSV + b"\n\n", area="17.05.01")
    found = selectors.latest_snapshots("17.05", on=date(2025, 12, 31))
    assert found == {ReferenceKind.WELFARE: new}
    assert selectors.latest_snapshots("17.05", on=date(2025, 3, 1)) == {ReferenceKind.WELFARE: old}
    # A village of the district is covered by the district's extract, the newest import.
    assert selectors.latest_snapshots("17.05.01.2002", on=date(2025, 12, 31))[
        ReferenceKind.WELFARE
    ] in (district, new)
    assert selectors.latest_snapshots(SAMOSIR, on=date(2025, 12, 31)) == {}


def test_a_snapshot_cannot_be_changed_or_deleted(users):
    snapshot = _import(users["manager"])
    snapshot.source = "Lain"
    with pytest.raises(PermissionError):
        snapshot.save()
    with pytest.raises(PermissionError):
        snapshot.delete()


def test_scoping_hides_seluma_snapshots_from_samosir(users):
    snapshot = _import(users["manager"])
    assert selectors.snapshot_for(users["samosir"], snapshot.pk) is None
    assert not selectors.snapshots_for(users["samosir"]).exists()
    assert selectors.snapshot_for(users["auditor"], snapshot.pk) == snapshot

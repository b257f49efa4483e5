import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from lindung.accounts.models import User
from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.references.models import ReferenceKind, ReferenceRecord, RejectedRecord, Snapshot
from lindung.references.services import snapshot_import
from lindung.references.tests.conftest import EXTRACTED, SELUMA, WELFARE_CSV


@pytest.fixture(autouse=True)
def var_dir(tmp_path):
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def _upload(
    client: Client, data: bytes = WELFARE_CSV, name: str = "dtks desa.csv", **fields: str
) -> Any:
    form = {
        "kind": ReferenceKind.WELFARE,
        "source": "DTKS",
        "extracted_on": EXTRACTED.isoformat(),
        "area": SELUMA,
        "file": SimpleUploadedFile(name, data),
    }
    return client.post(reverse("references:upload"), form | fields)


def _confirm_data(response: Any) -> dict[str, str]:
    """The mapping form as the browser would send it back, with the guessed choices."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_the_mapping_flow_imports_the_file_end_to_end(users, var_dir):
    client = client_for(users["manager"])
    page = _upload(client)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pemetaan kolom" in html
    assert "Nama Lengkap" in html and "Suñarti" in html  # header row and sample
    assert "judul kolom ditemukan di baris 1" in html
    data = _confirm_data(page)
    assert data["map_nik"] == "NIK" and data["map_desil"] == "Desil"
    stored = list((var_dir / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].name == f"{data['upload']}.csv"

    done = client.post(reverse("references:confirm"), data, follow=True)
    snapshot = Snapshot.objects.get()
    assert done.redirect_chain[-1][0] == reverse("references:detail", args=[snapshot.pk])
    body = done.content.decode()
    assert "5 baris = 2 diterima + 3 ditolak" in body
    assert "NIK_FORMAT" in body and "DESIL_INVALID" in body
    assert snapshot.source == "DTKS" and snapshot.imported_by == users["manager"]
    assert not any((var_dir / "uploads").iterdir())  # the temporary file is gone


def test_the_operator_can_change_the_guessed_mapping(users):
    client = client_for(users["manager"])
    data = _confirm_data(_upload(client))
    data["map_kk"] = ""  # the KK column left out
    data["map_tanggal_lahir"] = data["map_jenis_kelamin"] = ""
    client.post(reverse("references:confirm"), data)
    snapshot = Snapshot.objects.get()
    assert snapshot.column_mapping["kk"] is None
    assert snapshot.rejected_count == 2  # row 7 had only a bad date and sex
    assert set(ReferenceRecord.objects.values_list("kk", flat=True)) == {""}


def test_an_unmapped_required_field_keeps_the_operator_on_the_mapping_screen(users):
    client = client_for(users["manager"])
    data = _confirm_data(_upload(client)) | {"map_desil": ""}
    response = client.post(reverse("references:confirm"), data)
    assert response.status_code == 400
    assert "Kolom ini wajib dipetakan" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_a_bad_file_is_refused_on_the_upload_form_with_what_to_do(users, var_dir):
    client = client_for(users["manager"])
    response = _upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk", name="dtks.xlsx")
    assert response.status_code == 400
    assert "dilindungi kata sandi" in response.content.decode()
    assert not any((var_dir / "uploads").iterdir())


def test_a_file_without_a_required_column_is_shown_with_the_field_unmapped(users):
    client = client_for(users["manager"])
    page = _upload(client, b"NIK;Nama\n1705016209900003;Budi\n")
    assert page.status_code == 200
    data = _confirm_data(page)
    assert data["map_desil"] == ""
    response = client.post(reverse("references:confirm"), data)
    assert response.status_code == 400


def test_uploading_outside_the_scope_is_refused(users):
    client = client_for(users["samosir"])
    response = _upload(client)
    assert response.status_code == 400
    assert "di luar wilayah kerja Anda" in response.content.decode()


def test_a_forged_confirmation_for_another_area_imports_nothing(users):
    data = _confirm_data(_upload(client_for(users["manager"])))
    response = client_for(users["samosir"]).post(reverse("references:confirm"), data)
    assert response.status_code == 400
    assert not Snapshot.objects.exists()


def test_a_confirmation_for_a_missing_upload_sends_back_to_the_upload(users):
    client = client_for(users["manager"])
    data = _confirm_data(_upload(client)) | {"upload": "0" * 64}
    response = client.post(reverse("references:confirm"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("references:upload")


def test_importing_the_same_file_again_says_so_and_creates_nothing(users):
    client = client_for(users["manager"])
    client.post(reverse("references:confirm"), _confirm_data(_upload(client)))
    again = client.post(reverse("references:confirm"), _confirm_data(_upload(client)), follow=True)
    assert "sudah pernah diimpor" in again.content.decode()
    assert Snapshot.objects.count() == 1
    assert RejectedRecord.objects.count() == 3


def _snapshot(users: dict[str, User]) -> Snapshot:
    return snapshot_import(
        actor=users["manager"],
        kind=ReferenceKind.WELFARE,
        source="DTSEN",
        extracted_on=EXTRACTED,
        area_code=SELUMA,
        file=WELFARE_CSV,
        filename="dtsen.csv",
    )


def test_the_list_shows_snapshots_in_scope_only(users):
    snapshot = _snapshot(users)
    url = reverse("references:list")
    assert "DTSEN" in client_for(users["auditor"]).get(url).content.decode()
    other = client_for(users["samosir"]).get(url)
    assert other.status_code == 200
    assert "Belum ada data pembanding" in other.content.decode()
    detail = reverse("references:detail", args=[snapshot.pk])
    assert client_for(users["samosir"]).get(detail).status_code == 404
    assert client_for(users["desa"]).get(url).status_code == 403


def test_the_auditor_reads_but_cannot_import_or_download(users):
    snapshot = _snapshot(users)
    auditor = client_for(users["auditor"])
    assert auditor.get(reverse("references:detail", args=[snapshot.pk])).status_code == 200
    assert auditor.get(reverse("references:upload")).status_code == 403
    assert auditor.get(reverse("references:rejected_csv", args=[snapshot.pk])).status_code == 403


def test_rejected_rows_download_as_csv_that_can_be_fixed_and_imported_again(users):
    snapshot = _snapshot(users)
    client = client_for(users["manager"])
    response: Any = client.get(reverse("references:rejected_csv", args=[snapshot.pk]))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["baris", "alasan", "NIK"]
    assert [r[0] for r in rows[1:]] == ["4", "5", "7"]
    assert AuditEvent.objects.filter(object_type="reference_rejected").count() == 1
    desil = rows[0].index("Desil")
    for row in rows[1:]:
        row[desil] = "1" if row[desil] == "11" else row[desil]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    fixed = out.getvalue().encode()
    again = snapshot_import(
        actor=users["manager"],
        kind=ReferenceKind.WELFARE,
        source="DTSEN",
        extracted_on=EXTRACTED,
        area_code=SELUMA,
        file=fixed,
        filename=Path("ditolak.csv").name,
    )
    assert again.row_count == 3
    assert again.accepted_count == 1  # the desil fixed; the NIK and the date still wrong


def test_an_abandoned_upload_is_swept_away_by_the_next_one(users, var_dir):
    client = client_for(users["manager"])
    old = var_dir / "uploads" / f"{'a' * 64}.csv"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"NIK;Nama\n")
    os.utime(old, (0, 0))
    _upload(client)
    assert not old.exists()
    assert len(list((var_dir / "uploads").iterdir())) == 1

"""The registration pages: status, file download, result upload and page, corrections."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.membership.bpjs_simulator import simulate_result
from lindung.membership.models import (
    Membership,
    MemberStatus,
    RegistrationExport,
    RegistrationImport,
)
from lindung.membership.tests.conftest import NAMES, Determined, nik
from lindung.membership.tests.registration_helpers import (
    START,
    export_all,
    ok,
    refused,
    result_csv,
    xlsx_rows,
)

PAGE = reverse("membership:registration")


def _client(determined: Determined, role: str) -> Client:
    return client_for(determined.users[role])


def _upload(client: Client, determined: Determined, data: bytes, name: str = "hasil.csv") -> Any:
    return client.post(
        reverse("membership:registration_upload"),
        {"program": determined.programme.pk, "berkas": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    "role", ["admin", "manager", "bpjs", "verifier", "finance", "auditor", "leadership", "desa"]
)
def test_everyone_who_sees_members_sees_the_status(determined: Determined, role: str) -> None:
    response = _client(determined, role).get(PAGE, {"program": determined.programme.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Belum dikirim" in html
    may_send = role in ("admin", "manager", "bpjs")
    assert ("Unduh berkas pendaftaran" in html) is may_send
    assert nik(2) not in html  # masked in lists


def test_a_desa_operator_sees_their_village_only(determined: Determined) -> None:
    html = _client(determined, "desa").get(PAGE, {"program": determined.programme.pk}).content
    text = html.decode()
    assert NAMES[2] in text and NAMES[8] not in text


def test_the_manager_downloads_the_file(determined: Determined) -> None:
    response = _client(determined, "manager").post(
        reverse("membership:registration_export"),
        {"program": determined.programme.pk, "file_format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pendaftaran-bpjs-')
    assert len(xlsx_rows(response.content)) == 9
    assert RegistrationExport.objects.get().created_by == determined.users["manager"]
    refused_again = _client(determined, "manager").post(
        reverse("membership:registration_export"),
        {"program": determined.programme.pk, "file_format": "csv"},
        follow=True,
    )
    assert "sudah dikirim ke BPJS" in refused_again.content.decode()
    assert RegistrationExport.objects.count() == 1


@pytest.mark.parametrize("role", ["finance", "auditor", "desa", "verifier", "leadership"])
def test_other_roles_cannot_export_or_upload(determined: Determined, role: str) -> None:
    client = _client(determined, role)
    export = client.post(
        reverse("membership:registration_export"),
        {"program": determined.programme.pk, "file_format": "xlsx"},
    )
    assert export.status_code == 403
    upload = _upload(client, determined, result_csv([ok(2, "25000000002")]))
    assert upload.status_code == 403
    assert not RegistrationExport.objects.exists() and not RegistrationImport.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_upload_leads_to_the_result_page(determined: Determined) -> None:
    _, body = export_all(determined)
    client = _client(determined, "bpjs")
    result = simulate_result(body, "xlsx", reject_share=0.25, start=START)
    response = _upload(client, determined, result, "hasil.xlsx")
    upload = RegistrationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == upload.get_absolute_url()
    page = client.get(upload.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "8 baris = 6 terdaftar + 2 ditolak" in html
    only = client.get(upload.get_absolute_url(), {"hasil": "rejected"}).content.decode()
    assert only.count("Perbaiki data") == 2
    again = _upload(client, determined, result, "hasil.xlsx")
    assert again["Location"] == upload.get_absolute_url()
    assert RegistrationImport.objects.count() == 1


def test_a_bad_upload_says_what_is_wrong(determined: Determined) -> None:
    response = _upload(_client(determined, "bpjs"), determined, b"Nama;Status\nA;Berhasil\n")
    assert response.status_code == 400
    assert "Kolom NIK tidak ditemukan" in response.content.decode()
    assert not RegistrationImport.objects.exists()


def test_the_result_page_of_a_desa_operator_lists_their_rows_only(determined: Determined) -> None:
    export_all(determined)
    data = result_csv([ok(2, "25000000002"), ok(8, "25000000008")])
    _upload(_client(determined, "bpjs"), determined, data)
    upload = RegistrationImport.objects.get()
    html = _client(determined, "desa").get(upload.get_absolute_url()).content.decode()
    assert NAMES[2] in html and NAMES[8] not in html


def test_a_refused_member_is_corrected_through_the_form(determined: Determined) -> None:
    export_all(determined)
    _upload(_client(determined, "bpjs"), determined, result_csv([refused(3, "Nama tidak sesuai")]))
    member = determined.member(3)
    url = reverse("membership:registration_correct", args=[member.pk])
    client = _client(determined, "bpjs")
    form = client.get(url)
    assert form.status_code == 200 and nik(3) in form.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.NIK_VIEW, object_id=str(member.pk)
    ).exists()
    data = {
        "nik": member.nik,
        "name": "Joko Susilo Wibowo",
        "birth_place": member.birth_place,
        "birth_date": member.birth_date.isoformat(),
        "sex": member.sex,
        "address": member.address,
        "phone": member.phone,
        "version": member.version,
    }
    bad = client.post(url, data | {"nik": "1705"})
    assert bad.status_code == 400 and "16 angka" in bad.content.decode()
    done = client.post(url, data)
    assert done.status_code == 302
    fixed = Membership.objects.get(pk=member.pk)
    assert fixed.name == "Joko Susilo Wibowo" and fixed.registration_problem == ""
    stale = client.post(url, data | {"name": "Lain Lagi"})
    assert stale.status_code == 400  # no longer refused
    assert Membership.objects.get(pk=member.pk).name == "Joko Susilo Wibowo"


def test_a_stale_form_is_a_conflict(determined: Determined) -> None:
    export_all(determined)
    _upload(_client(determined, "bpjs"), determined, result_csv([refused(3, "Nama tidak sesuai")]))
    member = determined.member(3)
    url = reverse("membership:registration_correct", args=[member.pk])
    data = {
        "nik": member.nik,
        "name": "Nama Baru",
        "birth_date": member.birth_date.isoformat(),
        "sex": member.sex,
        "version": member.version - 1,
    }
    response = _client(determined, "manager").post(url, data)
    assert response.status_code == 400 and "muat ulang" in response.content.decode()
    assert Membership.objects.get(pk=member.pk).name == NAMES[3]


@pytest.mark.parametrize("role", ["desa", "finance", "auditor"])
def test_only_registering_roles_open_the_correction_form(determined: Determined, role: str) -> None:
    url = reverse("membership:registration_correct", args=[determined.member(2).pk])
    assert _client(determined, role).get(url).status_code == 403


def test_a_programme_outside_the_area_is_not_found(determined: Determined) -> None:
    response = _client(determined, "manager").get(PAGE, {"program": 999})
    assert response.status_code == 404
    assert Membership.objects.filter(status=MemberStatus.DETERMINED).count() == 8

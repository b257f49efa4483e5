"""The proposal pages: each user sees their own area only, the form keeps what was typed,
uploads show every row's outcome."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_B, client_for
from lindung.audit.models import AuditEvent
from lindung.programs.models import Occupation
from lindung.proposals.models import Batch, Proposal
from lindung.proposals.services import batch_import, sender_for
from lindung.proposals.tests.conftest import (
    QUOTA,
    Setup,
    csv_bytes,
    make_period,
    nik,
    person,
    xlsx_bytes,
)


def _propose(setup: Setup, user: str, rows: list[dict[str, str]], **kw: Any) -> Batch:
    sender = sender_for(actor=setup.users[user], programme=setup.programme, **kw)
    return batch_import(sender=sender, data=csv_bytes(rows), file_name="a.csv").batch


def _form(serial: int, **overrides: str) -> dict[str, str]:
    row = person(serial)
    day, month, year = row["tanggal_lahir"].split("/")
    fields = row | {"tanggal_lahir": f"{year}-{month}-{day}", "pekerjaan": _petani()}
    return fields | overrides


def _petani() -> str:
    return str(Occupation.objects.get(name="Petani").pk)


class TestIsolation:
    def test_a_village_operator_gets_404_on_another_villages_proposal(self, setup: Setup) -> None:
        _propose(setup, "desa_b", [person(1)])
        other = Proposal.objects.get()
        client = client_for(setup.users["desa"])
        assert client.get(reverse("proposals:detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("proposals:batch", args=[other.batch_id])).status_code == 404
        url = reverse("proposals:batch_rejected_xlsx", args=[other.batch_id])
        assert client.get(url).status_code == 404
        assert client_for(setup.users["desa_b"]).get(other.get_absolute_url()).status_code == 200

    def test_the_list_shows_the_users_area_only_with_masked_niks(self, setup: Setup) -> None:
        _propose(setup, "desa", [person(1)])
        _propose(setup, "desa_b", [person(2, nama="Orang Pasar Tais")])
        html = client_for(setup.users["desa"]).get(reverse("proposals:list")).content.decode()
        assert "Pekerja Nomor 1" in html and "Orang Pasar Tais" not in html
        assert nik(1) not in html and nik(1)[:4] + "********" in html
        manager = client_for(setup.users["manager"]).get(reverse("proposals:list"))
        assert "Orang Pasar Tais" in manager.content.decode()

    def test_the_list_filters_by_status_and_counts_every_status(self, setup: Setup) -> None:
        _propose(setup, "desa", [person(1), person(2)])
        client = client_for(setup.users["kecamatan"])
        html = client.get(reverse("proposals:list"), {"status": "eligible"}).content.decode()
        assert "Pekerja Nomor 1" not in html
        assert "Tidak ada usulan yang cocok" in html
        assert "Diterima, belum diperiksa: 2" in html

    def test_an_empty_list_says_so(self, setup: Setup) -> None:
        html = client_for(setup.users["desa"]).get(reverse("proposals:list")).content.decode()
        assert "Belum ada usulan di wilayah kerja Anda" in html

    def test_read_only_roles_see_but_cannot_propose(self, setup: Setup) -> None:
        client = client_for(setup.users["auditor"])
        assert client.get(reverse("proposals:list")).status_code == 200
        assert client.get(reverse("proposals:create")).status_code == 403
        assert client.post(reverse("proposals:upload")).status_code == 403
        assert client_for(setup.users["finance"]).get(reverse("proposals:list")).status_code == 403


class TestForm:
    @pytest.fixture
    def client(self, setup: Setup) -> Client:
        return client_for(setup.users["desa"])

    def test_a_valid_proposal_is_saved_and_shown(self, setup: Setup, client: Client) -> None:
        response = client.post(reverse("proposals:create"), _form(1))
        proposal = Proposal.objects.get()
        assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
        assert proposal.village_id == VILLAGE_A and proposal.batch.source == "form"
        assert proposal.batch.rows.get().raw["nama"] == "Pekerja Nomor 1"
        detail = client.get(proposal.get_absolute_url()).content.decode()
        assert "Diterima, belum diperiksa" in detail and "Diusulkan" in detail

    def test_a_bad_nik_keeps_everything_typed_and_shows_the_parse(
        self, setup: Setup, client: Client
    ) -> None:
        response = client.post(reverse("proposals:create"), _form(1, nik="1705019999850003"))
        html = response.content.decode()
        assert response.status_code == 400
        assert "Tanggal lahir di NIK (digit 7-12) tidak valid" in html
        assert 'value="Pekerja Nomor 1"' in html and 'value="1705019999850003"' in html
        assert 'id="nik-parse"' in html
        assert not Proposal.objects.exists() and not Batch.objects.exists()

    def test_missing_fields_get_indonesian_messages(self, setup: Setup, client: Client) -> None:
        response = client.post(reverse("proposals:create"), {"nik": nik(1)})
        html = response.content.decode()
        assert "Isi nama sesuai KTP." in html and "Pilih pekerjaan dari daftar." in html

    def test_a_full_quota_says_how_many_places_are_left(self, setup: Setup, client: Client) -> None:
        _propose(setup, "desa", [person(i) for i in range(1, QUOTA + 1)])
        response = client.post(reverse("proposals:create"), _form(9))
        assert response.status_code == 400
        assert "Kuota Niur penuh" in response.content.decode()
        assert "tersisa 0 tempat" in response.content.decode()
        assert Proposal.objects.count() == QUOTA

    def test_the_same_person_again_is_refused_on_the_nik(
        self, setup: Setup, client: Client
    ) -> None:
        client.post(reverse("proposals:create"), _form(1))
        response = client.post(reverse("proposals:create"), _form(1))
        assert response.status_code == 400
        assert "sudah diusulkan desa/kelurahan ini" in response.content.decode()
        assert Proposal.objects.count() == 1 and Batch.objects.count() == 1

    def test_a_closed_period_refuses_the_form(self, setup: Setup, client: Client) -> None:
        setup.period.delete()
        make_period(setup.programme, opens=5, closes=20)
        response = client.post(reverse("proposals:create"), _form(1))
        html = response.content.decode()
        assert response.status_code == 400
        assert "Tidak ada periode usulan yang sedang dibuka" in html and "dibuka" in html
        assert not Proposal.objects.exists()

    def test_the_nik_check_shows_what_the_nik_says(self, setup: Setup, client: Client) -> None:
        response = client.get(reverse("proposals:nik_check"), {"nik": nik(1)})
        assert "Terbaca dari NIK" in response.content.decode()

    def test_the_dinas_picks_the_village(self, setup: Setup) -> None:
        client = client_for(setup.users["manager"])
        assert f'value="{VILLAGE_B}"' in client.get(reverse("proposals:create")).content.decode()
        client.post(reverse("proposals:create"), _form(1, kode_wilayah=VILLAGE_B))
        assert Proposal.objects.get().village_id == VILLAGE_B


class TestUpload:
    def _upload(self, client: Client, data: bytes, name: str = "usulan.xlsx", **extra: str) -> Any:
        file = SimpleUploadedFile(name, data)
        return client.post(reverse("proposals:upload"), {"berkas": file, **extra})

    def test_an_upload_shows_every_rows_outcome(self, setup: Setup) -> None:
        client = client_for(setup.users["desa"])
        response = self._upload(client, xlsx_bytes([person(1), person(2, nik="123")]))
        batch = Batch.objects.get()
        assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
        html = client.get(batch.get_absolute_url()).content.decode()
        assert "2 baris = 1 diterima + 1 ditolak + 0 sudah diusulkan" in html
        assert "NIK harus 16 angka" in html

    def test_the_same_file_again_leads_to_the_first_batch(self, setup: Setup) -> None:
        client = client_for(setup.users["desa"])
        data = xlsx_bytes([person(1)])
        self._upload(client, data)
        response = self._upload(client, data)
        assert response["Location"] == Batch.objects.get().get_absolute_url()
        assert Proposal.objects.count() == 1

    def test_a_file_that_is_not_a_spreadsheet_is_refused_clearly(self, setup: Setup) -> None:
        client = client_for(setup.users["desa"])
        response = self._upload(client, b"\x00\x01 bukan data", "foto.jpg")
        assert response.status_code == 400
        assert not Batch.objects.exists()

    def test_the_dinas_uploads_for_one_chosen_village(self, setup: Setup) -> None:
        client = client_for(setup.users["verifier"])
        assert "kode_wilayah" in client.get(reverse("proposals:upload")).content.decode()
        self._upload(client, xlsx_bytes([person(1)]), desa=VILLAGE_B)
        assert Proposal.objects.get().village_id == VILLAGE_B

    def test_rejected_rows_download_for_fixing_and_is_audited(self, setup: Setup) -> None:
        batch = _propose(setup, "desa", [person(1), person(2, nik="123")])
        client = client_for(setup.users["desa"])
        response = client.get(reverse("proposals:batch_rejected_xlsx", args=[batch.pk]))
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        rows = book.get_sheet_by_index(0).to_python()
        assert len(rows) == 2 and rows[1][0] == "123"
        csv_response = client.get(reverse("proposals:batch_rejected_csv", args=[batch.pk]))
        assert "123" in csv_response.content.decode("utf-8-sig")
        assert AuditEvent.objects.filter(action="export", object_type="proposal_batch").count() == 2

    def test_templates_download_as_xlsx_and_csv(self, setup: Setup) -> None:
        client = client_for(setup.users["desa"])
        pk = setup.programme.pk
        xlsx = client.get(reverse("proposals:template_xlsx", args=[pk]))
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
        text = client.get(reverse("proposals:template_csv", args=[pk])).content.decode("utf-8-sig")
        assert text.startswith("nik;nama;")

"""Decree pages: who records, who sees which lines, who downloads the attachment, and the
audit trail of every download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.models import Role
from lindung.accounts.tests.helpers import client_for, make_user
from lindung.audit.models import AuditEvent
from lindung.membership.decrees import pending_changes
from lindung.membership.models import Decree, DecreeEntry, EndReason
from lindung.membership.tests import decree_helpers as h
from lindung.membership.tests.conftest import NAMES, Determined, nik
from lindung.people.nik import mask_nik
from lindung.regions.services import regions_load


def _form(**overrides: Any) -> dict[str, Any]:
    fields = h.decree_fields()
    fields["signed_on"] = fields["signed_on"].isoformat()
    fields["effective_on"] = fields["effective_on"].isoformat()
    return fields | overrides


def _as(d: Determined, role: str) -> Client:
    return client_for(d.users[role])


def _exports() -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="decree")
    return [e.detail | {"who": e.actor_username} for e in events.order_by("id")]


class TestRecording:
    def test_the_manager_sees_the_period_waiting_for_its_decree(
        self, determined: Determined
    ) -> None:
        html = _as(determined, "manager").get(reverse("membership:decrees")).content.decode()
        assert reverse("membership:decree_new", args=[determined.period.pk]) in html

    def test_the_form_shows_how_many_will_be_listed_and_records_the_decree(
        self, determined: Determined
    ) -> None:
        client = _as(determined, "manager")
        url = reverse("membership:decree_new", args=[determined.period.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "<strong>8</strong> peserta" in page.content.decode()
        assert 'value="Bupati Seluma"' in page.content.decode()
        response = client.post(url, _form(changes=page.context["form"].initial["changes"]))
        decree = Decree.objects.get()
        assert response.status_code == 302 and response["Location"] == decree.get_absolute_url()
        assert DecreeEntry.objects.filter(decree=decree).count() == 8
        # The next decree of the programme starts from the same signer.
        initial = _signer_initial_after(client, determined)
        assert initial["signer_name"] == decree.signer_name

    def test_a_bad_form_keeps_what_was_typed_and_writes_nothing(
        self, determined: Determined
    ) -> None:
        url = reverse("membership:decree_new", args=[determined.period.pk])
        response = _as(determined, "manager").post(url, _form(number="", place="Tais Baru"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "SK belum dicatat" in html and 'value="Tais Baru"' in html
        assert not Decree.objects.exists()

    def test_a_reused_number_is_refused_on_the_page(self, determined: Determined) -> None:
        original = h.issue(determined)
        h.end(determined.member(2))
        url = reverse("membership:decree_amend", args=[original.pk])
        response = _as(determined, "manager").post(url, _form(number=original.number))
        assert response.status_code == 400
        assert "sudah dipakai oleh SK lain" in response.content.decode()
        assert Decree.objects.count() == 1

    def test_the_second_to_submit_the_original_is_told_it_exists(
        self, determined: Determined
    ) -> None:
        url = reverse("membership:decree_new", args=[determined.period.pk])
        first, second = _as(determined, "manager"), _as(determined, "admin")
        assert second.get(url).status_code == 200
        first.post(url, _form())
        response = second.post(url, _form(number="100.3.3.2/124/KPTS/2026"), follow=True)
        assert "SK penetapan periode ini sudah dicatat" in response.content.decode()
        assert Decree.objects.count() == 1

    @pytest.mark.parametrize("role", ["verifier", "desa", "kecamatan", "bpjs", "auditor"])
    def test_other_roles_cannot_record(self, determined: Determined, role: str) -> None:
        client = _as(determined, role)
        url = reverse("membership:decree_new", args=[determined.period.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, _form()).status_code == 403
        assert not Decree.objects.exists()

    def test_the_amendment_page_shows_the_changes_before_saving(
        self, determined: Determined
    ) -> None:
        original = h.issue(determined)
        h.end(determined.member(2), EndReason.DEATH)
        h.replace(determined.member(2), h.waiting(nik(4)))
        client = _as(determined, "manager")
        url = reverse("membership:decree_amend", args=[original.pk])
        page = client.get(url)
        html = page.content.decode()
        assert NAMES[2] in html and NAMES[4] in html and "Meninggal dunia" in html
        assert nik(2) not in html and mask_nik(nik(2)) in html
        assert original.number in page.context["form"].initial["title"]
        fields = _form(number="100.3.3.2/200/KPTS/2026")
        response = client.post(url, fields | {"changes": page.context["form"].initial["changes"]})
        amendment = Decree.objects.get(sequence=1)
        assert response["Location"] == amendment.get_absolute_url()

    def test_an_amendment_from_a_stale_page_is_refused(self, determined: Determined) -> None:
        original = h.issue(determined)
        h.end(determined.member(2))
        stale = pending_changes(determined.period).token
        h.end(determined.member(9))
        url = reverse("membership:decree_amend", args=[original.pk])
        response = _as(determined, "manager").post(url, _form(number="B/1", changes=stale))
        assert response.status_code == 400
        html = response.content.decode()
        assert "berubah sejak halaman ini dibuka" in html
        assert Decree.objects.count() == 1
        # The page now shows both ended members and carries their list: saving it works.
        assert NAMES[2] in html and NAMES[9] in html
        fresh = pending_changes(determined.period).token
        assert f'value="{fresh}"' in html
        again = _as(determined, "manager").post(url, _form(number="B/1", changes=fresh))
        assert again.status_code == 302

    def test_nothing_to_amend_shows_no_form(self, determined: Determined) -> None:
        original = h.issue(determined)
        url = reverse("membership:decree_amend", args=[original.pk])
        html = _as(determined, "manager").get(url).content.decode()
        assert "Tidak ada perubahan sejak SK terakhir" in html
        assert 'name="number"' not in html


def _signer_initial_after(client: Client, d: Determined) -> dict[str, Any]:
    h.end(d.member(2))
    decree = Decree.objects.get()
    page = client.get(reverse("membership:decree_amend", args=[decree.pk]))
    initial: dict[str, Any] = page.context["form"].initial
    return initial


class TestReading:
    def test_a_village_sees_its_own_lines_with_masked_niks(self, determined: Determined) -> None:
        decree = h.issue(determined)
        response = _as(determined, "desa").get(decree.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert decree.number in html
        assert all(NAMES[s] in html for s in (1, 2, 3))  # Niur
        assert all(NAMES[s] not in html for s in (6, 7, 8, 9, 10))
        assert mask_nik(nik(1)) in html and nik(1) not in html
        assert reverse("membership:decree_pdf", args=[decree.pk]) not in html

    def test_everyone_in_the_regency_sees_the_list(self, determined: Determined) -> None:
        decree = h.issue(determined)
        for role in ("desa_b", "kecamatan", "finance", "leadership"):
            html = _as(determined, role).get(reverse("membership:decrees")).content.decode()
            assert decree.number in html, role

    def test_the_manager_sees_the_download_links(self, determined: Determined) -> None:
        decree = h.issue(determined)
        html = _as(determined, "manager").get(decree.get_absolute_url()).content.decode()
        assert reverse("membership:decree_pdf", args=[decree.pk]) in html
        assert "nik=lengkap" not in html  # the decree was recorded with masked NIKs


class TestDownloads:
    def test_the_masked_pdf_is_audited(self, determined: Determined) -> None:
        decree = h.issue(determined)
        response = _as(determined, "verifier").get(
            reverse("membership:decree_pdf", args=[decree.pk])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        assert response.content.startswith(b"%PDF")
        assert _exports() == [
            {
                "number": decree.number,
                "format": "pdf",
                "full_nik": False,
                "entries": 8,
                "who": "verifier-1705",
            }
        ]

    def test_the_full_nik_xlsx_needs_a_full_nik_decree_and_role(
        self, determined: Determined
    ) -> None:
        masked_only = h.issue(determined)
        url = reverse("membership:decree_xlsx", args=[masked_only.pk]) + "?nik=lengkap"
        assert _as(determined, "manager").get(url).status_code == 403
        Decree.objects.filter(pk=masked_only.pk).update(full_nik=True)
        assert _as(determined, "auditor").get(url).status_code == 403  # masked NIKs only
        response = _as(determined, "bpjs").get(url)
        assert response.status_code == 200
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        niks = [row[4] for row in sheet.get_sheet_by_index(0).to_python()[5:]]
        assert sorted(niks) == sorted(nik(s) for s in (1, 2, 3, 6, 7, 8, 9, 10))
        assert [(e["format"], e["full_nik"], e["who"]) for e in _exports()] == [
            ("xlsx", True, "bpjs-1705")
        ]

    @pytest.mark.parametrize("role", ["desa", "kecamatan", "finance", "leadership"])
    def test_roles_without_export_rights_cannot_download(
        self, determined: Determined, role: str
    ) -> None:
        decree = h.issue(determined)
        for name in ("membership:decree_pdf", "membership:decree_xlsx"):
            response = _as(determined, role).get(reverse(name, args=[decree.pk]))
            assert response.status_code == 403
            assert "data pribadi" in response.content.decode()
        assert _exports() == []

    def test_a_decree_outside_the_area_does_not_exist(self, determined: Determined) -> None:
        decree = h.issue(determined)
        regions_load(only="17.01")
        stranger = client_for(make_user(Role.MANAGER, "17.01", username="manager-lain"))
        assert stranger.get(decree.get_absolute_url()).status_code == 404
        assert stranger.get(reverse("membership:decree_pdf", args=[decree.pk])).status_code == 404
        url = reverse("membership:decree_new", args=[determined.period.pk])
        assert stranger.get(url).status_code == 404
        assert decree.number not in stranger.get(reverse("membership:decrees")).content.decode()

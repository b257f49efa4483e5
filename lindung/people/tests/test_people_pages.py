from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lindung.accounts.tests.helpers import (
    DISTRICT_A,
    NIK_A,
    NIK_B,
    VILLAGE_A,
    World,
    build_world,
    client_for,
)
from lindung.audit.models import AuditEvent
from lindung.people.models import Person
from lindung.people.nik import compose_nik
from lindung.people.services import PersonRow, people_bulk_create


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _new_person(**changes: str) -> dict[str, str]:
    return {
        "nik": "1705 0122 0895 0011",
        "name": "Budi Santoso",
        "birth_date": "1995-08-22",
        "sex": "L",
        "village": VILLAGE_A,
        "phone": "0812 3456 7890",
        "occupation": "Petani",
    } | changes


class TestList:
    def test_it_pages_by_50(self, world: World) -> None:
        born = date(1970, 1, 1)
        rows = [
            PersonRow(
                nik=compose_nik(DISTRICT_A, born, "L", n),
                name=f"Warga {n:03d}",
                birth_date=born,
                sex="L",
                village_code=VILLAGE_A,
            )
            for n in range(100, 160)
        ]
        people_bulk_create(actor=None, rows=rows)
        client = client_for(world.users["desa"])
        first = client.get(reverse("people:list")).content.decode()
        assert "Halaman 1 dari 2 (61 baris)" in first
        assert len(re.findall(r'href="/orang/\d+/"', first)) == 50
        second = client.get(reverse("people:list"), {"page": 2}).content.decode()
        assert "Warga 159" in second

    def test_it_searches_by_normalised_name_and_by_nik_prefix(self, world: World) -> None:
        client = client_for(world.users["manager"])
        by_name = client.get(reverse("people:list"), {"q": "muhammad rahmat"}).content.decode()
        assert world.person_a.name in by_name and world.person_b.name not in by_name
        by_nik = client.get(reverse("people:list"), {"q": NIK_B[:10]}).content.decode()
        assert world.person_b.name in by_nik and world.person_a.name not in by_nik

    def test_it_says_so_when_nothing_matches(self, world: World) -> None:
        html = client_for(world.users["desa"]).get(reverse("people:list"), {"q": "zzz"})
        assert "Tidak ada orang yang cocok" in html.content.decode()

    def test_it_has_an_empty_state_for_a_village_without_people(self, world: World) -> None:
        html = client_for(world.users["desa_b"]).get(reverse("people:list")).content.decode()
        assert world.person_b.name in html
        Person.objects.filter(pk=world.person_b.pk).delete()
        html = client_for(world.users["desa_b"]).get(reverse("people:list")).content.decode()
        assert "Belum ada orang yang terdaftar" in html


class TestDetail:
    def test_it_shows_the_village_path_and_who_changed_what(self, world: World) -> None:
        client = client_for(world.users["desa"])
        client.post(
            reverse("people:edit", args=[world.person_a.pk]),
            _new_person(nik=NIK_A, name="Rahmat Hidayat", birth_date="1985-03-12"),
        )
        html = client.get(reverse("people:detail", args=[world.person_a.pk])).content.decode()
        assert "Bengkulu › Kab. Seluma › Kec. Sukaraja › Desa Niur" in html
        assert "Riwayat perubahan" in html
        assert "Moh. Rahmat Hidayat → Rahmat Hidayat" in html
        assert str(world.users["desa"]) in html

    def test_the_reveal_button_needs_a_post(self, world: World) -> None:
        client = client_for(world.users["verifier"])
        url = reverse("people:reveal_nik", args=[world.person_a.pk])
        assert client.get(url).status_code == 405
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW).exists()

    def test_htmx_reveal_returns_only_the_nik(self, world: World) -> None:
        client = client_for(world.users["bpjs"])
        url = reverse("people:reveal_nik", args=[world.person_a.pk])
        response = client.post(url, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert NIK_A in html and "<html" not in html
        assert response["Cache-Control"].startswith("max-age=0")


class TestForm:
    def test_a_good_person_is_saved_and_shown(self, world: World) -> None:
        client = client_for(world.users["desa"])
        response = client.post(reverse("people:create"), _new_person())
        person = Person.objects.get(name="Budi Santoso")
        assert response["Location"] == reverse("people:detail", args=[person.pk])
        assert person.nik == "1705012208950011"
        assert person.history.get().history_user == world.users["desa"]

    def test_a_rejected_form_keeps_everything_typed(self, world: World) -> None:
        client = client_for(world.users["desa"])
        response = client.post(reverse("people:create"), _new_person(birth_date="1995-08-23"))
        html = response.content.decode()
        assert response.status_code == 400
        assert "Data belum disimpan" in html
        assert "tidak sama dengan tanggal lahir di NIK" in html
        for typed in ("1705 0122 0895 0011", "Budi Santoso", "1995-08-23", "0812 3456 7890"):
            assert typed in html, typed
        assert not Person.objects.filter(name="Budi Santoso").exists()

    def test_the_form_shows_what_the_nik_says(self, world: World) -> None:
        client = client_for(world.users["desa"])
        html = client.post(reverse("people:create"), _new_person(sex="P")).content.decode()
        assert "Terbaca dari NIK" in html
        assert html.count("Jenis kelamin perempuan tidak sama") == 1  # once, by the field
        assert "Sukaraja" in html and "22 Agustus 1995" in html and "laki-laki" in html

    def test_the_nik_check_endpoint_reads_the_nik_as_typed(self, world: World) -> None:
        client = client_for(world.users["desa"])
        url = reverse("people:nik_check")
        ok = client.get(url, {"nik": "1705012208950011"}, headers={"HX-Request": "true"})
        assert "Kabupaten Seluma" in ok.content.decode()
        assert "Susunan NIK benar" in ok.content.decode()
        bad = client.get(url, {"nik": "17050122089", "birth_date": "bukan tanggal"})
        assert "harus 16 angka" in bad.content.decode()

    def test_htmx_comes_from_the_installed_package_not_a_cdn(self, world: World) -> None:
        html = client_for(world.users["desa"]).get(reverse("people:create")).content.decode()
        assert 'src="/static/django_htmx/htmx-2.min.js"' in html
        assert "https://" not in html

    def test_opening_the_edit_form_is_audited_because_it_holds_the_full_nik(
        self, world: World
    ) -> None:
        client = client_for(world.users["desa"])
        html = client.get(reverse("people:edit", args=[world.person_a.pk])).content.decode()
        assert NIK_A in html
        event = AuditEvent.objects.get(action=AuditEvent.Action.NIK_VIEW)
        assert event.object_id == str(world.person_a.pk)
        assert event.detail == {"via": "edit_form"}


class TestExport:
    def _rows(self, client: Client, **params: str) -> list[dict[str, str]]:
        response: Any = client.get(reverse("people:export"), params)
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode()
        return list(csv.DictReader(io.StringIO(body)))

    def test_a_verifier_gets_full_niks_and_the_export_is_audited(self, world: World) -> None:
        rows = self._rows(client_for(world.users["verifier"]), q="siti")
        assert [r["nama"] for r in rows] == ["Siti Aminah"]
        assert rows[0]["nik"] == world.person_a2.nik
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == {
            "count": 1,
            "filters": {"q": "siti", "village_code": ""},
            "full_nik": True,
        }

    def test_an_auditor_gets_masked_niks_and_no_phone_numbers(self, world: World) -> None:
        rows = self._rows(client_for(world.users["auditor"]))
        assert len(rows) == 3
        assert {r["nik"] for r in rows} == {
            p.nik[:4] + "********" + p.nik[-4:]
            for p in (world.person_a, world.person_a2, world.person_b)
        }
        assert "telepon" not in rows[0] and "nomor_hp" not in rows[0]
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail["full_nik"] is False and event.detail["count"] == 3

    def test_a_formula_typed_as_a_name_does_not_run_in_excel(self, world: World) -> None:
        Person.objects.filter(pk=world.person_a.pk).update(name="=HYPERLINK(1)")
        rows = self._rows(client_for(world.users["verifier"]), q=NIK_A)
        assert rows[0]["nama"] == "'=HYPERLINK(1)"

    @pytest.mark.parametrize("role", ["leadership", "finance", "desa", "kecamatan"])
    def test_roles_without_the_capability_cannot_export(self, world: World, role: str) -> None:
        assert client_for(world.users[role]).get(reverse("people:export")).status_code == 403
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

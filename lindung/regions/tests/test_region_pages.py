from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse

from lindung.accounts.models import User
from lindung.people.models import Person
from lindung.regions.services import regions_load

pytestmark = pytest.mark.usefixtures("seluma")

_niks = itertools.count(1)


def _user(role: str, scope: str | None, username: str | None = None) -> User:
    return User.objects.create_user(
        username=username or f"{role}-{scope}",
        password="rahasia-panjang",
        role=role,
        scope_id=scope,
    )


def _person(village: str) -> Person:
    return Person.objects.create(
        nik=f"170501010190{next(_niks):04d}",
        name="Contoh",
        birth_date=datetime.date(1990, 1, 1),
        sex="L",
        village_id=village,
    )


def _page(client, user: User, code: str | None = None, **params: str):
    client.force_login(user)
    url = reverse("regions:index") if code is None else reverse("regions:detail", args=[code])
    return client.get(url, params)


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("regions:detail", args=["17.05"]))

    assert response.status_code == 302
    assert "/akun/" in response["Location"] or "login" in response["Location"]


def test_a_desa_operator_sees_their_own_village(client):
    response = _page(client, _user("desa", "17.05.01.2002"), "17.05.01.2002")

    assert response.status_code == 200
    assert "Desa Niur" in response.content.decode()


@pytest.mark.parametrize("code", ["17.05.01", "17.05.01.2003", "17.05", "17", "17.05.02"])
def test_a_desa_operator_gets_404_outside_their_village(client, code):
    response = _page(client, _user("desa", "17.05.01.2002"), code)

    assert response.status_code == 404


def test_the_index_shows_the_users_own_area(client):
    response = _page(client, _user("desa", "17.05.01.2002"))

    assert response.status_code == 200
    assert response.context["area"].code == "17.05.01.2002"


def test_breadcrumbs_link_only_to_areas_the_user_may_see(client):
    response = _page(client, _user("kecamatan", "17.05.01"), "17.05.01.2002")

    crumbs = [(c.region.code, c.linked) for c in response.context["crumbs"]]
    assert crumbs == [("17", False), ("17.05", False), ("17.05.01", True)]
    html = response.content.decode()
    assert reverse("regions:detail", args=["17.05.01"]) in html
    assert reverse("regions:detail", args=["17.05"]) not in html


def test_a_district_page_lists_its_villages_with_people_counted_in_one_query(
    client, django_assert_max_num_queries
):
    for village in ["17.05.01.2002", "17.05.01.2002", "17.05.01.1001", "17.05.02.1010"]:
        _person(village)
    user = _user("kecamatan", "17.05.01")
    client.force_login(user)

    # Session, user, area, ancestors, page count and rows, two totals, people per village:
    # a fixed ten, where a query per row would make it thirty-one.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("regions:detail", args=["17.05.01"]))

    rows = {row.region.code: row for row in response.context["rows"]}
    assert len(rows) == 21
    assert rows["17.05.01.2002"].people == 2
    assert rows["17.05.01.1001"].people == 1
    assert rows["17.05.01.2003"].people == 0
    assert rows["17.05.01.1001"].region.get_kind_display() == "Kelurahan"
    assert response.context["person_total"] == 3


def test_a_regency_page_counts_villages_and_people_per_kecamatan(client):
    _person("17.05.02.1010")
    response = _page(client, _user("manager", "17.05"), "17.05")

    rows = {row.region.code: row for row in response.context["rows"]}
    assert len(rows) == 14
    assert sum(row.villages for row in rows.values()) == 202
    assert rows["17.05.02"].people == 1
    assert response.context["village_total"] == 202


def test_people_outside_the_users_scope_are_not_counted(client):
    _person("17.05.02.1010")
    response = _page(client, _user("desa", "17.05.01.2002"), "17.05.01.2002")

    assert response.context["person_total"] == 0


def test_a_nationwide_admin_starts_from_the_provinces(client):
    regions_load(only="17.71")
    response = _page(client, _user("admin", None, "admin"))

    assert response.status_code == 200
    assert [row.region.code for row in response.context["rows"]] == ["17"]
    assert response.context["rows"][0].villages == 202 + 67


def test_the_search_box_filters_children_by_name(client):
    response = _page(client, _user("manager", "17.05"), "17.05", q="talo")

    names = [row.region.name for row in response.context["rows"]]
    assert names == ["Talo", "Talo Kecil", "Ulu Talo", "Ilir Talo"]


def test_a_search_without_matches_shows_the_empty_state(client):
    response = _page(client, _user("manager", "17.05"), "17.05", q="tidak ada")

    assert response.context["rows"] == []
    assert "Tidak ada wilayah bernama" in response.content.decode()


def test_a_village_page_says_there_is_nothing_below(client):
    response = _page(client, _user("manager", "17.05"), "17.05.01.2002")

    assert "wilayah terkecil" in response.content.decode()


def test_long_lists_are_paged_by_50(client):
    regions_load(only="95.06")  # Kecamatan 95.06.03 has 108 villages.
    user = _user("admin", None, "admin")

    first = _page(client, user, "95.06.03")
    last = _page(client, user, "95.06.03", page="3")

    assert len(first.context["rows"]) == 50
    assert len(last.context["rows"]) == 8
    assert "Halaman 1 dari 3" in first.content.decode()


def test_a_malformed_code_is_not_found(client):
    assert _page(client, _user("admin", None, "admin"), "17.5").status_code == 404

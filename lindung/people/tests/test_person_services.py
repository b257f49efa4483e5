from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.accounts.models import Role, User
from lindung.accounts.tests.helpers import (
    DISTRICT_A,
    NIK_A,
    REGENCY,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    load_seluma,
    make_user,
)
from lindung.people.models import Person
from lindung.people.nik import compose_nik
from lindung.people.services import PersonRow, people_bulk_create, person_create, person_update


@pytest.fixture
def operator(db: None) -> User:
    load_seluma()
    return make_user(Role.DESA, VILLAGE_A)


def _create(actor: User | None, **changes: object) -> Person:
    fields: dict[str, object] = {
        "nik": NIK_A,
        "name": "  Moh. Rahmat  ",
        "birth_date": date(1985, 3, 12),
        "sex": "L",
        "village_code": VILLAGE_A,
    }
    return person_create(actor=actor, **(fields | changes))  # type: ignore[arg-type]


def _errors(excinfo: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(excinfo.value.message_dict[field])


def test_it_creates_a_person_with_a_normalised_name_and_history(operator: User) -> None:
    person = _create(operator, nik="1705 0112 0385 0003")
    assert person.nik == NIK_A  # spaces typed from the KTP are dropped
    assert person.name == "Moh. Rahmat"
    assert person.name_normalized == "MUHAMMAD RAHMAT"
    record = person.history.get()
    assert record.history_type == "+"
    assert record.history_user == operator


def test_a_nik_that_is_not_16_digits_blocks_the_save(operator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(operator, nik="17050112038500")
    assert "harus 16 angka" in _errors(caught, "nik")
    assert not Person.objects.exists()


def test_a_birth_date_that_contradicts_the_nik_blocks_the_save(operator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(operator, birth_date=date(1985, 3, 13))
    assert "tidak sama dengan tanggal lahir di NIK" in _errors(caught, "nik")


def test_a_sex_that_contradicts_the_nik_blocks_the_save(operator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(operator, sex="P")
    assert "Jenis kelamin perempuan tidak sama" in _errors(caught, "nik")


def test_a_nik_issued_in_a_district_no_longer_listed_is_only_a_warning(operator: User) -> None:
    # 17.05.99 does not exist: a NIK keeps the code of the district that issued it.
    nik = compose_nik("17.05.99", date(1985, 3, 12), "L", 3)
    assert _create(operator, nik=nik).nik == nik


def test_a_bad_kk_number_blocks_the_save(operator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(operator, kk="123")
    assert "kk" in caught.value.message_dict


def test_the_same_nik_twice_is_refused(operator: User) -> None:
    _create(operator)
    with pytest.raises(ValidationError) as caught:
        _create(operator, name="Orang Lain")
    assert "nik" in caught.value.message_dict


def test_an_operator_cannot_write_outside_their_village(operator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(operator, village_code=VILLAGE_A2)
    assert "di luar wilayah kerja Anda" in _errors(caught, "village")
    assert not Person.objects.exists()


def test_a_read_only_role_cannot_write_at_all(operator: User) -> None:
    with pytest.raises(PermissionDenied):
        _create(make_user(Role.AUDITOR, REGENCY))


def test_a_district_code_is_not_a_village(operator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(make_user(Role.MANAGER, REGENCY), village_code=DISTRICT_A)
    assert "bukan desa/kelurahan" in _errors(caught, "village")


def test_an_update_is_checked_as_a_whole_and_kept_in_history(operator: User) -> None:
    person = _create(operator)
    kecamatan = make_user(Role.KECAMATAN, DISTRICT_A)
    person_update(actor=kecamatan, person=person, name="Rahmat Hidayat", village_code=VILLAGE_A2)
    person.refresh_from_db()
    assert (person.name_normalized, person.village_id) == ("RAHMAT HIDAYAT", VILLAGE_A2)
    latest = person.history.latest("history_date")
    assert latest.history_user == kecamatan
    assert {c.field for c in latest.diff_against(latest.prev_record).changes} >= {
        "name",
        "village",
    }
    with pytest.raises(ValidationError):
        person_update(actor=kecamatan, person=person, birth_date=date(2000, 1, 1))
    assert Person.objects.get(pk=person.pk).birth_date == date(1985, 3, 12)


def test_an_update_cannot_move_a_person_out_of_the_actors_area(operator: User) -> None:
    person = _create(operator)
    with pytest.raises(ValidationError):
        person_update(actor=operator, person=person, village_code=VILLAGE_B)
    assert Person.objects.get(pk=person.pk).village_id == VILLAGE_A


def _rows(count: int, village: str = VILLAGE_A) -> list[PersonRow]:
    born = date(1980, 1, 1)
    return [
        PersonRow(
            nik=compose_nik(DISTRICT_A, born, "L", serial),
            name=f"Moch. Warga {serial}",
            birth_date=born,
            sex="L",
            village_code=village,
        )
        for serial in range(1, count + 1)
    ]


def test_bulk_create_fills_names_and_history_without_a_query_per_row(
    operator: User, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        assert people_bulk_create(actor=operator, rows=_rows(300)) == 300
    assert Person.objects.filter(name_normalized__startswith="MUHAMMAD WARGA").count() == 300
    assert Person.history.filter(history_user=operator).count() == 300


def test_bulk_create_saves_nothing_when_a_row_is_bad_and_names_the_row(operator: User) -> None:
    rows = _rows(5)
    rows[3]["sex"] = "P"
    rows[4]["village_code"] = VILLAGE_B
    rows.append(rows[0].copy())
    with pytest.raises(ValidationError) as caught:
        people_bulk_create(actor=operator, rows=rows)
    messages = " ".join(caught.value.messages)
    assert "baris 4: Jenis kelamin" in messages
    assert "baris 5: desa 17.05.02.1010 di luar wilayah kerja Anda" in messages
    assert "baris 6: NIK 1705********0001 sudah terdaftar" in messages
    assert not Person.objects.exists()

"""Writing the people registry: every create and change of a Person goes through here.

The NIK is read with `parse_nik` against the stated birth date and sex: errors (bad format,
impossible date, a birth date or sex that contradicts the NIK) block the write; warnings
(an issuing district no longer in the area list) pass. Who changed what is kept by
django-simple-history, attributed to `actor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any, NotRequired, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import EDIT_PEOPLE, has_capability
from lindung.engine.names import normalize_name
from lindung.people.models import Person, Sex
from lindung.people.nik import NikInfo, check_kk, mask_nik, parse_nik
from lindung.regions import codes
from lindung.regions.models import Region

EDITABLE_FIELDS = frozenset(
    {
        "nik",
        "name",
        "birth_date",
        "sex",
        "village_code",
        "kk",
        "birth_place",
        "address",
        "phone",
        "occupation",
    }
)
BULK_BATCH_SIZE = 2000


class PersonRow(TypedDict):
    nik: str
    name: str
    birth_date: date
    sex: str
    village_code: str
    kk: NotRequired[str]
    birth_place: NotRequired[str]
    address: NotRequired[str]
    phone: NotRequired[str]
    occupation: NotRequired[str]


def _region_exists(code: str) -> bool:
    return Region.objects.filter(code=code).exists()


def nik_read(nik: str, *, birth_date: date | None = None, sex: str | None = None) -> NikInfo:
    """The NIK as typed, read against the stated birth date and sex; districts from the DB."""
    return parse_nik(nik, birth_date=birth_date, sex=sex, region_exists=_region_exists)


def _check_identity(info: NikInfo, kk: str) -> None:
    errors: dict[str, list[str]] = {}
    nik_errors = [f.render(_) for f in info.findings if f.severity == "error"]
    if nik_errors:
        errors["nik"] = nik_errors
    if kk:
        kk_errors = [f.render(_) for f in check_kk(kk) if f.severity == "error"]
        if kk_errors:
            errors["kk"] = kk_errors
    if errors:
        raise ValidationError(errors)


def _check_may_write(actor: User | None, village_code: str) -> None:
    """`actor` may edit people and the village lies in their scope. None = a system job."""
    if actor is None:
        return
    if not has_capability(actor, EDIT_PEOPLE):
        raise PermissionDenied(_("Peran Anda tidak boleh mengubah data orang."))
    if not scoping.can_see_area(actor, village_code):
        raise ValidationError(
            {
                "village": _("Desa/kelurahan %(code)s di luar wilayah kerja Anda.")
                % {"code": village_code}
            },
            code="village_out_of_scope",
        )


def _village(code: str) -> Region:
    village = Region.objects.filter(code=code, level=codes.VILLAGE).first()
    if village is None:
        raise ValidationError(
            {"village": _("Kode %(code)s bukan desa/kelurahan yang terdaftar.") % {"code": code}},
            code="village_unknown",
        )
    return village


def _save(person: Person, actor: User | None) -> Person:
    person.name_normalized = normalize_name(person.name)
    person.full_clean()
    # The history middleware attributes web requests; this covers jobs and shells too.
    person._history_user = actor  # type: ignore[attr-defined]
    person.save()
    return person


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    nik: str,
    name: str,
    birth_date: date,
    sex: str,
    village_code: str,
    kk: str = "",
    birth_place: str = "",
    address: str = "",
    phone: str = "",
    occupation: str = "",
) -> Person:
    _check_may_write(actor, village_code)
    village = _village(village_code)
    info = nik_read(nik, birth_date=birth_date, sex=sex)
    kk = kk.strip()
    _check_identity(info, kk)
    person = Person(
        nik=info.nik,
        kk=kk,
        name=name.strip(),
        birth_date=birth_date,
        sex=sex,
        village=village,
        birth_place=birth_place.strip(),
        address=address.strip(),
        phone=phone.strip(),
        occupation=occupation.strip(),
    )
    return _save(person, actor)


@transaction.atomic
def person_update(*, actor: User | None, person: Person, **changes: Any) -> Person:
    """Apply `changes` (the keyword names of `person_create`) and check the result as a whole."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"bukan kolom yang bisa diubah: {', '.join(sorted(unknown))}")
    _check_may_write(actor, person.village_id)
    village_code = changes.pop("village_code", None)
    if village_code is not None and village_code != person.village_id:
        _check_may_write(actor, village_code)
        person.village = _village(village_code)
    for field, value in changes.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    info = nik_read(person.nik, birth_date=person.birth_date, sex=person.sex)
    _check_identity(info, person.kk)
    person.nik = info.nik
    return _save(person, actor)


def _chunks(rows: Iterable[PersonRow], size: int) -> Iterator[list[PersonRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@transaction.atomic
def people_bulk_create(*, actor: User | None, rows: Iterable[PersonRow]) -> int:
    """Create many people at once (demo data, imports); returns how many.

    The same checks as `person_create`, but set-based: two queries per batch (villages,
    NIKs already taken), none per row. History rows are written in bulk too
    (`bulk_create_with_history`). All or nothing: any bad row raises a ValidationError
    naming the row numbers, and nothing is saved.
    """
    if actor is not None and not has_capability(actor, EDIT_PEOPLE):
        raise PermissionDenied(_("Peran Anda tidak boleh mengubah data orang."))
    districts = set(Region.objects.filter(level=codes.DISTRICT).values_list("code", flat=True))
    total = 0
    for offset, chunk in enumerate(_chunks(rows, BULK_BATCH_SIZE)):
        people = _bulk_people(actor, chunk, districts, first_row=offset * BULK_BATCH_SIZE + 1)
        bulk_create_with_history(people, Person, batch_size=BULK_BATCH_SIZE, default_user=actor)
        total += len(people)
    return total


def _bulk_people(
    actor: User | None, chunk: list[PersonRow], districts: set[str], first_row: int
) -> list[Person]:
    villages = set(
        Region.objects.filter(
            code__in={row["village_code"] for row in chunk}, level=codes.VILLAGE
        ).values_list("code", flat=True)
    )
    infos = [
        parse_nik(
            row["nik"],
            birth_date=row["birth_date"],
            sex=row["sex"],
            region_exists=districts.__contains__,
        )
        for row in chunk
    ]
    taken = set(Person.objects.filter(nik__in=[i.nik for i in infos]).values_list("nik", flat=True))
    people: list[Person] = []
    errors: list[str] = []
    for number, (row, info) in enumerate(zip(chunk, infos, strict=True), start=first_row):
        problems = _row_problems(actor, row, info, villages, taken)
        if problems:
            errors += [
                _("baris %(n)s: %(problem)s") % {"n": number, "problem": p} for p in problems
            ]
        else:
            people.append(_person_from_row(row, info))
        taken.add(info.nik)
    if errors:
        raise ValidationError(errors)
    return people


def _row_problems(
    actor: User | None, row: PersonRow, info: NikInfo, villages: set[str], taken: set[str]
) -> list[str]:
    code = row["village_code"]
    problems: list[str] = []
    if code not in villages:
        problems.append(_("kode desa %(code)s tidak terdaftar") % {"code": code})
    elif actor is not None and not scoping.can_see_area(actor, code):
        problems.append(_("desa %(code)s di luar wilayah kerja Anda") % {"code": code})
    problems += [f.render(_) for f in info.findings if f.severity == "error"]
    if info.valid and info.nik in taken:
        problems.append(_("NIK %(nik)s sudah terdaftar") % {"nik": mask_nik(info.nik)})
    if row["sex"] not in Sex.values:
        problems.append(_("jenis kelamin harus L atau P"))
    kk = row.get("kk", "")
    if kk:
        problems += [f.render(_) for f in check_kk(kk) if f.severity == "error"]
    return problems


def _person_from_row(row: PersonRow, info: NikInfo) -> Person:
    name = row["name"].strip()
    return Person(
        nik=info.nik,
        kk=row.get("kk", "").strip(),
        name=name,
        name_normalized=normalize_name(name),
        birth_date=row["birth_date"],
        sex=row["sex"],
        village_id=row["village_code"],
        birth_place=row.get("birth_place", "").strip(),
        address=row.get("address", "").strip(),
        phone=row.get("phone", "").strip(),
        occupation=row.get("occupation", "").strip(),
    )

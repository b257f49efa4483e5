"""Reading the people registry; every queryset starts from the user's area scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from lindung.accounts import scoping
from lindung.engine.names import normalize_name
from lindung.people.models import Person
from lindung.people.nik import mask_nik
from lindung.regions import codes
from lindung.regions.models import Region

_NIK_PREFIX = re.compile(r"[0-9][0-9 .\-]*")


def people_for(user: object, *, q: str = "", village_code: str | None = None) -> QuerySet[Person]:
    """The people `user` may see, optionally inside one area and matching `q`.

    `q` of digits is a NIK prefix (spaces and dots ignored, as people type them from a KTP);
    anything else is matched against the normalised name. `village_code` may also be a
    district code: everyone in that kecamatan.
    """
    people = scoping.visible(user, Person.objects.select_related("village__parent"))
    if village_code:
        people = people.filter(scoping.area_q("village", village_code))
    q = q.strip()
    if _NIK_PREFIX.fullmatch(q):
        people = people.filter(nik__startswith=re.sub(r"[ .\-]", "", q))
    elif q:
        people = people.filter(name_normalized__contains=normalize_name(q))
    return people.order_by("name_normalized", "nik")


def person_for(user: object, person_id: int) -> Person | None:
    """One person, or None when it does not exist *or* lies outside the user's area."""
    return people_for(user).filter(pk=person_id).first()


def villages_for(user: object) -> QuerySet[Region]:
    """The villages the user may pick, with their kecamatan for labels."""
    regions = scoping.visible(user, Region.objects.filter(level=codes.VILLAGE))
    return regions.select_related("parent").order_by("code")


def districts_for(user: object) -> QuerySet[Region]:
    return scoping.visible(user, Region.objects.filter(level=codes.DISTRICT)).order_by("code")


def region_path(code: str) -> list[Region]:
    """The areas from the province down to `code` itself, in one query."""
    wanted = [*codes.ancestor_codes(code), code]
    return list(Region.objects.filter(code__in=wanted).order_by("code"))


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    kind: str  # '+' created, '~' changed, '-' deleted (simple_history's history_type)
    changes: tuple[Change, ...]


# Changing a NIK must not show the full number in the history: masked like everywhere else.
_MASKED_FIELDS = {"nik", "kk"}
_NOT_SHOWN = {"name_normalized", "created_at"}


def person_history(person: Person) -> list[HistoryEntry]:
    """Who changed what and when, newest first, from two queries (records, users)."""
    records = list(
        person.history.select_related("history_user").order_by("history_date", "history_id")
    )
    labels = {
        f.name: str(f.verbose_name) for f in Person._meta.get_fields() if hasattr(f, "verbose_name")
    }
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        changes: tuple[Change, ...] = ()
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=_NOT_SHOWN)
            changes = tuple(
                Change(labels.get(c.field, c.field), _shown(c.field, c.old), _shown(c.field, c.new))
                for c in delta.changes
            )
        user = record.history_user
        entries.append(
            HistoryEntry(
                record.history_date, str(user) if user else "—", record.history_type, changes
            )
        )
        previous = record
    return entries[::-1]


def _shown(field: str, value: object) -> str:
    text = "" if value is None else str(value)
    return mask_nik(text) if field in _MASKED_FIELDS and text else text

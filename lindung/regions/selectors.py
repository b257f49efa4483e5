"""Reads of areas for one user, always through the area-scope layer."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from lindung.accounts.scoping import visible
from lindung.people.models import Person
from lindung.regions import codes
from lindung.regions.models import Region


def visible_regions(user: object) -> QuerySet[Region]:
    return visible(user, Region.objects.all())


def child_regions(user: object, area: Region | None, *, search: str = "") -> QuerySet[Region]:
    """The areas one level below `area` (provinces when None) that `user` may see."""
    children = (
        Region.objects.filter(level=codes.PROVINCE)
        if area is None
        else Region.objects.filter(parent_id=area.code)
    )
    if search:
        children = children.filter(name__icontains=search)
    return visible(user, children)


def village_counts(user: object, area: Region | None) -> dict[str, int]:
    """Villages below each child of `area`, keyed by the child's code, in one query."""
    villages = Region.objects.villages()
    if area is not None:
        villages = villages.within(area.code)
    return _count_by_prefix(visible(user, villages), "code", _child_length(area))


def person_counts(user: object, area: Region | None) -> dict[str, int]:
    """People registered below each child of `area`, keyed by the child's code, in one query."""
    people = Person.objects.all()
    if area is not None:
        people = people.filter(village__code__startswith=f"{area.code}.")
    return _count_by_prefix(visible(user, people), "village_id", _child_length(area))


def village_total(user: object, area: Region | None) -> int:
    villages = Region.objects.villages()
    return visible(user, villages if area is None else villages.within(area.code)).count()


def person_total(user: object, area: Region) -> int:
    inside = Q(village_id=area.code) | Q(village__code__startswith=f"{area.code}.")
    return visible(user, Person.objects.filter(inside)).count()


def _child_length(area: Region | None) -> int:
    return codes.LENGTHS[codes.PROVINCE if area is None else area.level + 1]


def _count_by_prefix(
    rows: QuerySet[Region] | QuerySet[Person], column: str, length: int
) -> dict[str, int]:
    # Grouping on the code prefix answers every child row at once: no query per row.
    grouped = (
        rows.order_by()
        .annotate(prefix=Substr(column, 1, length))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    return dict(grouped)

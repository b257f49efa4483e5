"""Shared worlds (worlds.py): built once for consecutive tests, found by each test exactly as
built (rows and objects), rolled back for tests that do not use them.

The tests run in file order; each one also holds when run alone."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from lindung.core.tests.worlds import shared_world
from lindung.programs.models import Occupation, Sector

NAME = "Tukang kebun uji"
_builds = itertools.count(1)
_seen: list[int] = []
_shed: list[str] = []


@dataclass
class Garden:
    build: int
    occupation: Occupation
    notes: list[str] = field(default_factory=list)


@shared_world
def garden() -> Garden:
    occupation = Occupation.objects.create(name=NAME, sector=Sector.AGRICULTURE)
    return Garden(next(_builds), occupation, ["ditanam"])


@shared_world
def harvested(garden: Garden) -> Garden:
    garden.occupation.keywords = "panen"
    garden.occupation.save()
    garden.notes.append("dipanen")
    return garden


@shared_world
def shed() -> Iterator[str]:
    yield "dibangun"
    _shed.append("dibongkar")


def test_a_test_may_change_the_rows_and_objects_of_its_world(garden: Garden) -> None:
    _seen.append(garden.build)
    garden.occupation.name = "Diganti"
    garden.occupation.save()
    garden.notes.append("diubah")
    Occupation.objects.create(name="Tambahan uji", sector=Sector.SERVICES)
    assert Occupation.objects.filter(name__in=["Diganti", "Tambahan uji"]).count() == 2


def test_the_next_test_finds_the_world_as_built_without_building_it_again(
    garden: Garden,
) -> None:
    if _seen:  # right after the test above, in the same process
        assert garden.build == _seen[-1]
    assert garden.notes == ["ditanam"]
    assert garden.occupation.name == NAME
    assert Occupation.objects.get(pk=garden.occupation.pk).name == NAME
    assert not Occupation.objects.filter(name__in=["Diganti", "Tambahan uji"]).exists()


def test_a_world_builds_on_a_copy_of_the_one_below(harvested: Garden, garden: Garden) -> None:
    assert harvested.notes == ["ditanam", "dipanen"]
    assert garden.notes == ["ditanam"]
    assert harvested.occupation is not garden.occupation
    assert Occupation.objects.get(name=NAME).keywords == "panen"


def test_going_back_to_the_world_below_rolls_back_the_one_above(garden: Garden) -> None:
    assert Occupation.objects.get(name=NAME).keywords == ""
    assert garden.notes == ["ditanam"]


def test_a_world_may_yield_its_value(shed: str) -> None:
    _shed.append(shed)
    assert shed == "dibangun"


@pytest.mark.django_db
def test_a_test_without_the_world_sees_none_of_it() -> None:
    assert not Occupation.objects.filter(name=NAME).exists()


def test_the_world_is_built_again_for_a_test_after_that(garden: Garden) -> None:
    if _seen:
        assert garden.build > _seen[-1]
    assert Occupation.objects.filter(name=NAME).count() == 1


def test_a_test_without_the_database_cannot_reach_an_open_world() -> None:
    # pytest-django runs the tests without the database after the others of the module,
    # here while the world of the test above is still open.
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        Occupation.objects.filter(name=NAME).exists()


def test_what_follows_the_yield_runs_once_the_world_is_rolled_back() -> None:
    # After the test that used `shed`, the test without any world rolled it back.
    if _shed:
        assert _shed == ["dibangun", "dibongkar"]

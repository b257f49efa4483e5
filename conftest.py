"""Test settings shared by every app."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

# `@shared_world` fixtures: data built once for the consecutive tests that need it.
pytest_plugins = ["lindung.core.tests.worlds"]


@pytest.fixture(autouse=True, scope="session")
def _private_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Runtime files the tests make (stored decree attachments, uploads) go to a folder of
    # each worker's own, not to the checkout's var/: there the other worker, the other
    # database's run or an earlier run would find files named by ids that now mean
    # something else.
    with override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Fast password hashing, plain HTTP, background jobs run at once (see TEST_SETTINGS).
    from lindung.core.tests.worlds import TEST_SETTINGS

    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, copy.deepcopy(value))


@pytest.fixture(autouse=True)
def _indonesian() -> Any:
    # Every test starts in Indonesian, the users' language: a request of an earlier test
    # that chose English must not leak its language into the next test's messages.
    with translation.override("id"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    # The dashboard caches counts keyed by ids; SQLite reuses ids after a test's rollback,
    # so a count cached by one test would answer the next (seen under xdist).
    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Modules holding slow or browser tests first (keeping pytest-django's order otherwise):
    # tools/run_tests.sh hands modules to the xdist workers in collection order
    # (--no-loadscope-reorder), and a long module handed out last keeps one worker busy
    # while the other has nothing left to do.
    def module(item: pytest.Item) -> str:
        return item.nodeid.split("::", 1)[0]

    slow = {
        module(item)
        for item in items
        if item.get_closest_marker("slow") or item.get_closest_marker("browser")
    }
    items.sort(key=lambda item: module(item) not in slow)

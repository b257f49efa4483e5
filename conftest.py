"""Test settings shared by every app."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Hashing with Argon2 costs ~50 ms a password; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP; production redirects that to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # Background jobs run at once in tests instead of waiting for `lindung db_worker`.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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

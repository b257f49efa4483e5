"""Shared worlds: test data built once and shared by the consecutive tests that need it, the
way Django's `TestCase.setUpTestData` shares a class's data (a pytest plugin, loaded by the
root conftest).

A fixture declared with `@shared_world` instead of `@pytest.fixture` is built the first
time a test needs it, inside a transaction (or, when it builds on another world, a
savepoint above that one) that stays open after the test. Every test still runs in its own
savepoint above the worlds, which pytest-django rolls back as before, and receives a deep
copy of the built objects (as `setUpTestData`'s attributes are copied per test): neither the
rows nor the Python objects a test changes reach the next test, which finds the world
exactly as it was built.

A world is rolled back as soon as the next test that uses the database needs a different
one (or none), needs a transactional database (`transactional_db`, `live_server`,
`django_db(transaction=True)`), and at the end of the session. Under pytest-xdist
`--dist loadscope` a module's tests run one after another on one worker, so a world is
built about once per module that needs it, instead of once per test.

A builder takes either no argument (or `db`) or exactly one other world, by its fixture
name, which it receives as a copy; it runs with the root conftest's test settings and in
Indonesian, as the tests themselves do. Like a fixture it may `yield` its value instead of
returning it: what follows the `yield` runs after the world is rolled back.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation
from pytest_django.fixtures import validate_django_db

T = TypeVar("T")

TEST_SETTINGS: dict[str, Any] = {
    # Hashing with Argon2 costs ~50 ms a password; tests create many users.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # The test client speaks plain HTTP; production redirects that to HTTPS.
    "SECURE_SSL_REDIRECT": False,
    # Background jobs run at once in tests instead of waiting for `lindung db_worker`.
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}
_ATTRIBUTE = "_lindung_shared_world"
_TRANSACTIONAL_FIXTURES = (
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
)


@contextmanager
def test_environment() -> Iterator[None]:
    """What every test runs under (the root conftest's autouse fixtures), for builders."""
    with override_settings(**TEST_SETTINGS), translation.override("id"):
        cache.clear()
        try:
            yield
        finally:
            cache.clear()


@dataclass(eq=False)
class SharedWorld:
    name: str
    build: Callable[..., Any]
    parent: str | None


def shared_world(build: Callable[..., T]) -> Any:
    """Turn `build` into a fixture whose data is built once for consecutive tests."""
    params = [name for name in inspect.signature(build).parameters if name != "db"]
    if len(params) > 1:
        raise TypeError(f"{build.__name__}: a shared world builds on at most one other world")
    world = SharedWorld(build.__name__, build, params[0] if params else None)

    def fixture(**_requested: Any) -> Any:
        return _STACK.value(world)

    # `db` opens the test's own savepoint; the parent is requested so that pytest knows the
    # test needs it too.
    fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY) for p in ["db", *params]]
    )
    fixture.__name__ = fixture.__qualname__ = build.__name__
    fixture.__doc__ = build.__doc__
    fixture.__module__ = build.__module__
    setattr(fixture, _ATTRIBUTE, world)
    return pytest.fixture(name=build.__name__)(fixture)


@dataclass(eq=False)
class _Built:
    world: SharedWorld
    atomic: transaction.Atomic
    value: Any
    teardown: Iterator[Any] | None


class _Stack:
    """The worlds built now, innermost last, each in a transaction or savepoint of its own."""

    def __init__(self) -> None:
        self.built: list[_Built] = []
        self.blocker: Any = None

    def chain(self) -> list[SharedWorld]:
        return [b.world for b in self.built]

    def value(self, world: SharedWorld) -> Any:
        for built in self.built:
            if built.world is world:
                return copy.deepcopy(built.value)
        raise RuntimeError(f"shared world {world.name!r} was not built for this test")

    def enter(self, needed: list[SharedWorld], blocker: Any) -> None:
        """Roll back what `needed` does not share with the worlds built, build the rest."""
        self.blocker = blocker
        self.rollback_to(_common(self.chain(), needed))
        for world in needed[len(self.built) :]:
            self._build(world)

    def rollback_to(self, depth: int) -> None:
        if len(self.built) <= depth:
            return
        with self.blocker.unblock():
            while len(self.built) > depth:
                top = self.built.pop()
                transaction.set_rollback(True)
                top.atomic.__exit__(None, None, None)
                if top.teardown is not None:
                    next(top.teardown, None)

    def _build(self, world: SharedWorld) -> None:
        parent = copy.deepcopy(self.built[-1].value) if world.parent else None
        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with test_environment():
                    value = world.build(parent) if world.parent else world.build()
                    teardown = None
                    if inspect.isgenerator(value):
                        teardown, value = value, next(value)
            except BaseException as exc:
                atomic.__exit__(type(exc), exc, exc.__traceback__)  # rolls the build back
                raise
        self.built.append(_Built(world, atomic, value, teardown))


_STACK = _Stack()


def _common(built: list[SharedWorld], needed: list[SharedWorld]) -> int:
    depth = 0
    while depth < min(len(built), len(needed)) and built[depth] is needed[depth]:
        depth += 1
    return depth


def _worlds_of(item: pytest.Item) -> list[SharedWorld] | None:
    """The chain of worlds `item` needs, outermost first; None when it uses no database."""
    names: list[str] = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    if marker is None and "django_db_setup" not in names:
        return None
    by_name: dict[str, SharedWorld] = {}
    for name in names:
        defs = item._fixtureinfo.name2fixturedefs.get(name)  # type: ignore[attr-defined]
        world = getattr(defs[-1].func, _ATTRIBUTE, None) if defs else None
        if world is not None:
            by_name[name] = world
    transactional = any(name in names for name in _TRANSACTIONAL_FIXTURES)
    if marker is not None:
        transactional_marked, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transactional_marked or reset_sequences
    if transactional:
        if by_name:
            raise pytest.UsageError(
                f"{item.nodeid}: shared worlds ({', '.join(by_name)}) need the rollback of "
                "`db`; a transactional test cannot use them"
            )
        return []
    parents = {w.parent for w in by_name.values()}
    leaves = [w for name, w in by_name.items() if name not in parents]
    if len(leaves) > 1:
        raise pytest.UsageError(
            f"{item.nodeid}: uses unrelated shared worlds {', '.join(by_name)}; a test "
            "can use one world and those it builds on"
        )
    chain: list[SharedWorld] = []
    world = leaves[0] if leaves else None
    while world is not None:
        chain.insert(0, world)
        world = by_name[world.parent] if world.parent else None
    return chain


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    if fixturedef.argname == "_django_db_helper":
        # The database is set up and the test's own transaction not yet begun.
        needed = _worlds_of(request.node)
        if needed is not None:
            _STACK.enter(needed, request.getfixturevalue("django_db_blocker"))
    result = yield
    if fixturedef.argname == "django_db_setup":
        # Roll the worlds back before the test database goes away.
        fixturedef.addfinalizer(lambda: _STACK.rollback_to(0))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    try:
        return (yield)
    finally:
        # The test's transaction is rolled back by now: give up the worlds the next test
        # does not need before anything of it (a fixture lifting the audit log's guard before
        # `transactional_db`, say) touches the database.
        try:
            needed = _worlds_of(nextitem) if nextitem is not None else None
        except pytest.UsageError:
            needed = []  # reported when that test sets up
        if needed is not None:
            _STACK.rollback_to(_common(_STACK.chain(), needed))

"""Browser tests: Debian's Chromium, driven by Playwright, against the app served from a
thread of the test process, on the test database.

Why not pytest-django's `live_server`: it is session-scoped, so its WSGI handler (and with it
SecurityMiddleware, which reads SECURE_SSL_REDIRECT once) is built before the root
conftest's per-test settings apply, and every page would redirect to HTTPS. `live_site`
starts one server per test, after the settings.

The server thread sees only committed rows, hence `transactional_db`, whose teardown empties
the database. The audit log, approved bills and recorded payments refuse that (triggers on
DELETE on SQLite, on TRUNCATE on PostgreSQL), so their guards are lifted around the test and
put back after the flush, with the occupations a migration seeds, for the tests that run
after these.

Every browser context speaks Indonesian and keeps Jakarta time, like the users' own
computers; Chromium's own widgets (date fields, file pickers, validation bubbles) follow the
browser's UI language, see `CHROMIUM_ENV`.

Artefacts: each step's screenshot goes to `<root>/browser/<database>/<test>/NN-step.png`,
where <root> is $LINDUNG_ARTIFACTS or var/artifacts; a failing test also leaves there
`failure.png` and `failure.html` of every open page, `console.log` and `network.log`;
LINDUNG_BROWSER_TRACE=1 adds a Playwright trace of every context (`trace-N.zip`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection, connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from lindung.accounts.tests.helpers import PASSWORD
from lindung.membership.tests.lifecycle_helpers import reseed_occupations

CHROMIUM = os.environ.get("LINDUNG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
# On Linux Chromium takes its UI language from the environment (not from `--lang`, nor from
# a context's locale, which only reaches pages' Intl and Accept-Language), and only finds
# it with Debian's chromium-l10n installed: then date fields read dd/mm/tttt and a file
# field "Pilih File".
CHROMIUM_ENV = {"LANGUAGE": "id"}
LOCALE = "id-ID"
TIMEZONE = "Asia/Jakarta"  # WIB, Seluma's and the settings' default
# Generous for a loaded 2-core machine, but bounded: a broken page fails in seconds, not at
# the CI's time limit.
ACTION_TIMEOUT_MS = 20_000
NAVIGATION_TIMEOUT_MS = 45_000
REPO = Path(__file__).resolve().parents[2]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Kept on the item so that the `site` fixture knows at teardown whether the test failed
    # and the pages' last state is worth keeping.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# -- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium: skipped without it on a developer's machine, failed in CI."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    message = (
        f"Chromium tidak ada di {CHROMIUM}; pasang dengan `apt-get install chromium` "
        f"(atau tunjukkan lewat LINDUNG_CHROMIUM). / Chromium not found at {CHROMIUM}."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} CI harus memasang Chromium sendiri (apt-get install chromium).")
    pytest.skip(f"Uji peramban dilewati: {message}")


# -- the server ----------------------------------------------------------------------------


# What refuses the flush: on PostgreSQL these TRUNCATE triggers, on SQLite the migrations'
# triggers (DELETE among them), dropped and made again.
TRUNCATE_GUARDS = {
    "audit_auditevent": "audit_event_no_truncate",
    "contributions_bill": "bill_approved_no_truncate",
    "contributions_billline": "bill_line_no_truncate",
    "contributions_payment": "payment_no_truncate",
    "contributions_paymentallocation": "allocation_no_truncate",
}
SQLITE_GUARDS = (
    "lindung.audit.migrations.0002_append_only_triggers",
    "lindung.contributions.migrations.0002_money_guards",
)


def _flush_guards(on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            action = "ENABLE" if on else "DISABLE"
            for table, trigger in TRUNCATE_GUARDS.items():
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}")
            return
        for name in SQLITE_GUARDS:
            migration = import_module(name)
            for sql in migration.SQLITE if on else migration.SQLITE_REVERSE:
                cursor.execute(sql)


@pytest.fixture
def _flush_allowed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Set up before `transactional_db` and torn down after its flush."""
    with django_db_blocker.unblock():
        _flush_guards(False)
    yield
    with django_db_blocker.unblock():
        _flush_guards(True)
        reseed_occupations()


@pytest.fixture
def live_site(_flush_allowed: None, transactional_db: None, settings: Any) -> Iterator[str]:
    """The app served over HTTP on localhost; yields its base URL (no trailing slash)."""
    # Plain HTTP on localhost: cookies marked Secure would not come back.
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # An in-memory SQLite test database exists only through this connection: share it.
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()  # type: ignore[attr-defined]
    }
    server = LiveServerThread("localhost", StaticFilesHandler, connections_override=shared, port=0)
    server.daemon = True
    for conn in shared.values():
        conn.inc_thread_sharing()
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://localhost:{server.port}"
    finally:
        server.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


# -- artefacts -----------------------------------------------------------------------------


def artifacts_root() -> Path:
    return Path(os.environ.get("LINDUNG_ARTIFACTS") or REPO / "var" / "artifacts")


@dataclass
class Shots:
    """Numbered screenshots of one test's steps, in the test's own folder."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def __call__(self, page: Page, step: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{len(self.taken) + 1:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    folder = artifacts_root() / "browser" / connection.vendor / name
    shutil.rmtree(folder, ignore_errors=True)  # no screenshot left from an earlier run
    folder.mkdir(parents=True, exist_ok=True)
    return Shots(folder)


# -- people at the browser -----------------------------------------------------------------


@dataclass
class Site:
    """Chromium pointed at the live site. Each `person` has a context of their own
    (cookies), so two people act in the same test without logging each other out."""

    base_url: str
    chromium: Browser
    folder: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def new_page(self) -> Page:
        """A page of a fresh context: a visitor who is not logged in."""
        context = self.chromium.new_context(
            base_url=self.base_url,
            locale=LOCALE,
            timezone_id=TIMEZONE,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.on("response", self._response)
        context.on(
            "console", lambda m: self.console.append(f"[{m.type}] {m.text} {m.location['url']}")
        )
        if os.environ.get("LINDUNG_BROWSER_TRACE") == "1":
            context.tracing.start(screenshots=True, snapshots=True)
        self.contexts.append(context)
        return context.new_page()

    def person(self, username: str, *, shots: Shots | None = None) -> Page:
        """A page logged in as `username` through the login form."""
        page = self.new_page()
        login(page, username, shots=shots)
        return page

    def _response(self, response: Any) -> None:
        line = f"{response.status} {response.request.method} {response.url}"
        if response.status >= 400:
            self.network.append(line)
        if response.status >= 500:
            self.server_errors.append(line)

    def close(self, *, failed: bool) -> None:
        if failed:
            self._keep_evidence()
        for n, context in enumerate(self.contexts, start=1):
            if os.environ.get("LINDUNG_BROWSER_TRACE") == "1":
                context.tracing.stop(path=str(self.folder / f"trace-{n}.zip"))
            context.close()

    def _keep_evidence(self) -> None:
        """The last state of every open page of a failed test, for whoever debugs it."""
        pages = [page for context in self.contexts for page in context.pages]
        for n, page in enumerate(pages, start=1):
            stem = "failure" if n == 1 else f"failure-{n}"
            try:
                page.screenshot(path=str(self.folder / f"{stem}.png"), full_page=True)
                html = f"<!-- {page.url} -->\n{page.content()}"
                (self.folder / f"{stem}.html").write_text(html, encoding="utf-8")
            except Exception as error:  # a crashed page: keep what can be kept
                (self.folder / f"{stem}.txt").write_text(repr(error), encoding="utf-8")
        (self.folder / "console.log").write_text("\n".join(self.console), encoding="utf-8")
        (self.folder / "network.log").write_text("\n".join(self.network), encoding="utf-8")


def login(page: Page, username: str, *, shots: Shots | None = None) -> None:
    page.goto("/akun/masuk/")
    expect(page.get_by_role("heading", name="Masuk ke Lindung")).to_be_visible()
    # The stylesheet came through the static files handler: the page is styled.
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    if shots is not None:
        shots(page, f"login {username}")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Selamat datang"))).to_be_visible()


@pytest.fixture
def site(
    chromium_path: str,
    live_site: str,
    shots: Shots,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Site]:
    # Playwright's sync API keeps an event loop marked running on this thread, and Django
    # would refuse the test's own ORM calls (setting up data, checking results). The server
    # answers from its own threads, which have no loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    headless = os.environ.get("LINDUNG_BROWSER_HEADED") != "1"
    outer = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # Entering Playwright switches this thread to another contextvars context, where
        # Django would open a second connection that the flush after the test never closes
        # (and a second in-memory SQLite connection): keep using the test's own.
        for alias, conn in outer.items():
            connections[alias] = conn
        chromium = playwright.chromium.launch(
            executable_path=chromium_path,
            args=CHROMIUM_ARGS,
            env={**os.environ, **CHROMIUM_ENV},
            headless=headless,
        )
        site = Site(live_site, chromium, shots.folder)
        try:
            yield site
        finally:
            failed = any(
                getattr(getattr(request.node, f"report_{when}", None), "failed", False)
                for when in ("setup", "call")
            )
            site.close(failed=failed)
            chromium.close()
    assert not site.server_errors, f"Server menjawab galat: {site.server_errors}"


# -- finding things on a page --------------------------------------------------------------


def form_field(page: Page, label: str) -> Locator:
    """A form field by its label as a person reads it; a required one's ends in " *"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def nav(page: Page, name: str) -> None:
    """Follow a link of the top navigation bar."""
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()

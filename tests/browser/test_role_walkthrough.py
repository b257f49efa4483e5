"""Issue 8's promise, for the roles the other browser tests do not drive: finance, the
auditor, the Bupati (leadership), the BPJS liaison and a kecamatan operator each log in to
one small, lived-in Seluma and find their work in Indonesian.

For each role, in a browser context of its own: the home page shows exactly the cards and
navigation links the permission map grants; every one of them opens (200) on a page with an
Indonesian heading and no English on it; every link on those pages leads somewhere (no 403,
404 or 500); the role's own work is there; and the pages its role lacks the capability for
are refused with the Indonesian 403 page.

One test builds the world once and walks the roles one after the other: the server and the
world cost more than a role's walk. The kecamatan operator, cheaply, opens only the pages no
role before it opened (its home page, its own work and its refusals are checked in full).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from lindung.accounts import permissions as perm
from lindung.accounts.models import User
from lindung.claims.tests.conftest import open_jkk
from lindung.contributions.payments import payment_record
from lindung.contributions.tests.bills_helpers import approved_bill
from lindung.contributions.tests.conftest import RATE, Billable, register_and_fund
from lindung.membership.tests.conftest import NAMES
from lindung.membership.tests.lifecycle_helpers import build_determined

from .conftest import Shots, Site

pytestmark = pytest.mark.browser

OCT, NOV, DEC = date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)
NOT_SENT = 10  # determined, not yet sent to BPJS: the liaison's work (village B)
INJURED = 2  # a JKK claim reported by village A
SP2D = "00412/SP2D-LS/2025"
REGISTERED = 7  # the 8 determined members but NOT_SENT
MONTHLY = REGISTERED * RATE  # Rp117.600

# English that must not reach an Indonesian page: function words (lower case, as they sit
# inside sentences), the English names of the pages, and English month and day names
# (September and November are spelt the same in both languages).
ENGLISH = re.compile(
    r"\b(the|of|and|is|are|with|for|from|this|that|has|have|not|please|None|True|False"
    r"|Home|Dashboard|Regions?|People|Programmes?|Proposals?|Members?|Bills?|Payments?"
    r"|Budget|Claims?|Reports?|Audit log|Search|Filter|Download|Next|Previous|Log out"
    r"|January|February|March|May|June|July|August|October|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# Links whose target is a file (rendered PDFs, spreadsheets): their own tests cover them.
DOWNLOAD = re.compile(r"unduh|ekspor|lampiran|format=|\b(pdf|xlsx|csv)\b|ditolak")


# Read in one round trip: what `_indonesian` checks.
READ_PAGE = """() => {
  const heading = document.querySelector("main h1");
  return {
    lang: document.documentElement.lang,
    title: document.title,
    heading: heading && heading.checkVisibility() ? heading.innerText.trim() : "",
    main: document.querySelector("main").innerText,
  };
}"""
# Links of the page's main part (HTML and SVG), absolute, without their #fragment.
MAIN_LINKS = """() => [...document.querySelectorAll("main a[href]")]
  .map(a => new URL(a.getAttribute("href"), location.href).href.split("#")[0])"""
# GET each URL in turn, as the page (its cookies): [url, status, where it ended after
# redirects, the body unless 200].
FETCH_ALL = """async urls => {
  const answers = [];
  for (const url of urls) {
    const response = await fetch(url, {credentials: "same-origin"});
    const body = response.status === 200 ? "" : await response.text();
    answers.push([url, response.status, new URL(response.url).pathname, body]);
  }
  return answers;
}"""


# -- the world -----------------------------------------------------------------------------


@pytest.fixture
def covered(live_site: str) -> Billable:
    """Seluma's test programme (membership app's scenario) a quarter into its life: 7 of
    its 8 determined members registered at BPJS since October 2025, the 8th not yet sent;
    October to December billed and approved by finance, October and November paid with one
    SP2D, December owed; one JKK claim reported by the village."""
    covered = register_and_fund(build_determined(), not_sent=(NOT_SENT,))
    october, november, december = (approved_bill(covered, month) for month in (OCT, NOV, DEC))
    assert december.total == MONTHLY
    payment_record(
        actor=covered.users["finance"],
        programme=covered.programme,
        budget_line=covered.budget_line,
        sp2d_number=SP2D,
        sp2d_date=date(2025, 12, 15),
        amount=october.total + november.total,
        allocations=[(october, october.total), (november, november.total)],
    )
    open_jkk(covered, INJURED, role="desa")
    return covered


# -- what the permission map promises ------------------------------------------------------


def _has(user: User, capability: str | None) -> bool:
    return capability is None or perm.has_capability(user, capability)


def expected_cards(user: User) -> list[str]:
    """The home page's cards, in order, from the permission map."""
    proposals = (
        "Usulan pekerja"
        if _has(user, perm.PROPOSE)
        else "Usulan"
        if _has(user, perm.VIEW_PROPOSALS)
        else None
    )
    cards: list[tuple[str | None, str | None]] = [
        ("Dasbor", perm.VIEW_DASHBOARD),
        ("Wilayah", None),
        ("Orang", perm.VIEW_PEOPLE),
        ("Program", perm.VIEW_PROGRAMMES),
        (proposals, None),
        ("Peserta", perm.VIEW_MEMBERS),
        ("Pendaftaran BPJS", perm.REGISTER_MEMBERS),
        ("Iuran", perm.VIEW_BILLS),
        ("Klaim", perm.VIEW_CLAIMS),
        ("Laporan", perm.VIEW_DASHBOARD),
        ("Catatan audit", perm.VIEW_AUDIT_LOG),
        ("Cek status (publik)", None),
    ]
    return [name for name, capability in cards if name and _has(user, capability)]


def expected_nav(user: User) -> list[str]:
    links: list[tuple[str, str | None]] = [
        ("Beranda", None),
        ("Dasbor", perm.VIEW_DASHBOARD),
        ("Wilayah", None),
        ("Orang", perm.VIEW_PEOPLE),
        ("Program", perm.VIEW_PROGRAMMES),
        ("Data pembanding", perm.VIEW_REFERENCES),
        ("Usulan", perm.VIEW_PROPOSALS),
        ("Verifikasi", perm.VIEW_PROPOSALS),
        ("Peserta", perm.VIEW_MEMBERS),
        ("Iuran", perm.VIEW_BILLS),
        ("Klaim", perm.VIEW_CLAIMS),
        ("Laporan", perm.VIEW_DASHBOARD),
        ("Audit", perm.VIEW_AUDIT_LOG),
    ]
    return [name for name, capability in links if _has(user, capability)]


def guarded_pages(covered: Billable) -> list[tuple[str, str]]:
    """Pages one capability opens (GET), each with that capability."""
    programme = covered.programme.pk
    return [
        (reverse("audit:list"), perm.VIEW_AUDIT_LOG),
        (reverse("proposals:list"), perm.VIEW_PROPOSALS),
        (reverse("proposals:upload"), perm.PROPOSE),
        (reverse("verification:decisions"), perm.DECIDE_PROPOSALS),
        (reverse("verification:kecamatan"), perm.REVIEW_KECAMATAN),
        (reverse("references:list"), perm.VIEW_REFERENCES),
        (reverse("references:upload"), perm.IMPORT_REFERENCES),
        (reverse("people:create"), perm.EDIT_PEOPLE),
        (reverse("programs:create"), perm.MANAGE_PROGRAMMES),
        (reverse("programs:budget_create", args=[programme]), perm.MANAGE_BUDGET),
        (reverse("contributions:index"), perm.VIEW_BILLS),
        (reverse("contributions:payment_new", args=[programme]), perm.RECORD_PAYMENTS),
        (reverse("claims:open"), perm.REPORT_CLAIMS),
    ]


# -- checks on a page ----------------------------------------------------------------------


def _indonesian(page: Page, where: str) -> None:
    """An Indonesian page: `lang="id"`, a visible first-level heading, no English."""
    seen = page.evaluate(READ_PAGE)
    assert seen["lang"] == "id", f"{where}: lang={seen['lang']!r}"
    assert seen["heading"], f"{where}: no visible heading in <main>"
    for text in (seen["title"], seen["main"]):
        english = sorted({m.group(0) for m in ENGLISH.finditer(text)})
        assert not english, f"{where}: English on the page: {english}"


def _open(page: Page, href: str, shots: Shots, step: str) -> None:
    response = page.goto(href)
    assert response is not None and response.status == 200, f"{step} {href}: {response}"
    _indonesian(page, f"{step} ({href})")
    shots(page, step)


def _shape(url: str) -> str:
    """A link's view, roughly: its path with numbers blanked and its query's keys."""
    parts = urlsplit(url)
    keys = sorted({key for key, _value in parse_qsl(parts.query)})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _links_lead_somewhere(page: Page, seen: set[str], where: str) -> None:
    """Every link in the page's main part opens for this user (one link of each shape,
    fetched by the page itself, with its cookies)."""
    here = urlsplit(page.url).netloc
    todo = []
    for url in page.evaluate(MAIN_LINKS):
        if urlsplit(url).netloc != here or DOWNLOAD.search(url) or _shape(url) in seen:
            continue
        seen.add(_shape(url))
        todo.append(url)
    login = reverse("accounts:login")
    broken = [
        (url, status, ended)
        for url, status, ended, _body in page.evaluate(FETCH_ALL, todo)
        if status != 200 or ended == login
    ]
    assert not broken, f"{where}: links that do not open: {broken}"


# -- each role's walk ----------------------------------------------------------------------


def _walk(site: Site, shots: Shots, user: User, *, skip: set[str]) -> Page:
    """Log in, check the home page against the permission map, open every card and
    navigation link but those in `skip` and every link on those pages; add what was opened
    to `skip`. Returns the logged-in page."""
    role = str(user.role)
    page = site.person(user.username)
    _indonesian(page, f"{role} home")
    shots(page, f"{role} home")
    cards = page.locator("ul.cards > li > a")
    assert cards.locator("strong").all_inner_texts() == expected_cards(user), role
    nav = page.get_by_role("navigation").get_by_role("link")
    assert [name.strip() for name in nav.all_inner_texts()] == expected_nav(user), role

    targets: dict[str, str] = {}
    for links in (cards, nav):
        for name, href in links.evaluate_all(
            "links => links.map(a => [(a.querySelector('strong') || a).textContent.trim(),"
            " a.getAttribute('href')])"
        ):
            targets.setdefault(href, name)
    seen = {_shape(href) for href in targets}  # opened below: not fetched again
    for href, name in targets.items():
        if href != reverse("home") and href not in skip:
            _open(page, href, shots, f"{role} {name}")
            _links_lead_somewhere(page, seen, f"{role} {name}")
    skip.update(targets)
    return page


def _refusals(page: Page, shots: Shots, user: User, covered: Billable) -> list[str]:
    """The guarded pages the role lacks the capability for answer with the Indonesian
    403 page: all fetched, the first one also opened and photographed."""
    refused = [
        href
        for href, capability in guarded_pages(covered)
        if not perm.has_capability(user, capability)
    ]
    for href, status, _ended, body in page.evaluate(FETCH_ALL, refused):
        assert status == 403, f"{user.role} {href}: {status}"
        assert '<html lang="id">' in body and "<h1>Tidak diizinkan</h1>" in body, href
    if refused:
        response = page.goto(refused[0])
        assert response is not None and response.status == 403
        _indonesian(page, f"{user.role} refused {refused[0]}")
        shots(page, f"{user.role} refused")
    return refused


# -- what each role must find --------------------------------------------------------------


def _finance(page: Page, shots: Shots, covered: Billable) -> None:
    """The bills, the payment recorded and the month still owed, with a way to pay it."""
    page.goto(reverse("contributions:index"))
    page.get_by_role("link", name="Desember 2025").click()
    expect(
        page.get_by_role("heading", name=re.compile("Tagihan iuran Desember 2025"))
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Disetujui")
    expect(page.get_by_role("main")).to_contain_text("Rp117.600")
    shots(page, "finance december bill")
    page.get_by_role("link", name="Catat pembayaran").click()
    expect(page.get_by_role("heading", name="Catat SP2D")).to_be_visible()
    _indonesian(page, "finance payment form")
    shots(page, "finance payment form")
    page.goto(reverse("contributions:payments", args=[covered.programme.pk]))
    expect(page.get_by_role("link", name=SP2D)).to_be_visible()
    expect(page.get_by_role("link", name="Catat SP2D")).to_be_visible()
    page.goto(reverse("contributions:budget", args=[covered.programme.pk]))
    arrears = page.get_by_role("row").filter(has=page.get_by_role("link", name="Desember 2025"))
    expect(arrears.get_by_role("link", name="Catat pembayaran")).to_be_visible()
    shots(page, "finance december owed")


def _auditor(page: Page, shots: Shots, covered: Billable) -> None:
    """The audit log holds what finance did, and the money pages are read-only."""
    finance = covered.users["finance"].username
    page.goto(reverse("audit:list"))
    # Who did what to which thing, each named in Indonesian.
    for action, thing in (
        ("Mencatat pembayaran (SP2D)", "Pembayaran (SP2D)"),
        ("Menyetujui tagihan iuran", "Tagihan iuran"),
        ("Masuk", ""),
    ):
        row = page.get_by_role("row").filter(has_text=action).filter(has_text=finance).first
        expect(row).to_be_visible()
        if thing:
            cell = row.get_by_role("cell", name=re.compile(rf"^{re.escape(thing)} \d+$"))
            expect(cell).to_be_visible()
    claim = page.get_by_role("row").filter(has_text="Membuka kasus klaim").first
    expect(claim.get_by_role("cell", name=re.compile(r"^Klaim \d+$"))).to_be_visible()
    shots(page, "auditor audit log")
    page.goto(reverse("contributions:payments", args=[covered.programme.pk]))
    expect(page.get_by_role("link", name=SP2D)).to_be_visible()
    expect(page.get_by_role("link", name="Catat SP2D")).to_have_count(0)
    page.goto(reverse("claims:list"))
    expect(page.get_by_role("link", name=NAMES[INJURED])).to_be_visible()
    expect(page.get_by_role("link", name="Laporkan klaim")).to_have_count(0)
    shots(page, "auditor claims read only")


def _kpi(page: Page, label: str) -> str:
    item = page.locator("ul.kpi > li").filter(has=page.locator(".label", has_text=label))
    return item.locator(".value").inner_text().strip()


def _leadership(page: Page, shots: Shots, covered: Billable) -> None:
    """The dashboard's figures: members, registration, claims and money."""
    page.goto(reverse("reports:dashboard"))
    expect(page.get_by_role("heading", name="Dasbor", exact=True)).to_be_visible()
    assert _kpi(page, "Peserta aktif") == str(REGISTERED + 1)
    assert _kpi(page, "Terdaftar di BPJS (KPJ)") == str(REGISTERED)
    expect(page.locator("ul.kpi")).to_contain_text("1 belum terdaftar")
    assert _kpi(page, "Klaim") == "1"
    assert _kpi(page, "Iuran ditagih") == "Rp352.800"
    expect(page.locator("ul.kpi")).to_contain_text("dibayar Rp235.200")
    shots(page, "leadership dashboard figures")


def _bpjs(page: Page, shots: Shots, covered: Billable) -> None:
    """The member still to send to BPJS, from the member list as the guide says; the
    reference extracts; a bill to check BPJS's invoice against."""
    page.goto(reverse("membership:list"))
    page.get_by_role("link", name="Pendaftaran BPJS").click()
    expect(page.get_by_role("heading", name="Pendaftaran ke BPJS Ketenagakerjaan")).to_be_visible()
    expect(page.get_by_role("link", name=NAMES[NOT_SENT])).to_be_visible()
    expect(page.get_by_role("button", name="Unduh berkas pendaftaran")).to_be_visible()
    expect(page.get_by_role("button", name="Unggah hasil")).to_be_visible()
    shots(page, "bpjs registration to send")
    page.goto(reverse("references:list"))
    expect(page.get_by_role("link", name=re.compile("Impor data pembanding"))).to_be_visible()
    page.goto(reverse("contributions:index"))
    page.get_by_role("link", name="Desember 2025").click()
    expect(page.get_by_role("link", name="Unggah tagihan BPJS")).to_be_visible()
    expect(page.get_by_role("link", name="Catat pembayaran")).to_have_count(0)
    shots(page, "bpjs december bill")


def _kecamatan(page: Page, shots: Shots, covered: Billable) -> None:
    """Its own villages' members only, and its review queue."""
    page.goto(reverse("membership:list"))
    expect(page.get_by_role("link", name=NAMES[INJURED])).to_be_visible()
    expect(page.get_by_role("link", name=NAMES[NOT_SENT])).to_have_count(0)  # village B
    page.goto(reverse("verification:runs"))
    page.get_by_role("link", name="Telaah kecamatan").click()
    expect(page.get_by_role("heading", name="Telaah kecamatan")).to_be_visible()
    _indonesian(page, "kecamatan review queue")
    shots(page, "kecamatan review queue")


@dataclass(frozen=True)
class Role:
    name: str
    work: Callable[[Page, Shots, Billable], None]
    # The public page is the same for everyone: opened once. A kecamatan operator opens
    # only the pages no one opened before it (the others' scoping has its own tests).
    walks_all: bool = True


ROLES = [
    Role("finance", _finance),
    Role("auditor", _auditor),
    Role("leadership", _leadership),
    Role("bpjs", _bpjs),
    Role("kecamatan", _kecamatan, walks_all=False),
]


def test_each_role_finds_its_work_in_indonesian(
    site: Site, covered: Billable, shots: Shots
) -> None:
    refused: dict[str, list[str]] = {}
    walked: set[str] = set()
    for role in ROLES:
        user = covered.users[role.name]
        skip = walked if not role.walks_all else walked & {reverse("reports:public_check")}
        page = _walk(site, shots, user, skip=skip)
        walked |= skip
        role.work(page, shots, covered)
        refused[role.name] = _refusals(page, shots, user, covered)
    # Every role is refused something, among it what the issue names.
    assert all(refused.values()), refused
    assert reverse("audit:list") in refused["bpjs"]
    assert reverse("verification:decisions") in refused["leadership"]

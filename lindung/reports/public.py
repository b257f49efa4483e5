"""The public status check (/cek/): who may ask, what the answer says, and what is kept.

A worker types a NIK and a birth date and learns only whether they are covered, since when,
by which benefits and whom to ask. What keeps the page from telling anything about anyone else:

- A wrong birth date gets the answer of an unknown NIK, and the answer never repeats what
  was typed, so the two responses are the same bytes (apart from the CSRF token).
- Every lookup does the same work: one indexed query on `nik`, then the birth date of every
  row found compared in constant time; the view pads each answer to a minimum duration
  (`pad_response`), so the time taken does not tell the two apart either.
- Each client (network address) gets `LINDUNG_PUBLIC_CHECK_LIMIT` lookups per window, bad
  input included, counted in the database so every server process sees the same count; an
  optional global cap limits everyone together (a spread-out attempt to enumerate NIKs).

Settings (all optional): LINDUNG_PUBLIC_CHECK_MIN_SECONDS (0.3), LINDUNG_PUBLIC_CHECK_LIMIT
(10), LINDUNG_PUBLIC_CHECK_WINDOW_SECONDS (600), LINDUNG_PUBLIC_CHECK_GLOBAL_LIMIT (300 per
window; 0 = none), LINDUNG_PUBLIC_CHECK_LOG_DAYS (90), LINDUNG_TRUSTED_PROXY_COUNT (0).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lindung.membership.models import Membership, MemberStatus
from lindung.people.nik import MAX_AGE_YEARS, format_date_id, parse_nik
from lindung.programs.models import Benefit
from lindung.regions import codes
from lindung.regions.models import Region

from .models import LookupOutcome, PublicLookup


def setting(name: str) -> float:
    # Limits and timing come from settings.py (environment variables of the same name).
    return float(getattr(settings, name))


# -- input ------------------------------------------------------------------------------------


def clean_nik(raw: str, *, today: date) -> str:
    """The 16 digits of a NIK as typed (spaces, dots and dashes allowed), or ValidationError
    with the NIK checker's sentences saying what to fix."""
    info = parse_nik(raw, reference_date=today)
    errors = [f.render(_) for f in info.findings if f.severity == "error"]
    if errors:
        raise ValidationError(errors)
    return info.nik


_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/. ]([0-9]{1,2})[-/. ]([0-9]{4})")
_SHORT_YEAR = re.compile(r"[0-9]{1,2}[-/. ][0-9]{1,2}[-/. ][0-9]{2}")


def clean_birth_date(raw: str, *, today: date) -> date:
    """A birth date from a phone's date picker (yyyy-mm-dd) or typed as dd-mm-yyyy (also with
    / . or a space), or ValidationError saying what to fix."""
    text = raw.strip()
    if not text:
        raise ValidationError(_("Isi tanggal lahir sesuai KTP, mis. 17-08-1980."))
    if _SHORT_YEAR.fullmatch(text):
        raise ValidationError(_("Tulis tahun lahir dengan 4 angka, mis. 17-08-1980."))
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValidationError(
            _("Tanggal lahir «%(text)s» tidak terbaca; tulis tanggal-bulan-tahun, mis. 17-08-1980.")
            % {"text": text[:30]}
        )
    try:
        born = date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Tanggal %(text)s tidak ada di kalender; periksa tanggal dan bulannya.")
            % {"text": text}
        ) from None
    if born > today:
        raise ValidationError(
            _("Tanggal lahir %(day)s belum terjadi; periksa tahunnya.")
            % {"day": format_date_id(born)}
        )
    if today.year - born.year > MAX_AGE_YEARS:
        raise ValidationError(
            _("Tanggal lahir %(day)s berarti umur lebih dari %(years)s tahun; periksa tahunnya.")
            % {"day": format_date_id(born), "years": MAX_AGE_YEARS}
        )
    return born


# -- who is asking: the rate limit ------------------------------------------------------------


def client_network(request: HttpRequest) -> str:
    """The address the rate limit counts: REMOTE_ADDR, or, behind N trusted reverse proxies
    (LINDUNG_TRUSTED_PROXY_COUNT), the N-th address from the right of X-Forwarded-For, the
    one the outermost proxy saw. Entries further left are typed by the client and ignored.
    An IPv6 client counts by its /64, which one household or phone usually holds whole."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(setting("LINDUNG_TRUSTED_PROXY_COUNT"))
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def client_key(network: str) -> str:
    return salted_hmac("lindung.reports.public.client", network, algorithm="sha256").hexdigest()


def nik_digest(nik: str) -> str:
    """The NIK as kept in the lookup log: an officer who has the NIK can find its lookups,
    nobody can read the NIK back. Changes when SECRET_KEY changes."""
    return salted_hmac("lindung.reports.public.nik", nik, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Admission:
    lookup: PublicLookup | None  # the row recording this lookup; None when refused
    retry_at: datetime | None = None
    busy: bool = False  # refused by the global cap, not by the client's own count

    @property
    def allowed(self) -> bool:
        return self.lookup is not None


def lookup_admit(*, client: str, now: datetime | None = None) -> Admission:
    """Count one lookup for `client`, or refuse it with the time to try again.

    The row goes in first and the count follows, each in its own autocommit: of two
    requests at once, the later one sees both rows, so a burst cannot slip through between
    count and insert (at worst both are refused). A refused lookup's row is removed, so
    waiting out the window is always enough. Rows past the retention go on each write."""
    now = now or timezone.now()
    window = timedelta(seconds=setting("LINDUNG_PUBLIC_CHECK_WINDOW_SECONDS"))
    retention = max(window, timedelta(days=setting("LINDUNG_PUBLIC_CHECK_LOG_DAYS")))
    PublicLookup.objects.filter(at__lt=now - retention).delete()
    row = PublicLookup.objects.create(client=client, at=now)
    recent = PublicLookup.objects.filter(at__gt=now - window)
    mine = recent.filter(client=client)
    global_limit = int(setting("LINDUNG_PUBLIC_CHECK_GLOBAL_LIMIT"))
    if mine.count() > int(setting("LINDUNG_PUBLIC_CHECK_LIMIT")):
        refused, busy = mine, False
    elif global_limit > 0 and recent.count() > global_limit:
        refused, busy = recent, True
    else:
        return Admission(row)
    PublicLookup.objects.filter(pk=row.pk).delete()
    oldest = refused.order_by("at").values_list("at", flat=True).first() or now
    return Admission(None, retry_at=oldest + window, busy=busy)


def pad_response(
    started: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Wait until LINDUNG_PUBLIC_CHECK_MIN_SECONDS after `started` (a `time.monotonic()`
    reading), so found and not found take the same time; returns the seconds waited."""
    remaining = started + setting("LINDUNG_PUBLIC_CHECK_MIN_SECONDS") - clock()
    if remaining <= 0:
        return 0.0
    sleep(remaining)
    return remaining


# -- the answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """One programme's answer. Nothing here names the person, their village or number."""

    state: LookupOutcome  # COVERED, PENDING or ENDED
    programme: str
    benefits: tuple[str, ...]
    owner: str  # the regency, city or province that runs the programme: whom to contact
    contact: str = ""  # the programme's own contact line, when the Dinas filled it in
    since: date | None = None  # covered since / protection starts on / ended from
    until: date | None = None  # covered, with an exit already recorded for this date


def coverage_of(nik: str, birth_date: date, *, today: date | None = None) -> list[Coverage]:
    """The answers for a NIK and birth date; empty when no membership matches both.

    One indexed query on `nik` whatever is typed, and every row's birth date compared in
    constant time, so a NIK with a wrong birth date costs the same as a match. Active
    memberships first; without one, only the latest that ended."""
    today = today or timezone.localdate()
    rows = list(
        Membership.objects.filter(nik=nik)
        .select_related("programme__owner")
        .only(
            "birth_date",
            "status",
            "coverage_start",
            "ended_on",
            "programme__name",
            "programme__contact",
            "programme__covers_jkk",
            "programme__covers_jkm",
            "programme__covers_jht",
            "programme__owner__code",
            "programme__owner__level",
            "programme__owner__name",
        )
    )
    wanted = birth_date.isoformat().encode()
    matches = [
        row for row in rows if hmac.compare_digest(row.birth_date.isoformat().encode(), wanted)
    ]
    return answers_to_show([_coverage(row, today) for row in matches])


def answers_to_show(answers: list[Coverage]) -> list[Coverage]:
    """Every programme that covers (or is registering) the person; without one, only the
    membership that ended last: older periods are history the worker did not ask about."""
    current = [a for a in answers if a.state != LookupOutcome.ENDED]
    if current:
        return sorted(current, key=lambda a: (a.programme, a.owner))
    return sorted(answers, key=lambda a: a.since or date.min)[-1:]


def _coverage(row: Membership, today: date) -> Coverage:
    state, since, until = _state(row, today)
    programme = row.programme
    return Coverage(
        state,
        programme=programme.name,
        benefits=tuple(str(Benefit(code).label) for code in programme.benefits),
        owner=owner_label(programme.owner),
        contact=programme.contact,
        since=since,
        until=until,
    )


def _state(row: Membership, today: date) -> tuple[LookupOutcome, date | None, date | None]:
    """What the answer says, from when, and until when."""
    started = row.coverage_start is not None and row.coverage_start <= today
    if row.status == MemberStatus.ENDED:
        assert row.ended_on is not None
        if row.ended_on > today and started:
            # An exit recorded ahead of its date: still covered until then.
            return LookupOutcome.COVERED, row.coverage_start, row.ended_on
        return LookupOutcome.ENDED, row.ended_on, None
    if row.status == MemberStatus.REGISTERED and started:
        return LookupOutcome.COVERED, row.coverage_start, None
    # Determined and waiting for BPJS, or registered with a start date still to come.
    since = row.coverage_start if row.status == MemberStatus.REGISTERED else None
    return LookupOutcome.PENDING, since, None


def owner_label(region: Region) -> str:
    """ "Kabupaten Seluma", "Kota Bengkulu" (the names carry their kind), "Provinsi Bengkulu"."""
    if region.level == codes.PROVINCE:
        return f"{_('Provinsi')} {region.name}"
    return region.name


def lookup_answer(*, lookup: PublicLookup, nik: str, birth_date: date) -> list[Coverage]:
    """Answer an admitted lookup and record its outcome (the NIK only as `nik_digest`)."""
    answers = coverage_of(nik, birth_date)
    outcome = answers[0].state if answers else LookupOutcome.NOT_FOUND
    lookup_finish(lookup=lookup, outcome=outcome, nik=nik)
    return answers


def lookup_finish(*, lookup: PublicLookup, outcome: LookupOutcome, nik: str = "") -> None:
    digest = nik_digest(nik) if nik else ""
    PublicLookup.objects.filter(pk=lookup.pk).update(outcome=outcome, nik_digest=digest)

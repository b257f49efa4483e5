"""The public status check at /cek/ on Seluma's determined period (membership conftest):
each state's answer, and that the page tells nothing beyond that one answer.

| serial | state set up here                                       | answer   |
|---|---|---|
| 1 | registered, covered since 1 October 2025                      | covered  |
| 2 | determined, waiting for BPJS                                  | pending  |
| 3 | ended 30 days ago (death)                                     | ended    |
| 6 | registered, coverage starts in 20 days                        | pending with a date |
| 7 | registered, exit recorded for 40 days ahead                   | covered until |
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.tests.helpers import client_for
from lindung.membership.models import EndReason, Membership, MemberStatus
from lindung.membership.tests.conftest import (  # noqa: F401
    NAMES,
    Determined,
    born,
    determined,
    nik,
    proposed,
)
from lindung.people.nik import compose_nik, format_date_id, mask_nik
from lindung.reports import public
from lindung.reports.models import LookupOutcome, PublicLookup

URL = "/cek/"
COVERED_SINCE = date(2025, 10, 1)
VILLAGE_NAMES = ["Niur", "Lubuk Sahung", "Pasar Tais"]
UNKNOWN_NIK = compose_nik("17.05.01", date(1971, 5, 5), "L", 987)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.LINDUNG_PUBLIC_CHECK_MIN_SECONDS = 0


def _kpj(serial: int) -> str:
    return f"2500000{serial:04d}"


@pytest.fixture
def states(determined: Determined) -> Determined:  # noqa: F811
    today = timezone.localdate()
    registered = {"status": MemberStatus.REGISTERED, "coverage_start": COVERED_SINCE}
    Membership.objects.filter(nik=nik(1)).update(kpj=_kpj(1), **registered)
    Membership.objects.filter(nik=nik(3)).update(
        kpj=_kpj(3),
        coverage_start=COVERED_SINCE,
        status=MemberStatus.ENDED,
        ended_on=today - timedelta(days=30),
        end_reason=EndReason.DEATH,
    )
    Membership.objects.filter(nik=nik(6)).update(
        kpj=_kpj(6), status=MemberStatus.REGISTERED, coverage_start=today + timedelta(days=20)
    )
    Membership.objects.filter(nik=nik(7)).update(
        kpj=_kpj(7),
        coverage_start=COVERED_SINCE,
        status=MemberStatus.ENDED,
        ended_on=today + timedelta(days=40),
        end_reason=EndReason.MOVED,
    )
    return determined


def _ask(client: Client, nik_text: str, birth: str, **extra: Any) -> Any:
    return client.post(URL, {"nik": nik_text, "birth_date": birth}, **extra)


def _answer(serial: int, birth: date | None = None) -> str:
    response = _ask(Client(), nik(serial), (birth or born(serial)).isoformat())
    assert response.status_code == 200
    return str(response.content.decode())


def _day(value: date) -> str:
    return format_date_id(value)


# -- each state ------------------------------------------------------------------------------


def test_a_covered_member_sees_since_when_which_benefits_and_whom_to_ask(
    states: Determined,
) -> None:
    page = _answer(1)
    assert "Terdaftar dan terlindungi sejak 1 Oktober 2025" in page
    assert "JKK (jaminan kecelakaan kerja)" in page
    assert "JKM (jaminan kematian)" in page
    assert not re.search(r"\bJHT\b", page)  # as a word: a random CSRF token may hold it
    assert "Pekerja Rentan Seluma" in page
    assert "Pemerintah Kabupaten Seluma" in page


def test_the_programmes_own_contact_replaces_the_general_advice(states: Determined) -> None:
    states.programme.contact = "Disnakertrans Seluma, Tais; WA 0811-0000-1705"
    states.programme.save(update_fields=["contact"])
    page = _answer(1)
    assert "Disnakertrans Seluma, Tais; WA 0811-0000-1705" in page
    assert "Hubungi Dinas pengelola program" not in page


def test_the_benefits_follow_the_programme(states: Determined) -> None:
    states.programme.covers_jht = True
    states.programme.save(update_fields=["covers_jht"])
    assert "JHT (jaminan hari tua)" in _answer(1)


def test_a_determined_member_is_told_registration_is_in_process(states: Determined) -> None:
    page = _answer(2)
    assert "sedang didaftarkan ke BPJS Ketenagakerjaan" in page
    assert "terlindungi sejak" not in page


def test_a_registered_member_whose_coverage_starts_later_sees_the_start(
    states: Determined,
) -> None:
    start = timezone.localdate() + timedelta(days=20)
    assert f"Terdaftar; perlindungan mulai {_day(start)}" in _answer(6)


def test_an_ended_member_sees_the_date_but_not_the_reason(states: Determined) -> None:
    page = _answer(3)
    ended = timezone.localdate() - timedelta(days=30)
    assert f"Tidak lagi terlindungi mulai {_day(ended)}" in page
    assert "Meninggal" not in page
    assert str(EndReason.DEATH.label) not in page


def test_an_exit_recorded_ahead_still_answers_covered_until_that_day(states: Determined) -> None:
    page = _answer(7)
    until = timezone.localdate() + timedelta(days=40)
    assert "Terdaftar dan terlindungi sejak 1 Oktober 2025" in page
    assert f"Kepesertaan berakhir pada {_day(until)}" in page
    assert str(EndReason.MOVED.label) not in page


def test_an_unknown_nik_is_not_found(states: Determined) -> None:
    page = _answer_for(UNKNOWN_NIK, date(1971, 5, 5))
    assert "Data tidak ditemukan" in page
    assert "Pekerja Rentan Seluma" not in page


def _answer_for(nik_text: str, birth: date) -> str:
    response = _ask(Client(), nik_text, birth.isoformat())
    assert response.status_code == 200
    return str(response.content.decode())


def test_an_active_membership_answers_and_old_ended_ones_stay_silent() -> None:
    def answer(state: LookupOutcome, since: date, programme: str = "A") -> public.Coverage:
        return public.Coverage(state, programme, ("JKM",), "Kabupaten Seluma", since=since)

    old = answer(LookupOutcome.ENDED, date(2024, 1, 1))
    older = answer(LookupOutcome.ENDED, date(2023, 1, 1))
    covered = answer(LookupOutcome.COVERED, date(2025, 1, 1), "B")
    pending = answer(LookupOutcome.PENDING, date(2025, 1, 1), "A")
    assert public.answers_to_show([old, covered, older, pending]) == [pending, covered]
    assert public.answers_to_show([older, old]) == [old]
    assert public.answers_to_show([]) == []


# -- nothing beyond the one answer -----------------------------------------------------------


def _private_data(serial: int) -> list[str]:
    member = Membership.objects.get(nik=nik(serial))
    return [
        member.name,
        member.nik,
        mask_nik(member.nik),
        member.address,
        member.phone,
        _kpj(serial),
    ]


@pytest.mark.parametrize("serial", [1, 2, 3, 6, 7])
def test_no_answer_names_the_person_their_number_village_or_anyone_else(
    states: Determined, serial: int
) -> None:
    page = _answer(serial)
    leaks = [text for text in _private_data(serial) if text and text in page]
    leaks += [name for name in VILLAGE_NAMES if name in page]
    leaks += [name for name in NAMES.values() if name in page]
    leaks += [nik(other) for other in NAMES if nik(other) in page]
    leaks += [born(serial).isoformat(), _day(born(serial))]
    leaks = [text for text in leaks if text in page]
    assert leaks == []


def _stripped(response: Any) -> bytes:
    return bytes(CSRF.sub(b'name="csrfmiddlewaretoken" value=""', response.content))


def test_a_wrong_birth_date_answers_exactly_like_an_unknown_nik(states: Determined) -> None:
    client = Client()
    client.get(URL)
    wrong_birth = _ask(client, nik(1), (born(1) + timedelta(days=1)).isoformat())
    unknown = _ask(client, UNKNOWN_NIK, "1971-05-05")
    assert wrong_birth.status_code == unknown.status_code == 200
    assert _stripped(wrong_birth) == _stripped(unknown)
    assert b"Data tidak ditemukan" in unknown.content

    def headers(response: Any) -> dict[str, str]:
        return {k: v for k, v in response.headers.items() if k not in {"Expires", "Date"}}

    assert headers(wrong_birth) == headers(unknown)


def test_the_wrong_birth_date_is_logged_as_not_found_too(states: Determined) -> None:
    _ask(Client(), nik(1), "1999-01-01")
    _ask(Client(), UNKNOWN_NIK, "1971-05-05")
    assert list(PublicLookup.objects.values_list("outcome", flat=True)) == [
        LookupOutcome.NOT_FOUND,
        LookupOutcome.NOT_FOUND,
    ]


def test_the_log_keeps_no_nik_or_address_readable(states: Determined) -> None:
    _ask(Client(), nik(1), born(1).isoformat(), REMOTE_ADDR="203.0.113.9")
    row = PublicLookup.objects.get()
    assert row.outcome == LookupOutcome.COVERED
    assert row.nik_digest == public.nik_digest(nik(1)) != nik(1)
    assert nik(1) not in row.nik_digest and "203.0.113.9" not in row.client


def test_the_lookup_is_one_query_whatever_is_found(
    states: Determined, django_assert_num_queries: Any
) -> None:
    for nik_text, birth in [(nik(1), born(1)), (nik(1), date(1990, 1, 1)), (UNKNOWN_NIK, born(1))]:
        with django_assert_num_queries(1):
            public.coverage_of(nik_text, birth)


def test_found_and_not_found_both_wait_for_the_padding(
    states: Determined, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LINDUNG_PUBLIC_CHECK_MIN_SECONDS = 0.05
    padded: list[float] = []
    real = public.pad_response

    def recording(started: float) -> float:
        padded.append(started)
        return real(started)

    monkeypatch.setattr(public, "pad_response", recording)
    for nik_text, birth in [(nik(1), born(1)), (nik(1), date(1990, 1, 1)), (UNKNOWN_NIK, born(1))]:
        before = time.monotonic()
        _ask(Client(), nik_text, birth.isoformat())
        # sleep() never returns early, so this lower bound cannot flake.
        assert time.monotonic() - before >= 0.05
    _ask(Client(), "123", "")
    assert len(padded) == 4


def test_the_padding_waits_only_for_what_is_left(settings: Any) -> None:
    settings.LINDUNG_PUBLIC_CHECK_MIN_SECONDS = 0.3
    slept: list[float] = []
    assert public.pad_response(10.0, clock=lambda: 10.1, sleep=slept.append) == pytest.approx(0.2)
    assert public.pad_response(10.0, clock=lambda: 10.5, sleep=slept.append) == 0.0
    assert slept == [pytest.approx(0.2)]


# -- the page itself -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_needs_no_login_and_reads_indonesian() -> None:
    response = Client().get(reverse("reports:public_check"))
    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "id"
    assert "Cek status kepesertaan" in page
    assert 'type="date"' in page and 'inputmode="numeric"' in page
    assert "<script" not in page


@pytest.mark.django_db
def test_the_page_offers_english_and_switches_without_script() -> None:
    client = Client()
    assert 'name="language" value="en"' in client.get(URL).content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    response = client.get(URL)
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_a_signed_in_official_gets_the_same_public_page(states: Determined) -> None:
    client = client_for(states.users["manager"])
    response = _ask(client, nik(1), born(1).isoformat())
    assert b"Terdaftar dan terlindungi" in response.content
    assert b"Keluar" not in response.content


@pytest.mark.django_db
def test_the_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert _ask(client, UNKNOWN_NIK, "1971-05-05").status_code == 403
    page = client.get(URL).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    response = client.post(
        URL, {"nik": UNKNOWN_NIK, "birth_date": "1971-05-05", "csrfmiddlewaretoken": match[1]}
    )
    assert response.status_code == 200
    assert b"Data tidak ditemukan" in response.content


@pytest.mark.django_db
def test_no_response_may_be_cached_passed_on_or_indexed(settings: Any) -> None:
    settings.LINDUNG_PUBLIC_CHECK_LIMIT = 1
    client = Client()
    responses = [
        client.get(URL),
        _ask(client, UNKNOWN_NIK, "1971-05-05"),
        _ask(client, UNKNOWN_NIK, "1971-05-05"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 429]
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        # same-origin, not no-referrer: with no-referrer Chromium posts the form with
        # `Origin: null` and the CSRF check refuses every real browser.
        assert response["Referrer-Policy"] == "same-origin"
        assert "noindex" in response["X-Robots-Tag"]
        assert b'name="robots" content="noindex' in response.content


@pytest.mark.django_db
def test_other_methods_are_refused() -> None:
    assert Client().put(URL).status_code == 405


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik_text", "birth", "message"),
    [
        ("", "1971-05-05", "NIK kosong; isi 16 angka sesuai KTP."),
        ("17050105057", "1971-05-05", "NIK harus 16 angka; yang diketik 11 angka."),
        ("1705O10505710987", "1971-05-05", "NIK hanya boleh berisi angka 0-9; ditemukan «O»."),
        ("1705019905710987", "1971-05-05", "Tanggal lahir di NIK (digit 7-12) tidak valid"),
        (UNKNOWN_NIK, "", "Isi tanggal lahir sesuai KTP, mis. 17-08-1980."),
        (UNKNOWN_NIK, "5 Mei 1971", "Tanggal lahir «5 Mei 1971» tidak terbaca"),
        (UNKNOWN_NIK, "31-02-1971", "Tanggal 31-02-1971 tidak ada di kalender"),
        (UNKNOWN_NIK, "05-05-71", "Tulis tahun lahir dengan 4 angka"),
    ],
)
def test_bad_input_says_what_to_fix(nik_text: str, birth: str, message: str) -> None:
    response = _ask(Client(), nik_text, birth)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Periksa isian yang ditandai" in page
    assert "Data tidak ditemukan" not in page
    assert PublicLookup.objects.get().outcome == LookupOutcome.INVALID


def test_a_typed_nik_with_spaces_and_a_day_first_date_are_read(states: Determined) -> None:
    grouped = f"{nik(1)[:6]} {nik(1)[6:12]} {nik(1)[12:]}"
    page = _answer_for_text(grouped, born(1).strftime("%d-%m-%Y"))
    assert "Terdaftar dan terlindungi" in page


def _answer_for_text(nik_text: str, birth: str) -> str:
    return str(_ask(Client(), nik_text, birth).content.decode())


@pytest.mark.django_db
def test_the_login_page_points_workers_to_the_check() -> None:
    page = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{URL}"' in page

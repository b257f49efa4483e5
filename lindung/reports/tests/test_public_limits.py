"""The public status check's rate limit, its log's retention, how it tells clients apart, and
how it reads what people type. Time moves by editing the rows' timestamps, never by sleeping."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client, RequestFactory
from django.utils import timezone

from lindung.reports import public
from lindung.reports.models import LookupOutcome, PublicLookup

URL = "/cek/"
TODAY = date(2026, 11, 23)
ANY_NIK = "1705010505710987"
LIMIT = 3


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.LINDUNG_PUBLIC_CHECK_MIN_SECONDS = 0
    settings.LINDUNG_PUBLIC_CHECK_LIMIT = LIMIT
    settings.LINDUNG_PUBLIC_CHECK_WINDOW_SECONDS = 600
    settings.LINDUNG_PUBLIC_CHECK_GLOBAL_LIMIT = 0
    settings.LINDUNG_PUBLIC_CHECK_LOG_DAYS = 90
    settings.LINDUNG_TRUSTED_PROXY_COUNT = 0


def _ask(client: Client, address: str = "198.51.100.7", nik: str = ANY_NIK, **extra: Any) -> Any:
    return client.post(URL, {"nik": nik, "birth_date": "1971-05-05"}, REMOTE_ADDR=address, **extra)


def _age_rows(seconds: int) -> None:
    PublicLookup.objects.update(at=F("at") - timedelta(seconds=seconds))


# -- the rate limit --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lookup_after_the_limit_is_refused_until_the_window_passes() -> None:
    client = Client()
    assert [_ask(client).status_code for _ in range(LIMIT)] == [200] * LIMIT
    refused = _ask(client)
    assert refused.status_code == 429
    assert 590 <= int(refused["Retry-After"]) <= 600
    page = refused.content.decode()
    assert "Terlalu banyak pemeriksaan dari perangkat atau jaringan ini" in page
    assert "Coba lagi pukul" in page and "sekitar 10 menit lagi" in page
    assert "Data tidak ditemukan" not in page
    _age_rows(599)
    assert _ask(client).status_code == 429
    _age_rows(2)
    assert _ask(client).status_code == 200


@pytest.mark.django_db
def test_a_refused_lookup_does_not_extend_the_wait() -> None:
    client = Client()
    for _ in range(LIMIT):
        _ask(client)
    for _ in range(5):
        assert _ask(client).status_code == 429
    assert PublicLookup.objects.count() == LIMIT
    _age_rows(601)
    assert _ask(client).status_code == 200


@pytest.mark.django_db
def test_bad_input_counts_against_the_limit() -> None:
    client = Client()
    for _ in range(LIMIT):
        response = _ask(client, nik="123")
        assert b"NIK harus 16 angka" in response.content
    assert _ask(client).status_code == 429


@pytest.mark.django_db
def test_each_client_has_its_own_count() -> None:
    client = Client()
    for _ in range(LIMIT):
        _ask(client, "198.51.100.7")
    assert _ask(client, "198.51.100.7").status_code == 429
    assert _ask(client, "198.51.100.8").status_code == 200


@pytest.mark.django_db
def test_showing_the_form_costs_nothing() -> None:
    client = Client()
    for _ in range(LIMIT + 2):
        assert client.get(URL).status_code == 200
    assert PublicLookup.objects.count() == 0
    assert _ask(client).status_code == 200


@pytest.mark.django_db
def test_the_global_cap_refuses_everyone_for_a_while(settings: Any) -> None:
    settings.LINDUNG_PUBLIC_CHECK_GLOBAL_LIMIT = 2
    client = Client()
    assert _ask(client, "198.51.100.1").status_code == 200
    assert _ask(client, "198.51.100.2").status_code == 200
    busy = _ask(client, "198.51.100.3")
    assert busy.status_code == 429
    assert "Layanan cek status sedang menerima terlalu banyak pemeriksaan" in busy.content.decode()
    _age_rows(601)
    assert _ask(client, "198.51.100.3").status_code == 200


@pytest.mark.django_db
def test_rows_past_the_retention_are_deleted_on_the_next_lookup() -> None:
    now = timezone.now()
    old = PublicLookup.objects.create(client="x", at=now - timedelta(days=91))
    kept = PublicLookup.objects.create(client="x", at=now - timedelta(days=89))
    _ask(Client())
    assert not PublicLookup.objects.filter(pk=old.pk).exists()
    assert PublicLookup.objects.filter(pk=kept.pk).exists()
    assert PublicLookup.objects.count() == 2


@pytest.mark.django_db
def test_the_retention_never_drops_below_the_window(settings: Any) -> None:
    settings.LINDUNG_PUBLIC_CHECK_LOG_DAYS = 0
    for _ in range(LIMIT):
        public.lookup_admit(client="c")
    assert not public.lookup_admit(client="c").allowed


@pytest.mark.django_db
def test_an_admitted_lookup_records_its_outcome_without_the_nik() -> None:
    _ask(Client(), nik=ANY_NIK)
    row = PublicLookup.objects.get()
    assert row.outcome == LookupOutcome.NOT_FOUND
    assert row.nik_digest == public.nik_digest(ANY_NIK)
    assert ANY_NIK not in row.nik_digest
    assert row.client == public.client_key("198.51.100.7")


# -- telling clients apart -------------------------------------------------------------------


def _network(settings: Any, proxies: int, **meta: str) -> str:
    settings.LINDUNG_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(URL)
    request.META.update(meta)
    return public.client_network(request)


def test_without_a_proxy_the_forwarded_header_is_ignored(settings: Any) -> None:
    meta = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    assert _network(settings, 0, **meta) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_saw_counts(settings: Any) -> None:
    # The client typed the first entry itself; the proxy appended the second.
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.1"}
    assert _network(settings, 1, **meta) == "203.0.113.1"
    assert _network(settings, 2, **meta) == "1.2.3.4"


def test_a_missing_forwarded_header_falls_back_to_the_peer(settings: Any) -> None:
    assert _network(settings, 1, REMOTE_ADDR="127.0.0.1") == "127.0.0.1"


def test_ipv6_clients_count_by_their_64_block(settings: Any) -> None:
    one = _network(settings, 0, REMOTE_ADDR="2001:db8:1:2::1")
    other = _network(settings, 0, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert one == other == "2001:db8:1:2::/64"
    assert _network(settings, 0, REMOTE_ADDR="::ffff:198.51.100.7") == "198.51.100.7"


def test_an_unreadable_address_shares_one_count(settings: Any) -> None:
    assert _network(settings, 0, REMOTE_ADDR="not an address") == "unknown"


def test_the_client_key_does_not_show_the_address() -> None:
    key = public.client_key("198.51.100.7")
    # A keyed digest: hex, and not the plain hash anyone could compute for every address.
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key != hashlib.sha256(b"198.51.100.7").hexdigest()
    assert key == public.client_key("198.51.100.7") != public.client_key("198.51.100.8")


# -- reading what people type ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["1980-08-17", "17-08-1980", "17/8/1980", "17.08.1980", " 17 08 1980 "],
)
def test_a_birth_date_is_read_from_the_picker_or_as_typed(text: str) -> None:
    assert public.clean_birth_date(text, today=TODAY) == date(1980, 8, 17)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Isi tanggal lahir sesuai KTP, mis. 17-08-1980."),
        ("17-08-80", "Tulis tahun lahir dengan 4 angka, mis. 17-08-1980."),
        ("17 Agustus 1980", "Tanggal lahir «17 Agustus 1980» tidak terbaca"),
        ("31-04-1980", "Tanggal 31-04-1980 tidak ada di kalender; periksa tanggal dan bulannya."),
        ("01-01-2027", "Tanggal lahir 1 Januari 2027 belum terjadi; periksa tahunnya."),
        ("01-01-1890", "Tanggal lahir 1 Januari 1890 berarti umur lebih dari 120 tahun"),
    ],
)
def test_a_bad_birth_date_says_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        public.clean_birth_date(text, today=TODAY)
    assert message in caught.value.messages[0]


def test_a_nik_is_read_with_separators_and_checked_like_everywhere_else() -> None:
    assert public.clean_nik("1705 0105 0571 0987", today=TODAY) == ANY_NIK
    with pytest.raises(ValidationError) as caught:
        public.clean_nik("1705010505710000", today=TODAY)
    assert caught.value.messages == [
        "Nomor urut di NIK (digit 13-16) tidak boleh 0000; periksa NIK di KTP."
    ]

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from lindung.regions.models import Region


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("regions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_json_prints_counts_and_seconds():
    payload = json.loads(_run("load", "--only", "17.05", "--json"))

    assert payload["only"] == "17.05"
    assert payload["levels"]["kecamatan"] == {"created": 14, "updated": 0, "unchanged": 0}
    assert payload["levels"]["desa_kelurahan"]["created"] == 202
    assert payload["seconds"] >= 0
    assert Region.objects.count() == 218


@pytest.mark.django_db
def test_load_says_what_it_did_in_indonesian():
    _run("load", "--only", "17.05")

    assert _run("load", "--only", "17.05").startswith("0 wilayah baru, 0 diperbarui, 218 tetap")


@pytest.mark.django_db
def test_load_rejects_an_unknown_code_with_returncode_2():
    with pytest.raises(CommandError, match=r"17\.99 tidak ada") as error:
        _run("load", "--only", "17.99")
    assert error.value.returncode == 2


@pytest.mark.usefixtures("seluma")
def test_show_prints_the_area_its_ancestors_and_counts():
    text = _run("show", "17.05")

    assert "17.05 Kabupaten Seluma" in text
    assert "Jenis: Kabupaten" in text
    assert "Di dalam: 17 Bengkulu" in text
    assert "Wilayah di bawahnya: 14, desa/kelurahan: 202" in text


@pytest.mark.usefixtures("seluma")
def test_show_json_describes_a_village():
    facts = json.loads(_run("show", "17.05.01.1001", "--json"))

    assert facts["kind"] == "kelurahan"
    assert [a["code"] for a in facts["ancestors"]] == ["17", "17.05", "17.05.01"]
    assert facts["full_name"] == "Kelurahan Babatan, Kec. Sukaraja, Kab. Seluma, Bengkulu"
    assert (facts["children"], facts["villages"]) == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "message"), [("17.5", "tidak sah"), ("17.99", "tidak ada")])
def test_show_rejects_a_bad_code_with_returncode_2(code, message):
    with pytest.raises(CommandError, match=message) as error:
        _run("show", code)
    assert error.value.returncode == 2

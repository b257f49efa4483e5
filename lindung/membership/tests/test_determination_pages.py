"""The determination pages: the effect before committing, the commit, the result."""

from __future__ import annotations

from django.urls import reverse

from lindung.accounts.tests.helpers import client_for
from lindung.membership.models import Determination, Membership
from lindung.membership.tests.conftest import next_month


def _form(months: int = 3) -> dict[str, str]:
    return {"budget_line": "", "months": str(months), "coverage_start": next_month().isoformat()}


def test_the_manager_sees_the_effect_then_commits(proposed) -> None:
    world, _, period = proposed
    client = client_for(world.users["manager"])
    listing = client.get(reverse("membership:determinations")).content.decode()
    assert period.name in listing
    url = reverse("membership:determine", args=[period.pk])
    preview = client.get(url, _form()).content.decode()
    assert "Dampak penetapan" in preview
    assert "Tetapkan 8 peserta" in preview
    assert "Rp403.200" in preview  # 8 x Rp16.800 x 3 months
    assert Membership.objects.count() == 0
    done = client.post(url, _form(), follow=True)
    assert Membership.objects.count() == 8
    page = done.content.decode()
    assert "Penetapan tersimpan" in page
    assert "Niur" in page
    # Once determined, the period's page leads to the result.
    again = client.get(url)
    assert again.status_code == 302
    assert again["Location"] == Determination.objects.get().get_absolute_url()


def test_bad_values_are_explained_and_nothing_is_written(proposed) -> None:
    world, _, period = proposed
    client = client_for(world.users["manager"])
    url = reverse("membership:determine", args=[period.pk])
    bad = {"months": "0", "coverage_start": next_month().replace(day=5).isoformat()}
    text = client.post(url, bad).content.decode()
    assert 'name="months"' in text and "errorlist" in text
    late = _form() | {"coverage_start": next_month().replace(day=5).isoformat()}
    assert "tanggal 1" in client.post(url, late).content.decode()
    assert Membership.objects.count() == 0


def test_the_verifier_may_look_but_not_commit(proposed) -> None:
    world, _, period = proposed
    client = client_for(world.users["verifier"])
    url = reverse("membership:determine", args=[period.pk])
    page = client.get(url, _form()).content.decode()
    assert "Dampak penetapan" in page
    assert "Tetapkan 8 peserta" not in page
    client.post(url, _form())
    assert Membership.objects.count() == 0


def test_a_village_sees_only_its_own_members_in_the_result(determined) -> None:
    client = client_for(determined.users["desa"])
    page = client.get(determined.determination.get_absolute_url()).content.decode()
    assert "Niur" in page
    assert "Pasar Tais" not in page

"""The verification pages: start and watch a run, read results, act on proposals; scoped by
area and refused to roles without the capability."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lindung.accounts.tests.helpers import client_for
from lindung.audit.models import AuditEvent
from lindung.proposals.models import ProposalStatus
from lindung.verification.models import Finding, RunStatus, VerificationRun
from lindung.verification.services import verification_run
from lindung.verification.tests.conftest import Scenario

pytestmark = pytest.mark.django_db


def _client(s: Scenario, role: str) -> Client:
    return client_for(s.users[role])


def test_the_verifier_starts_a_batch_run_and_lands_on_its_page(scenario: Scenario) -> None:
    client = _client(scenario, "verifier")
    batch = scenario.batches["A"]
    response = client.post(reverse("verification:start"), {"batch": batch.pk})
    run = VerificationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    html = client.get(run.get_absolute_url()).content.decode()
    assert "100%" in html and "Lihat hasil" in html
    assert "DTSEN" in html  # the snapshots it used
    assert 'http-equiv="refresh"' not in html


def test_a_waiting_run_polls_its_progress_until_it_ends(scenario: Scenario) -> None:
    run = verification_run(actor=None, period=scenario.period, background=False)
    client = _client(scenario, "verifier")
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page  # without JavaScript
    partial = client.get(reverse("verification:progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "Menunggu giliran" in partial
    VerificationRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, progress=100)
    done = client.get(reverse("verification:progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in done and "Lihat hasil" in done


def test_the_results_show_findings_evidence_and_counts_that_add_up(
    scenario: Scenario, run: VerificationRun
) -> None:
    html = _client(scenario, "verifier").get(reverse("verification:results", args=[run.pk]))
    text = html.content.decode()
    assert "7 usulan = 0 layak + 0 tidak layak + 7 belum diputuskan" in text
    assert "KPJ 23011234567" in text
    assert "BPJS Ketenagakerjaan per" in text  # evidence: snapshot source and date
    assert "Gunawan Hadi" in text


def test_the_results_filter_by_code(scenario: Scenario, run: VerificationRun) -> None:
    url = reverse("verification:results", args=[run.pk])
    text = _client(scenario, "verifier").get(url, {"kode": "DECEASED"}).content.decode()
    assert "Joko Susilo" in text and "Ahmad Fauzi" not in text


def test_a_village_sees_the_reasons_of_its_own_proposals_only(
    scenario: Scenario, run: VerificationRun
) -> None:
    client = _client(scenario, "desa")
    own = client.get(reverse("proposals:detail", args=[scenario.proposal(2).pk]))
    assert "Terdaftar aktif di BPJS" in own.content.decode()
    assert "Layak" not in own.content.decode()  # no decision buttons for a village
    other = client.get(reverse("proposals:detail", args=[scenario.proposal(4).pk]))
    assert other.status_code == 404
    # The period run covers the regency: not the village's to open.
    assert client.get(run.get_absolute_url()).status_code == 404


def test_the_kecamatan_queue_holds_its_villages_only(
    scenario: Scenario, run: VerificationRun
) -> None:
    text = _client(scenario, "kecamatan").get(reverse("verification:kecamatan")).content.decode()
    assert "Ahmad Fauzi" in text and "Yohanes Simanjuntak" in text  # villages A and A2
    assert "Dedi Kurniawan" not in text  # village B


def test_the_kecamatan_forwards_and_returns_several_at_once(
    scenario: Scenario, run: VerificationRun
) -> None:
    client = _client(scenario, "kecamatan")
    one, two = scenario.proposal(1), scenario.proposal(2)
    form = {"proposal": [one.pk, two.pk], f"version-{one.pk}": 2, f"version-{two.pk}": 2}
    refused = client.post(reverse("verification:kecamatan_act"), form | {"action": "return"})
    assert refused.status_code == 302
    assert scenario.proposal(1).status == ProposalStatus.VERIFIED  # a return needs a note
    client.post(reverse("verification:kecamatan_act"), form | {"action": "forward"})
    assert scenario.proposal(1).status == scenario.proposal(2).status == ProposalStatus.FORWARDED


def test_a_ticked_row_that_cannot_be_read_is_reported(
    scenario: Scenario, run: VerificationRun
) -> None:
    client = _client(scenario, "kecamatan")
    one = scenario.proposal(1)
    form = {"proposal": [one.pk, "1.234"], f"version-{one.pk}": 2, "action": "forward"}
    response = client.post(reverse("verification:kecamatan_act"), form, follow=True)
    assert scenario.proposal(1).status == ProposalStatus.FORWARDED
    assert "1 pilihan tidak terbaca" in response.content.decode()


def test_a_stale_page_gets_the_conflict_message(scenario: Scenario, run: VerificationRun) -> None:
    client = _client(scenario, "verifier")
    proposal = scenario.proposal(1)
    url = reverse("verification:decide", args=[proposal.pk])
    client.post(url, {"decision": "eligible", "version": proposal.version})
    response = client.post(url, {"decision": "eligible", "version": proposal.version}, follow=True)
    assert "baru saja diubah oleh orang lain" in response.content.decode()
    assert scenario.proposal(1).version == proposal.version + 1


def test_the_verifier_resolves_a_match_side_by_side(
    scenario: Scenario, run: VerificationRun
) -> None:
    client = _client(scenario, "verifier")
    queue = client.get(reverse("verification:clerical")).content.decode()
    finding = Finding.objects.get(code="NAME_MISMATCH")
    assert reverse("verification:match", args=[finding.pk]) in queue
    page = client.get(reverse("verification:match", args=[finding.pk])).content.decode()
    assert "Yohanes Simanjuntak" in page and "Gunawan Hadi" in page
    # Both full NIKs are on the page: the view is in the audit log.
    seen = AuditEvent.objects.filter(action=AuditEvent.Action.NIK_VIEW, object_type="proposal")
    assert list(seen.values_list("object_id", flat=True)) == [str(scenario.proposal(7).pk)]
    version = scenario.proposal(7).version
    client.post(
        reverse("verification:match", args=[finding.pk]),
        {"same": "yes", "version": version, "note": "Nama panggilan."},
    )
    finding.refresh_from_db()
    assert finding.resolution == "confirmed" and finding.resolution_note == "Nama panggilan."
    assert scenario.proposal(7).status == ProposalStatus.VERIFIED


def test_the_verifier_overrides_then_decides_from_the_results_page(
    scenario: Scenario, run: VerificationRun
) -> None:
    client = _client(scenario, "verifier")
    finding = Finding.objects.get(code="BPJS_ACTIVE")
    proposal = scenario.proposal(2)
    client.post(
        reverse("verification:override", args=[finding.pk]),
        {"note": "Sudah berhenti jadi peserta.", "version": proposal.version},
    )
    client.post(
        reverse("verification:decide", args=[proposal.pk]),
        {"decision": "eligible", "version": proposal.version + 1},
    )
    assert scenario.proposal(2).status == ProposalStatus.ELIGIBLE


@pytest.mark.parametrize("role", ["auditor", "leadership"])
def test_read_only_roles_read_results_but_get_403_on_every_action(
    scenario: Scenario, run: VerificationRun, role: str
) -> None:
    client = _client(scenario, role)
    assert client.get(reverse("verification:results", args=[run.pk])).status_code == 200
    finding = Finding.objects.get(code="BPJS_ACTIVE")
    proposal = scenario.proposal(1)
    posts = [
        (reverse("verification:start"), {"period": scenario.period.pk}),
        (reverse("verification:kecamatan_act"), {"action": "forward", "proposal": proposal.pk}),
        (reverse("verification:decide", args=[proposal.pk]), {"decision": "eligible"}),
        (reverse("verification:return", args=[proposal.pk]), {"note": "x"}),
        (reverse("verification:override", args=[finding.pk]), {"note": "x"}),
        (reverse("verification:match", args=[finding.pk]), {"same": "yes"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("verification:clerical")).status_code == 403
    assert VerificationRun.objects.count() == 1
    assert scenario.proposal(1).status == ProposalStatus.VERIFIED


def test_a_village_cannot_start_a_run_or_reach_the_dinas_pages(scenario: Scenario) -> None:
    client = _client(scenario, "desa")
    assert client.post(reverse("verification:start"), {"batch": 1}).status_code == 403
    assert client.get(reverse("verification:decisions")).status_code == 403
    assert client.get(reverse("verification:kecamatan")).status_code == 403

"""`lindung proposals verify`: runs the job here and now and prints the counts."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.proposals.models import ProposalStatus
from lindung.references.models import ReferenceKind, Snapshot
from lindung.verification.models import VerificationRun
from lindung.verification.tests.conftest import Scenario

pytestmark = pytest.mark.django_db


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("proposals", "verify", *args, stdout=out)
    return out.getvalue()


def test_verify_batch_json_reports_the_counts(scenario: Scenario) -> None:
    payload = json.loads(_verify("--batch", str(scenario.batches["B"].pk), "--json"))
    assert payload["proposals"] == 3
    assert payload["ok"] + payload["warn"] + payload["review"] + payload["reject"] == 3
    assert (payload["DESIL_ABOVE_LIMIT"], payload["EXCLUDED"], payload["NOT_IN_REGISTRY"]) == (
        1,
        1,
        1,
    )
    assert payload["seconds"]["total"] > 0
    assert VerificationRun.objects.get().pk == payload["run_id"]
    assert scenario.proposal(4).status == ProposalStatus.VERIFIED


def test_verify_period_prints_a_sentence(scenario: Scenario) -> None:
    text = _verify("--period", str(scenario.period.pk))
    assert "7 usulan = 1 bersih + 0 peringatan + 1 perlu diperiksa petugas + 5" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--batch", "999"), "Kiriman 999 tidak ada"),
        (("--batch", "abc"), "harus angka"),
        (("--period", "999"), "Periode 999 tidak ada"),
    ],
)
def test_verify_refuses_bad_input_with_exit_code_2(
    scenario: Scenario, args: tuple[str, str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _verify(*args)
    assert raised.value.returncode == 2


def test_verify_without_the_registry_says_what_to_import(scenario: Scenario) -> None:
    Snapshot.objects.filter(kind=ReferenceKind.WELFARE).update(status="failed")
    with pytest.raises(CommandError, match="impor data kesejahteraan") as raised:
        _verify("--batch", str(scenario.batches["A"].pk))
    assert raised.value.returncode == 2

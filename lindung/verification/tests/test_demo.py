"""The demo's verification step: villages propose, the run finds real cases, people act."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lindung.core import demo
from lindung.proposals.models import Proposal
from lindung.verification.models import Finding, VerificationRun

pytestmark = pytest.mark.django_db


def test_the_demo_verifies_every_villages_proposals(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    # build_demo runs the verification step with the demo's own population.
    summary = demo.build_demo(people=1_500, seed=3)
    found = summary["verification"]
    assert found["rows"] == found["accepted"] + found["rejected"] + found["duplicates"]
    # Later, villages short of eligible workers propose more (the membership demo's top-up).
    topped_up = summary["membership"]["topped_up"]["proposals"]
    assert found["proposals"] == found["accepted"] == Proposal.objects.count() - topped_up
    assert found["verified"] + found["review"] == found["proposals"]
    assert Proposal.objects.values("village").distinct().count() > 100
    run = VerificationRun.objects.order_by("id").first()
    assert run is not None
    assert run.snapshots.count() == 4
    assert Finding.objects.filter(code="NOT_IN_REGISTRY").exists()
    assert sum(found["findings"].values()) == Finding.objects.filter(run=run).count()
    assert found["reviewed"]["forwarded"] > 0

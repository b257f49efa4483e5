"""A programme decides how hard each finding weighs (its Perbup's rules)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lindung.accounts.tests.helpers import client_for
from lindung.programs.services import programme_set_severities
from lindung.verification.models import Finding
from lindung.verification.services import rules_for, verification_run
from lindung.verification.tests.conftest import Scenario


def test_a_programme_can_make_an_active_bpjs_participant_a_warning(scenario: Scenario) -> None:
    programme_set_severities(
        actor=scenario.users["manager"],
        programme=scenario.programme,
        severities={"BPJS_ACTIVE": "warn", "DECEASED": "reject"},
    )
    scenario.programme.refresh_from_db()
    # Only what differs from the defaults is stored.
    assert scenario.programme.check_severities == {"BPJS_ACTIVE": "warn"}
    assert rules_for(scenario.programme, scenario.period).severity("BPJS_ACTIVE") == "warn"
    verification_run(actor=scenario.users["verifier"], period=scenario.period)
    assert Finding.objects.get(code="BPJS_ACTIVE").severity == "warn"
    history = scenario.programme.history.first()
    assert history is not None and history.history_user == scenario.users["manager"]


def test_unknown_codes_and_levels_are_refused_naming_them(scenario: Scenario) -> None:
    with pytest.raises(ValidationError) as error:
        programme_set_severities(
            actor=scenario.users["manager"],
            programme=scenario.programme,
            severities={"NOT_A_CODE": "warn", "DECEASED": "ignore"},
        )
    assert "NOT_A_CODE" in str(error.value) and "DECEASED" in str(error.value)
    scenario.programme.refresh_from_db()
    assert scenario.programme.check_severities == {}


def test_the_manager_sets_levels_on_a_page_and_an_auditor_may_not(scenario: Scenario) -> None:
    url = reverse("verification:severities", args=[scenario.programme.pk])
    manager = client_for(scenario.users["manager"])
    assert "BPJS_ACTIVE" in manager.get(url).content.decode()
    manager.post(url, {"BPJS_ACTIVE": "review"})
    scenario.programme.refresh_from_db()
    assert scenario.programme.check_severities == {"BPJS_ACTIVE": "review"}
    auditor = client_for(scenario.users["auditor"])
    assert auditor.post(url, {"BPJS_ACTIVE": "warn"}).status_code == 403
    scenario.programme.refresh_from_db()
    assert scenario.programme.check_severities == {"BPJS_ACTIVE": "review"}

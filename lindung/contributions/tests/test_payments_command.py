"""`lindung payment record|void` and `lindung forecast`."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lindung.contributions.forecast import budget_warnings_raise
from lindung.contributions.models import Payment
from lindung.contributions.tests.conftest import Billable
from lindung.contributions.tests.payments_helpers import BILL_TOTAL, bills


def run(*args: str) -> Any:
    out = StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def record_args(
    billable: Billable, *bill_specs: str, amount: int, number: str = "001"
) -> list[str]:
    args = [
        "payment",
        "record",
        "--programme",
        str(billable.programme.pk),
        "--budget-line",
        str(billable.budget_line.pk),
        "--sp2d",
        number,
        "--date",
        "2025-11-14",
        "--amount",
        str(amount),
        "--user",
        billable.users["finance"].username,
    ]
    for spec in bill_specs:
        args += ["--bill", spec]
    return args


def test_record_pays_a_bill_in_full_or_the_amount_given(billable: Billable) -> None:
    october, november = bills(billable, 2)
    data = run(
        *record_args(billable, str(october.pk), f"{november.pk}:1000", amount=BILL_TOTAL + 1000)
    )
    assert set(data) == {
        "payment",
        "sp2d_number",
        "sp2d_date",
        "amount",
        "budget_line",
        "voided",
        "allocations",
    }
    assert data["allocations"] == {str(october.pk): BILL_TOTAL, str(november.pk): 1000}
    assert Payment.objects.get().created_by == billable.users["finance"]


def test_a_refused_record_says_why_and_writes_nothing(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    with pytest.raises(CommandError, match="tidak sama") as error:
        call_command(*record_args(billable, str(october.pk), amount=1))
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="tidak ada"):
        call_command(*record_args(billable, "999999", amount=1))
    assert not Payment.objects.exists()


def test_void_cancels_a_payment(billable: Billable) -> None:
    (october,) = bills(billable, 1)
    paid = run(*record_args(billable, str(october.pk), amount=BILL_TOTAL))
    data = run("payment", "void", "--payment", str(paid["payment"]), "--reason", "Salah")
    assert data["voided"] is True and Payment.objects.get().void_reason == "Salah"


def test_forecast_reports_position_forecast_and_warnings(billable: Billable) -> None:
    bills(billable, 2)
    budget_warnings_raise(billable.programme, date(2025, 12, 1))
    data = run("forecast", "--programme", str(billable.programme.pk), "--target", "20")
    assert set(data) == {"programme", "position", "arrears", "forecast", "warnings"}
    assert data["position"][0]["remaining"] == BILL_TOTAL
    assert [a["outstanding"] for a in data["arrears"]] == [BILL_TOTAL, BILL_TOTAL]
    assert data["forecast"]["months_left"] == 1
    assert data["forecast"]["next_year"]["target"] == 20
    assert [w["months_left"] for w in data["warnings"]] == [1]
    text = StringIO()
    call_command("forecast", "--programme", str(billable.programme.pk), stdout=text)
    assert "PERINGATAN" in text.getvalue()
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("forecast", "--programme", "999999")

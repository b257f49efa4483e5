"""Payments, budget position and forecast on PostgreSQL at scale.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \
         bench/bench_payments.py [--members N]
A scratch database `lindung_bench_payments` set up as bench_billing_pg.py does (Kabupaten
Bandung, N registered members, default 1,000,000), an approved APBD 2026 line for twelve
months of them, and two months billed and approved through the billing service (not
measured). Timed, as the pages and commands call them:
- `payment_record`: one SP2D paying September in full and half of October;
- `budget_position`, `arrears_by_month`: the budget page's tables;
- `programme_forecast`: active members counted per sector over N memberships;
- `budget_warnings_raise`: what each bill approval runs;
- `coverage_months`: one member's months on the member page (over 2N bill lines).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pg_scratch

DATABASE = "lindung_bench_payments"
MONTHS = (date(2026, 9, 1), date(2026, 10, 1))


def _billing_bench() -> Any:
    return pg_scratch.billing_bench(DATABASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.members)))
        return
    result = {"bench": "payments_postgresql", "cpus": os.cpu_count()}
    result |= pg_scratch.measure_in_scratch(
        server=pg_scratch.require_server(),
        script=__file__,
        database=DATABASE,
        regency=_billing_bench().REGENCY,
        child_args=["--members", str(args.members)],
    )
    print(json.dumps(result))


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = call()
    return value, round(time.perf_counter() - started, 3)


def _measure(members: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from lindung.contributions import forecast, payments
    from lindung.contributions.billing import bill_approve, bill_draft
    from lindung.contributions.models import BillLine
    from lindung.membership.models import Membership
    from lindung.programs.models import BudgetStatus, FundingSource
    from lindung.programs.services import budget_line_create

    programme = _billing_bench()._setup(members)
    line = budget_line_create(
        actor=None,
        programme=programme,
        fiscal_year=2026,
        funding_source=FundingSource.APBD,
        pagu=members * 16_800 * 12,
        status=BudgetStatus.APPROVED,
        dpa_number="BENCH/DPA/2026",
    )
    bills = []
    for month in MONTHS:
        draft = bill_draft(actor=None, programme=programme, month=month)
        bills.append(bill_approve(actor=None, bill=draft, version=draft.version))
    first, second = bills
    half = second.total // 2
    payment, record_s = _timed(
        lambda: payments.payment_record(
            actor=None,
            programme=programme,
            budget_line=line,
            sp2d_number="001/SP2D-LS/2026",
            sp2d_date=date(2026, 11, 2),
            amount=first.total + half,
            allocations=[(first, first.total), (second, half)],
        )
    )
    positions, position_s = _timed(lambda: forecast.budget_position(programme))
    arrears, arrears_s = _timed(lambda: payments.arrears_by_month(programme))
    outlook, forecast_s = _timed(lambda: forecast.programme_forecast(programme))
    raised, warn_s = _timed(lambda: forecast.budget_warnings_raise(programme, outlook.month))
    member = Membership.objects.filter(programme=programme).order_by("pk")[members // 2]
    months, coverage_s = _timed(lambda: payments.coverage_months(member))
    return {
        "members": members,
        "bill_lines": BillLine.objects.count(),
        "payment_record_seconds": record_s,
        "paid": payment.amount,
        "budget_position_seconds": position_s,
        "position": positions[0].as_dict(),
        "arrears_seconds": arrears_s,
        "outstanding": sum(a.outstanding for a in arrears),
        "forecast_seconds": forecast_s,
        "forecast": {
            k: outlook.as_dict()[k]
            for k in ("month", "active", "monthly_cost", "months_left", "carry_to_year_end")
        },
        "warnings_raise_seconds": warn_s,
        "warnings": len(raised),
        "coverage_months_seconds": coverage_s,
        "coverage_months": len(months),
    }


if __name__ == "__main__":
    main()

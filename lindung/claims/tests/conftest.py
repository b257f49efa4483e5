"""Claims tests work on the contributions tests' Seluma programme: 8 members registered at
BPJS from 1 October 2025 (village A Niur: serials 1-3, A2 Lubuk Sahung: 6-7, B Pasar Tais:
8-10). `covered` adds approved bills for October-December 2025, October and November paid
in full, December billed but not paid."""

from __future__ import annotations

from datetime import date

from lindung.claims import services
from lindung.claims.models import Claim, ClaimBenefit
from lindung.contributions.models import Bill, Payment, PaymentAllocation
from lindung.contributions.tests.conftest import Billable, billable  # noqa: F401
from lindung.contributions.tests.payments_helpers import make_bill
from lindung.core.tests.worlds import shared_world
from lindung.membership.tests.conftest import Determined, determined, proposed  # noqa: F401

OCT, NOV, DEC, JAN = date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)
ACCIDENT = date(2025, 11, 10)  # in a billed and paid month


def pay_bill(covered: Billable, bill: Bill, amount: int | None = None) -> Payment:
    """An SP2D for `bill`, written directly (the payment service has its own tests)."""
    payment = Payment.objects.create(
        programme=covered.programme,
        budget_line=covered.budget_line,
        sp2d_number=f"{bill.month:%Y%m}/SP2D/{Payment.objects.count() + 1}",
        sp2d_date=bill.month.replace(day=20),
        amount=amount or bill.total,
    )
    PaymentAllocation.objects.create(payment=payment, bill=bill, amount=payment.amount)
    return payment


@shared_world
def covered(billable: Billable) -> Billable:  # noqa: F811
    october, november = make_bill(billable, OCT), make_bill(billable, NOV)
    make_bill(billable, DEC)
    pay_bill(billable, october)
    pay_bill(billable, november)
    return billable


def open_jkk(
    covered: Billable,
    serial: int = 2,
    *,
    role: str = "desa",
    event_date: date = ACCIDENT,
    **fields: object,
) -> Claim:
    values: dict[str, object] = {
        "event_place": "Kebun sawit Desa Niur",
        "description": "Terjatuh dari pohon sawit.",
        "reporter_name": "Sumarni",
        "reporter_phone": "0812 7300 1122",
    } | fields
    return services.claim_open(
        actor=covered.users[role],
        membership=covered.member(serial),
        benefit=ClaimBenefit.JKK,
        event_date=event_date,
        **values,  # type: ignore[arg-type]
    )


def open_jkm(covered: Billable, serial: int = 2, *, role: str = "desa") -> Claim:
    return services.claim_open(
        actor=covered.users[role],
        membership=covered.member(serial),
        benefit=ClaimBenefit.JKM,
        event_date=date(2025, 11, 20),
        reporter_name="Sumarni (istri)",
    )


def receive_required(claim: Claim, role_user: object = None, on: date = date(2025, 12, 1)) -> Claim:
    codes = list(claim.documents.filter(required=True).values_list("code", flat=True))
    return services.claim_document_receive(
        actor=role_user,  # type: ignore[arg-type]
        claim=claim,
        expected_version=claim.version,
        codes=codes,
        received_on=on,
    )


def add_heir(claim: Claim) -> None:
    services.claim_heir_add(
        actor=None,
        claim=claim,
        expected_version=claim.version,
        name="Sumarni",
        relation="spouse",
    )


def to_submitted(claim: Claim, reference: str = "JKK/1705/2025/000001") -> Claim:
    """Through the checklist and BPJS submission as the system."""
    if claim.benefit == ClaimBenefit.JKM:
        add_heir(claim)
    claim = receive_required(claim)
    claim = services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    return services.claim_submit(
        actor=None,
        claim=claim,
        expected_version=claim.version,
        bpjs_reference=reference,
        submitted_on=date(2025, 12, 5),
    )

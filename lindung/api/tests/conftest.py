"""Seluma's billable test programme (contributions/tests/conftest.py) seen through the API:
8 members in villages A (3), A2 (2) and B (3), an approved October bill, a JKM claim of a
member of A with an heir and a JKK claim of a member of B, one verification finding on
serial 1's proposal, and a token for every role (plus a desa operator of A2, whose village
still has places left in the period: A is full, B has one place)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lindung.accounts.models import Role, User
from lindung.accounts.tests.helpers import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_user
from lindung.api.tokens import token_create
from lindung.claims.models import Claim, ClaimBenefit, ClaimHeir, HeirRelation
from lindung.contributions.models import Bill
from lindung.contributions.tests.bills_helpers import OCT, approved_bill
from lindung.contributions.tests.conftest import Billable, billable  # noqa: F401
from lindung.core.tests.worlds import shared_world
from lindung.membership.models import Membership
from lindung.membership.tests.conftest import determined, nik, proposed  # noqa: F401
from lindung.people.nik import compose_nik
from lindung.proposals.models import Proposal
from lindung.verification.models import Finding, RunStatus, Severity, VerificationRun

HEIR_NIK = compose_nik("17.05.01", date(1988, 5, 9), "P", 21)
ROLES = [
    "admin",
    "manager",
    "verifier",
    "finance",
    "bpjs",
    "auditor",
    "leadership",
    "kecamatan",
    "desa",
    "desa_b",
    "desa_a2",
]


@dataclass
class Api:
    """The world, its keys by role, and what the tests look up."""

    billable: Billable
    keys: dict[str, str]
    bill: Bill
    claim_a: Claim
    claim_b: Claim
    found_on: Proposal
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def users(self) -> dict[str, User]:
        return self.billable.users

    def client(self, role: str, language: str = "") -> Client:
        headers = {"Authorization": f"Bearer {self.keys[role]}"}
        if language:
            headers["Accept-Language"] = language
        return Client(headers=headers)

    def get(self, role: str, url: str, **params: Any) -> Any:
        return self.client(role).get(url, params)

    def post(self, role: str, url: str, body: Any) -> Any:
        return self.client(role).post(url, body, content_type="application/json")

    def member(self, serial: int) -> Membership:
        return Membership.objects.get(nik=nik(serial))


@shared_world
def api(billable: Billable) -> Api:  # noqa: F811
    billable.users["desa_a2"] = make_user(Role.DESA, VILLAGE_A2)
    keys = {
        role: token_create(actor=None, user=billable.users[role], name=f"uji {role}").key
        for role in ROLES
    }
    bill = approved_bill(billable, OCT)
    member_a = Membership.objects.filter(village_id=VILLAGE_A).order_by("id").first()
    member_b = Membership.objects.filter(village_id=VILLAGE_B).order_by("id").first()
    assert member_a is not None and member_b is not None
    claim_a = Claim.objects.create(
        membership=member_a, benefit=ClaimBenefit.JKM, event_date=date(2025, 11, 3)
    )
    ClaimHeir.objects.create(
        claim=claim_a, name="Sri Wahyuni", relation=HeirRelation.SPOUSE, nik=HEIR_NIK
    )
    claim_b = Claim.objects.create(
        membership=member_b, benefit=ClaimBenefit.JKK, event_date=date(2025, 12, 1)
    )
    proposal = Proposal.objects.get(nik=nik(1))
    run = VerificationRun.objects.create(
        programme=billable.programme,
        period=billable.period,
        area_id="17.05",
        status=RunStatus.DONE,
    )
    Finding.objects.create(
        run=run,
        proposal=proposal,
        code="ALREADY_MEMBER",
        severity=Severity.REJECT,
        message="Sudah menjadi peserta aktif program ini; tidak perlu diusulkan lagi.",
        template="already_member_same",
        params={},
    )
    return Api(billable, keys, bill, claim_a, claim_b, proposal)


NEW_NIK = compose_nik("17.05.01", date(1980, 4, 17), "L", 77)


@pytest.fixture
def proposal_body(api: Api) -> Any:
    """A valid proposal body for village A2 (which has places left), to vary per test."""

    def body(**changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "programme": api.billable.programme.pk,
            "village": VILLAGE_A2,
            "nik": NEW_NIK,
            "name": "Slamet Riyadi",
            "birth_place": "Tais",
            "birth_date": "1980-04-17",
            "sex": "L",
            "occupation": "Petani",
            "kk": "",
            "address": "Jl. Desa No. 77",
            "phone": "081234567777",
        }
        return {k: v for k, v in (values | changes).items() if v is not ...}

    return body

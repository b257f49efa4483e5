"""Seluma's claims register after the first stage: the JKM cases January's death exits
opened, and two work accidents in the covered months.

- JKM (the deaths confirmed from Dukcapil's January 2026 extract): heirs are recorded and
  the documents received for each; the first case goes to BPJS and is paid Rp42.000.000
  (lump sum, periodic and funeral: PP 82/2019; no scholarship, since only 3 months were
  paid); the second waits at "documents complete"; any further one stays reported with
  part of its documents.
- JKK: a farmer falls from an oil palm in November 2025 (paid: medical care and land
  transport); a motorbike accident in December 2025 is rejected by BPJS (a private trip,
  not work). Both members were registered and their months billed and paid.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from lindung.accounts.models import User
from lindung.accounts.scoping import can_see_area
from lindung.claims import selectors, services
from lindung.claims.models import Claim, ClaimBenefit, ClaimSource, HeirRelation
from lindung.contributions.models import BillLine, BillStatus
from lindung.membership.models import Membership, MemberStatus
from lindung.people.nik import compose_nik
from lindung.programs.models import Programme

DEMO_USERS = {"manager": "dinas", "verifier": "verifikator", "bpjs": "bpjs", "desa": "desa.niur"}
ACCIDENT = date(2025, 11, 10)
ROAD_ACCIDENT = date(2025, 12, 3)
# Spouse and first child of each deceased member, in the order of the death cases.
_HEIRS = [
    (("Sumarni", "P", date(1975, 4, 9)), ("Rini Astuti", "P", date(2001, 8, 17))),
    (("Suryadi", "L", date(1970, 2, 14)), ("Andi Saputra", "L", date(1998, 12, 2))),
    (("Marlina", "P", date(1980, 6, 23)), ("Dewi Lestari", "P", date(2004, 3, 30))),
]


def build_claims_demo(
    *, programme: Programme, users: Mapping[str, User] | None = None
) -> dict[str, Any]:
    """Work the programme's death cases and open two JKK cases. `users` maps manager,
    verifier, bpjs and desa to who acts (default: the demo's users)."""
    started = time.perf_counter()
    actors = dict(users or {k: User.objects.get(username=v) for k, v in DEMO_USERS.items()})
    deaths = list(
        Claim.objects.filter(
            membership__programme=programme,
            benefit=ClaimBenefit.JKM,
            source=ClaimSource.DEATH_RECORD,
        )
        .select_related("membership")
        .order_by("event_date", "id")
    )
    for n, claim in enumerate(deaths):
        _work_death(actors, claim, n)
    accidents = _accidents(actors, programme)
    claims = selectors.claims_for(
        actors["manager"], programme_id=programme.pk
    )  # the Dinas sees the whole regency
    totals = selectors.register_totals(claims)
    return {
        "claims_total": totals.count,
        "claims_paid": totals.paid,
        "claims": {
            "jkm_from_deaths": len(deaths),
            "jkk_opened": accidents,
            "by_status": dict(
                Claim.objects.filter(membership__programme=programme)
                .order_by()
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            ),
            "totals": totals.as_dict(),
            "seconds": round(time.perf_counter() - started, 2),
        },
    }


def _work_death(actors: Mapping[str, User], claim: Claim, n: int) -> None:
    member = claim.membership
    verifier, manager, bpjs = actors["verifier"], actors["manager"], actors["bpjs"]
    received = claim.event_date + timedelta(days=12)
    if n >= 2:  # a later case still gathering its documents
        services.claim_document_receive(
            actor=verifier,
            claim=claim,
            expected_version=claim.version,
            codes=["akta_kematian", "ktp_kk_peserta"],
            received_on=received,
        )
        return
    district = member.village_id[:8]
    for (name, sex, born), relation in zip(
        _HEIRS[n % len(_HEIRS)], (HeirRelation.SPOUSE, HeirRelation.CHILD), strict=True
    ):
        services.claim_heir_add(
            actor=verifier,
            claim=claim,
            expected_version=claim.version,
            name=name.upper(),
            relation=relation,
            nik=compose_nik(district, born, sex, 200 + n),
            phone=f"08127{member.pk % 100_000:05d}{n}",
            address=member.address,
        )
    required = list(claim.documents.filter(required=True).values_list("code", flat=True))
    claim = services.claim_document_receive(
        actor=verifier,
        claim=claim,
        expected_version=claim.version,
        codes=required,
        received_on=received,
    )
    claim = services.claim_complete(actor=manager, claim=claim, expected_version=claim.version)
    if n == 1:
        return  # waits at "documents complete" for the BPJS liaison
    submitted = received + timedelta(days=4)
    claim = services.claim_submit(
        actor=bpjs,
        claim=claim,
        expected_version=claim.version,
        bpjs_reference=f"JKM/1705/{submitted:%Y}/{claim.pk:06d}",
        submitted_on=submitted,
    )
    paid_on = submitted + timedelta(days=14)
    for component in claim.components.exclude(expected_amount=None).order_by("id"):
        services.claim_component_record(
            actor=bpjs,
            claim=claim,
            expected_version=claim.version,
            kind=component.kind,
            paid_amount=component.expected_amount,
            paid_on=paid_on,
        )
    services.claim_pay(actor=bpjs, claim=claim, expected_version=claim.version, decided_on=paid_on)


def _covered_members(programme: Programme, month: date) -> list[Membership]:
    """Registered members whose contribution for `month` is on an approved bill: those in
    the desa operator's village first, so the village sees a case of its own."""
    billed = BillLine.objects.filter(month=month, bill__status=BillStatus.APPROVED).values(
        "membership_id"
    )
    members = Membership.objects.filter(
        programme=programme,
        status=MemberStatus.REGISTERED,
        coverage_start__lte=month,
        pk__in=billed,
    ).select_related("village")
    return list(members.order_by("village_id", "rank", "id")[:400])


def _accidents(actors: Mapping[str, User], programme: Programme) -> int:
    candidates = _covered_members(programme, ACCIDENT.replace(day=1))
    if len(candidates) < 2:
        return 0
    desa = actors["desa"]
    mine = [m for m in candidates if can_see_area(desa, m.village_id)]
    farmer = mine[0] if mine else candidates[0]
    rider = next(m for m in reversed(candidates) if m.pk != farmer.pk)
    _paid_accident(actors, farmer)
    _rejected_accident(actors, rider)
    return 2


def _reporter(actors: Mapping[str, User], member: Membership) -> User:
    desa = actors["desa"]
    return desa if can_see_area(desa, member.village_id) else actors["verifier"]


def _file(actors: Mapping[str, User], claim: Claim, codes: list[str], on: date) -> Claim:
    claim = services.claim_document_receive(
        actor=_reporter(actors, claim.membership),
        claim=claim,
        expected_version=claim.version,
        codes=codes,
        received_on=on,
    )
    return services.claim_complete(
        actor=actors["manager"], claim=claim, expected_version=claim.version
    )


def _paid_accident(actors: Mapping[str, User], member: Membership) -> None:
    claim = services.claim_open(
        actor=_reporter(actors, member),
        membership=member,
        benefit=ClaimBenefit.JKK,
        event_date=ACCIDENT,
        event_place=f"Kebun sawit, {member.village.name}",
        description=(
            "Terjatuh dari pohon sawit saat memanen; patah tulang lengan kanan, dirawat di "
            "RSUD Tais."
        ),
        reporter_name="Kepala Dusun II",
        reporter_phone="081273001122",
        reported_on=ACCIDENT + timedelta(days=1),
    )
    required = list(claim.documents.filter(required=True).values_list("code", flat=True))
    claim = _file(actors, claim, [*required, "kuitansi"], date(2025, 11, 20))
    bpjs = actors["bpjs"]
    claim = services.claim_submit(
        actor=bpjs,
        claim=claim,
        expected_version=claim.version,
        bpjs_reference=f"JKK/1705/2025/{claim.pk:06d}",
        submitted_on=date(2025, 11, 24),
    )
    paid_on = date(2025, 12, 15)
    for kind, amount, note in (
        ("jkk_medical", 7_850_000, "RSUD Tais, rawat inap 6 hari"),
        ("jkk_transport", 450_000, "Ambulans desa ke RSUD Tais (darat)"),
    ):
        services.claim_component_record(
            actor=bpjs,
            claim=claim,
            expected_version=claim.version,
            kind=kind,
            paid_amount=amount,
            paid_on=paid_on,
            note=note,
        )
    services.claim_pay(actor=bpjs, claim=claim, expected_version=claim.version, decided_on=paid_on)


def _rejected_accident(actors: Mapping[str, User], member: Membership) -> None:
    claim = services.claim_open(
        actor=_reporter(actors, member),
        membership=member,
        benefit=ClaimBenefit.JKK,
        event_date=ROAD_ACCIDENT,
        event_place="Jalan lintas Tais-Bengkulu",
        description="Kecelakaan sepeda motor; luka di kaki kiri.",
        reporter_name="Istri peserta",
        reported_on=ROAD_ACCIDENT + timedelta(days=2),
    )
    required = list(claim.documents.filter(required=True).values_list("code", flat=True))
    claim = _file(actors, claim, [*required, "laporan_polisi"], date(2025, 12, 10))
    bpjs = actors["bpjs"]
    claim = services.claim_submit(
        actor=bpjs,
        claim=claim,
        expected_version=claim.version,
        bpjs_reference=f"JKK/1705/2025/{claim.pk:06d}",
        submitted_on=date(2025, 12, 15),
    )
    services.claim_reject(
        actor=bpjs,
        claim=claim,
        expected_version=claim.version,
        reason=(
            "Hasil investigasi BPJS: kecelakaan terjadi dalam perjalanan pribadi, bukan "
            "dalam hubungan kerja."
        ),
        decided_on=date(2026, 1, 8),
    )

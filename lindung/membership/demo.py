"""The demo's back half: from the verified Seluma proposals to insured members and the
first changes, on the timeline of Seluma's first stage (October-December 2025).

1. The Dinas verifier decides the plain cases in bulk (clean -> eligible, reject findings ->
   not eligible); open clerical cases stay for the review screens. Villages short of
   twelve eligible workers propose more, and those are verified and decided too.
2. The APBD 2025 line pays 2,020 members x Rp16.800 x 3 months (Rp101.808.000); the
   manager determines the period: 10 per village, lowest desil first, the rest waiting.
3. Decree 1 (Keputusan Bupati, 26 September 2025) is recorded and its attachment rendered
   (PDF and XLSX kept in var/demo/).
4. The collective registration file goes to BPJS in September; a simulated result comes back
   with a few rejections: one is corrected, the others are replaced from their villages'
   waiting lists and registered from 1 October as well; amendment 1 lists those changes.
   All 2,020 places are covered October-December.
5. Month 4 (January 2026): Dukcapil's death and move extracts are matched against the
   members; the Dinas confirms the exits (a JKM case opens for each death), the places go
   to the next on each village's waiting list, registered from 1 February; amendment 2.
"""

from __future__ import annotations

import io
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count

from lindung.accounts.models import User
from lindung.claims.models import Claim
from lindung.membership import decree_render, decrees, registration, services
from lindung.membership.bpjs_simulator import simulate_result
from lindung.membership.determination import determination_commit
from lindung.membership.models import (
    ACTIVE_STATUSES,
    CandidateStatus,
    Decree,
    EndReason,
    ExitCandidate,
    Membership,
    MemberStatus,
    WaitingEntry,
)
from lindung.programs.models import BudgetLine, FundingSource, Programme, ProposalPeriod
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.references.models import ReferenceKind
from lindung.references.services import snapshot_import
from lindung.regions.models import Region
from lindung.verification.demo import propose_uploads
from lindung.verification.review import proposals_decide_bulk
from lindung.verification.services import verification_execute, verification_run

# Informal work the programme covers, as villages type it.
_TOP_UP_WORK = [
    "petani",
    "pekebun",
    "buruh harian lepas",
    "buruh tani",
    "pedagang keliling",
    "ojek",
    "pedagang kecil",
    "tukang bangunan",
    "nelayan",
    "peternak",
    "pemulung",
    "penjahit",
    "tukang becak",
    "juru parkir",
    "guru ngaji",
    "marbot",
    "sopir",
]

REGENCY = "17.05"
COVERAGE_START = date(2025, 10, 1)  # October-December 2025, from the APBD 2025 line
MONTHS = 3
SIGNER_NAME = "H. ABDUL RAHMAN, S.E., M.M."  # a made-up Bupati for the demo
SIGNER_TITLE = "BUPATI SELUMA"
DECREE_TITLE = (
    "Penetapan Peserta Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan yang Iurannya "
    "Dibayarkan oleh Pemerintah Kabupaten Seluma Tahun 2025"
)


def build_membership_demo(*, period: ProposalPeriod, population: pa.Table) -> dict[str, Any]:
    """Run determination, decree, registration and a round of exits on the demo period."""
    started = time.perf_counter()
    manager, verifier, bpjs = _user("dinas"), _user("verifikator"), _user("bpjs")
    programme = period.programme
    decided = _decide(verifier, period)
    topped_up = _top_up(verifier, period, population)
    # The programme demo's "Tahap 1" line: 2,020 members x Rp16.800 x 3 months.
    line = BudgetLine.objects.get(
        programme=programme, fiscal_year=COVERAGE_START.year, funding_source=FundingSource.APBD
    )
    determination = determination_commit(
        actor=manager, period=period, months=MONTHS, coverage_start=COVERAGE_START, budget_line=line
    )
    first = decrees.decree_issue(
        actor=manager,
        period=period,
        number="500.15/412/KPTS/B.5/2025",
        title=DECREE_TITLE,
        signed_on=date(2025, 9, 26),
        effective_on=COVERAGE_START,
        place="Tais",
        signer_name=SIGNER_NAME,
        signer_title=SIGNER_TITLE,
    )
    files = _save_attachment(first, "sk_penetapan")
    # September: the registration file goes out before coverage starts; BPJS's rejections
    # are fixed or replaced and the replacements registered from October too, so all 2,020
    # places are covered for the first three months.
    round_one = _register(bpjs, programme, reject_share=0.01, seed=1, start=COVERAGE_START)
    fixed = _handle_rejections(manager, bpjs, programme)
    round_one_b = _register(bpjs, programme, reject_share=0.0, seed=2, start=COVERAGE_START)
    second = _amend(
        manager,
        period,
        number="500.15/455/KPTS/B.5/2025",
        title=f"Perubahan atas Keputusan Bupati Seluma Nomor {first.number} tentang "
        + DECREE_TITLE,
        signed_on=date(2025, 10, 6),
        effective_on=COVERAGE_START,
    )
    # January 2026 (month 4): Dukcapil's extracts bring deaths and moves.
    exits = _exits(manager, verifier, programme)
    round_two = _register(bpjs, programme, reject_share=0.0, seed=3, start=date(2026, 2, 1))
    third = _amend(
        manager,
        period,
        number="500.15/061/KPTS/B.5/2026",
        title=f"Perubahan Kedua atas Keputusan Bupati Seluma Nomor {first.number} tentang "
        + DECREE_TITLE,
        signed_on=date(2026, 2, 9),
        effective_on=date(2026, 2, 1),
    )
    if third is not None:
        files |= _save_attachment(third, "sk_perubahan")
    members = Membership.objects.filter(programme=programme)
    proposals = Proposal.objects.filter(period=period)
    return {
        "proposals": proposals.count(),
        "eligible": proposals.filter(status=ProposalStatus.ELIGIBLE).count(),
        "not_eligible": proposals.filter(status=ProposalStatus.NOT_ELIGIBLE).count(),
        "pending": proposals.exclude(
            status__in=[ProposalStatus.ELIGIBLE, ProposalStatus.NOT_ELIGIBLE]
        ).count(),
        "determined": determination.counts["determined"],
        "waiting_list": determination.counts["waiting_list"],
        "registered": members.filter(status=MemberStatus.REGISTERED).count(),
        "active_members": members.filter(status__in=ACTIVE_STATUSES).count(),
        "membership": {
            "decided_in_bulk": decided,
            "topped_up": topped_up,
            "determination_id": determination.pk,
            "budget_line": line.pk,
            "monthly_cost": determination.counts["monthly_cost"],
            "decrees": [d.number for d in (first, second, third) if d is not None],
            "registration": {
                "first": round_one,
                "replacements": round_one_b,
                "after_exits": round_two,
                "corrections": fixed,
            },
            "exits": exits,
            "ended": dict(
                members.filter(status=MemberStatus.ENDED)
                .values_list("end_reason")
                .annotate(n=Count("id"))
                .values_list("end_reason", "n")
            ),
            "replacements": members.filter(replaces__isnull=False).count(),
            "waiting_left": WaitingEntry.objects.filter(
                determination=determination, status="waiting"
            ).count(),
            "jkm_claims": Claim.objects.filter(benefit="JKM").count(),
            "files": files,
            "seconds": round(time.perf_counter() - started, 2),
        },
    }


def _decide(verifier: User, period: ProposalPeriod) -> dict[str, int]:
    return {
        "eligible": proposals_decide_bulk(actor=verifier, period=period, eligible=True),
        "not_eligible": proposals_decide_bulk(actor=verifier, period=period, eligible=False),
    }


def _top_up(verifier: User, period: ProposalPeriod, population: pa.Table) -> dict[str, int]:
    """Villages with fewer than 12 eligible workers (10 places and two on the waiting list)
    propose more (places freed by the ones found not eligible), more carefully typed; each
    round is verified and decided like the first. Stops when every village has 12, or after
    three rounds."""
    # Ten places per village and two more on its waiting list, for the replacements below.
    quota = (period.programme.quota_size or 10) + 2
    proposed = set(Proposal.objects.filter(period=period).values_list("nik", flat=True))
    sent = rounds = 0
    for rounds in range(1, 4):
        short = _short_villages(period, quota)
        if not short:
            rounds -= 1
            break
        extra = _fresh_workers(population, short, proposed)
        proposed |= {str(n) for n in extra["nik"].to_pylist()}
        batches = propose_uploads(period.programme, period, extra, np.random.default_rng(rounds))
        sent += sum(b.accepted_count for b in batches)
        if batches:
            run = verification_run(actor=verifier, period=period, background=False)
            verification_execute(run.pk)
        _decide(verifier, period)
    return {"rounds": rounds, "proposals": sent, "short": len(_short_villages(period, quota))}


def _short_villages(period: ProposalPeriod, quota: int) -> dict[str, int]:
    """Village -> how many eligible workers it still lacks."""
    villages = Region.objects.within(REGENCY).filter(level=Region.Level.VILLAGE)
    eligible = dict(
        Proposal.objects.filter(period=period, status=ProposalStatus.ELIGIBLE)
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    return {
        code: quota - eligible.get(code, 0)
        for code in villages.values_list("code", flat=True)
        if eligible.get(code, 0) < quota
    }


def _fresh_workers(population: pa.Table, short: dict[str, int], proposed: set[str]) -> pa.Table:
    """Informal workers of each short village not proposed yet, 18-59 years old, two more
    than the village lacks."""
    candidates = population.filter(
        pc.and_(
            pc.and_(
                pc.is_in(population["kode_wilayah"], pa.array(list(short))),
                pc.invert(pc.is_in(population["nik"], pa.array(list(proposed), pa.string()))),
            ),
            pc.is_in(population["pekerjaan"], pa.array(_TOP_UP_WORK)),
        )
    )
    born = candidates["tanggal_lahir"]
    adult = pc.and_(
        pc.less_equal(born, pa.scalar(date(2008, 12, 31))),
        pc.greater(born, pa.scalar(date(1967, 1, 1))),
    )
    candidates = candidates.filter(adult)
    take = pa.table(
        {"village": candidates["kode_wilayah"], "i": pa.array(range(candidates.num_rows))}
    )
    rows: list[int] = []
    for village, missing in short.items():  # per village, not per row: at most 202 slices
        found = pc.filter(take["i"], pc.equal(take["village"], pa.scalar(village)))
        rows.extend(int(i) for i in found.to_pylist()[: missing + 2] if i is not None)
    chosen = candidates.take(pa.array(sorted(rows), pa.int64()))
    return chosen.append_column("desa", chosen["kode_wilayah"])


def _amend(manager: User, period: ProposalPeriod, **fields: Any) -> Decree | None:
    """An amendment when something changed since the last decree (a small demo may have no
    rejections or exits)."""
    pending = decrees.pending_changes(period)
    if not pending.ended and not pending.added:
        return None
    return decrees.decree_amend(
        actor=manager,
        period=period,
        place="Tais",
        signer_name=SIGNER_NAME,
        signer_title=SIGNER_TITLE,
        **fields,
    )


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _save_attachment(decree: Any, stem: str) -> dict[str, str]:
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    pdf, xlsx = folder / f"{stem}.pdf", folder / f"{stem}.xlsx"
    pdf.write_bytes(decree_render.attachment_pdf(decree, full_nik=False))
    xlsx.write_bytes(decree_render.attachment_xlsx(decree, full_nik=False))
    return {f"{stem}_pdf": str(pdf), f"{stem}_xlsx": str(xlsx)}


def _register(
    bpjs: User, programme: Programme, *, reject_share: float, seed: int, start: date
) -> dict[str, Any]:
    try:
        export, content, name = registration.registration_export(actor=bpjs, programme=programme)
    except ValidationError as error:  # nothing to send (a small demo without rejections)
        if error.code != "empty":
            raise
        return {"sent": 0}
    result = simulate_result(
        content, export.file_format, reject_share=reject_share, seed=seed, start=start
    )
    upload = registration.registration_import(
        actor=bpjs, programme=programme, data=result, file_name=f"hasil_{name}"
    )
    return {"sent": export.member_count, **upload.counts}


def _handle_rejections(manager: User, bpjs: User, programme: Programme) -> dict[str, int]:
    """The first rejection is a typo the village fixes; the rest are replaced."""
    rejected = list(
        Membership.objects.filter(programme=programme, status=MemberStatus.DETERMINED)
        .exclude(registration_problem="")
        .order_by("id")
    )
    corrected = replaced = 0
    for member in rejected[:1]:
        registration.registration_correct(
            actor=bpjs,
            membership=member,
            expected_version=member.version,
            phone="081234567890",
        )
        corrected += 1
    for member in rejected[1:]:
        ended = services.membership_end(
            actor=manager,
            membership=member,
            expected_version=member.version,
            reason=EndReason.BPJS_REJECTED,
            effective_on=COVERAGE_START,
            evidence="Hasil pendaftaran BPJS Ketenagakerjaan",
            note=member.registration_problem,
        )
        if services.replacement_candidate(ended) is not None:
            services.replacement_fill(actor=manager, ended=ended)
            replaced += 1
    return {"rejected": len(rejected), "corrected": corrected, "replaced": replaced}


def _exits(manager: User, verifier: User, programme: Programme) -> dict[str, int]:
    """Dukcapil's February extracts: three members died, two moved out of the regency and
    one moved to another village of Seluma (not an exit)."""
    # One member from each of six villages whose waiting list still has someone, so every
    # place is refilled.
    villages = (
        WaitingEntry.objects.filter(status="waiting")
        .order_by("village_id")
        .values_list("village_id", flat=True)
        .distinct()[:6]
    )
    registered = [
        person
        for village in villages
        for person in Membership.objects.filter(
            programme=programme, status=MemberStatus.REGISTERED, village_id=village
        )
        .order_by("id")
        .values("nik", "name", "birth_date", "sex", "village_id")[:1]
    ]
    elsewhere = Region.objects.filter(level=4, code__startswith="17.71.").order_by("code")[:2]
    inside = Region.objects.filter(level=4, code__startswith="17.05.").order_by("-code")[:1]
    goes = [*(f"{r.code} {r.name}, Kota Bengkulu" for r in elsewhere)]
    goes += [f"{r.code} {r.name}, Kabupaten Seluma" for r in inside]
    deaths, movers = registered[:3], registered[3:6]  # a small demo may have fewer
    moves = list(zip(movers, goes, strict=False))
    death_file = (
        None
        if not deaths
        else _extract(
            deaths, {"Tanggal Meninggal": [date(2026, 1, d) for d in (5, 12, 20)][: len(deaths)]}
        )
    )
    move_file = (
        None
        if not moves
        else _extract(
            [m for m, _ in moves],
            {
                "Tanggal Pindah": [date(2026, 1, 22)] * len(moves),
                "Tujuan Pindah": [c for _, c in moves],
            },
        )
    )
    found: dict[str, dict[str, int]] = {}
    for kind, source, data in (
        (ReferenceKind.DEATH, "Dukcapil Kabupaten Seluma", death_file),
        (ReferenceKind.MOVE, "Dukcapil Kabupaten Seluma", move_file),
    ):
        if data is None:
            found[kind] = {}
            continue
        snapshot = snapshot_import(
            actor=verifier,
            kind=kind,
            source=source,
            extracted_on=date(2026, 1, 31),
            area_code=REGENCY,
            file=data,
            filename=f"{kind}_januari_2026.csv",
        )
        found[kind] = services.exits_from_snapshot(actor=verifier, snapshot=snapshot)
    accepted = 0
    for candidate in ExitCandidate.objects.filter(status=CandidateStatus.PENDING).order_by("id"):
        services.exit_candidate_accept(
            actor=manager, candidate=candidate, expected_version=candidate.membership.version
        )
        accepted += 1
    # The monthly run (`lindung members end-of-month`) for January: members past 60 leave
    # from 1 February.
    aged = services.members_end_of_month(actor=None, month=date(2026, 1, 1), programme=programme)
    filled = services.replacements_fill_all(actor=manager, programme=programme)
    return {
        "deaths_found": found[ReferenceKind.DEATH].get("candidates", 0),
        "moves_found": found[ReferenceKind.MOVE].get("candidates", 0),
        "accepted": accepted,
        "aged_out": aged.get("ended", 0),
        "replaced": filled.get("replaced", 0),
    }


def _extract(people: Sequence[Mapping[str, Any]], extra: dict[str, list[Any]]) -> bytes:
    columns: dict[str, Any] = {
        "NIK": [p["nik"] for p in people],
        "Nama": [p["name"] for p in people],
        "Tanggal Lahir": pa.array([p["birth_date"] for p in people], pa.date32()),
        "JK": [p["sex"] for p in people],
        "Kode Desa": [p["village_id"] for p in people],
        **extra,
    }
    out = io.BytesIO()
    pacsv.write_csv(pa.table(columns), out)
    return out.getvalue()

"""The demo's verification: reference extracts made from the demo population, every Seluma
village proposing 12-15 workers typed with realistic mistakes, verification, and a few
review steps so the review screens have real cases.

Who is put where (from one seeded generator): the welfare registry holds the population less
about 5 % of the proposed workers; about 3 % of them are active BPJS participants, 1 % are
ASN/PPPK/TNI/Polri and 0.5 % died; each list also holds other people of the population.
"""

from __future__ import annotations

import io
import time
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.people.models import Person
from lindung.programs.demo import SELUMA as REGENCY
from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.models import Batch, Proposal, ProposalStatus
from lindung.proposals.services import batch_import, sender_for
from lindung.references.models import ReferenceKind
from lindung.references.services import snapshot_import
from lindung.regions.models import Region
from lindung.synth import generate_population, make_village_list
from lindung.verification import review
from lindung.verification.models import Finding
from lindung.verification.services import verification_execute, verification_run

PERIOD = "Usulan tahap 1"  # August-September 2025, made by the programme demo
EXTRACTED_ON = date(2025, 7, 31)
# The day the demo population's ages are reckoned on (as `core.demo.REFERENCE_DATE`).
_REFERENCE_DATE = date(2026, 1, 1)
_SHARES = {"unregistered": 0.05, "bpjs": 0.03, "exclusion": 0.01, "death": 0.005}
_CATEGORIES = ("ASN", "PPPK", "TNI", "Polri")


def build_verification_demo(
    *, admin: User | None, population: pa.Table | None = None, seed: int = 1
) -> dict[str, Any]:
    """Run the whole front half of the programme on the demo; return summary keys.

    `population` is the demo's synthetic population (with desil); without it, the default
    demo population (30,000 people, seed 1) is generated again."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    population = population if population is not None else _population(seed)
    programme = Programme.objects.get(owner_id=REGENCY, name__startswith="Perlindungan")
    period = ProposalPeriod.objects.get(programme=programme, name=PERIOD)
    listed, workers = _workers(population, rng, seed)
    listed = _wrong_niks(listed, population, rng, count=30)
    _import_references(admin, population, workers, rng)
    batches = propose_uploads(programme, period, listed, rng)
    run = verification_run(actor=_user("verifikator") or admin, period=period, background=False)
    run = verification_execute(run.pk)
    reviewed = _review(period)
    counts = run.counts
    return {
        "verification": {
            "period": period.name,
            "period_id": period.pk,
            "rows": sum(b.row_count for b in batches),
            "accepted": sum(b.accepted_count for b in batches),
            "rejected": sum(b.rejected_count for b in batches),
            "duplicates": sum(b.duplicate_count for b in batches),
            "proposals": counts.get("proposals", 0),
            "verified": counts.get("status_verified", 0),
            "review": counts.get("status_review", 0),
            "findings": {k: v for k, v in counts.items() if k.isupper()},
            "reviewed": reviewed,
            "run_id": run.pk,
            "run_seconds": run.seconds.get("total"),
            "seconds": round(time.perf_counter() - started, 2),
        }
    }


def _population(seed: int) -> pa.Table:
    people = Person.objects.filter(scoping.area_q("village", REGENCY)).count()
    return generate_population(REGENCY, people or 30_000, seed, _REFERENCE_DATE)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _workers(population: pa.Table, rng: np.random.Generator, seed: int) -> tuple[pa.Table, Any]:
    """12-15 typed rows per village (as many as the village has), and the population rows of
    the real people behind them."""
    size = min(population.num_rows // 3, 8_000)
    typed, truth = make_village_list(population, size, seed, reference_date=_REFERENCE_DATE)
    # Rows are grouped by the person's real village; a typed village may be missing.
    ids = population.column("id").to_pylist()
    villages = dict(zip(ids, population.column("kode_wilayah").to_pylist(), strict=True))
    person = truth.column("person_id").to_pylist()
    home = [
        villages.get(p) if p is not None else v
        for p, v in zip(person, typed["kode_wilayah"].to_pylist(), strict=True)
    ]
    typed = typed.append_column("desa", pa.array(home, pa.string()))
    keep = np.zeros(typed.num_rows, dtype=bool)
    for village in set(filter(None, home)):
        rows = np.flatnonzero(np.asarray(home, dtype=object) == village)
        keep[rows[: int(rng.integers(12, 16))]] = True
    listed = typed.filter(pa.array(keep))
    chosen = {p for p, k in zip(person, keep, strict=True) if k and p is not None}
    return listed, pc.is_in(population.column("id"), pa.array(sorted(chosen), pa.string()))


def _wrong_niks(
    listed: pa.Table, population: pa.Table, rng: np.random.Generator, *, count: int
) -> pa.Table:
    """A few operators typed someone else's NIK: the clerical review gets real cases."""
    rows = rng.choice(listed.num_rows, size=min(count, listed.num_rows), replace=False)
    donors = rng.choice(population.num_rows, size=len(rows), replace=False)
    niks = listed.column("nik").to_pylist()
    donor_niks = population.column("nik").take(donors).to_pylist()
    for row, nik in zip(rows, donor_niks, strict=True):
        niks[row] = nik
    return listed.set_column(listed.schema.get_field_index("nik"), "nik", pa.array(niks))


def _import_references(
    admin: User | None, population: pa.Table, workers: Any, rng: np.random.Generator
) -> None:
    is_worker = np.asarray(workers.to_numpy(zero_copy_only=False), dtype=bool)
    worker_rows = rng.permutation(np.flatnonzero(is_worker))
    groups: dict[str, Any] = {}
    start = 0
    for name, share in _SHARES.items():
        count = max(1, round(len(worker_rows) * share))
        groups[name] = worker_rows[start : start + count]
        start += count
    others = np.flatnonzero(~is_worker)
    welfare = np.setdiff1d(np.arange(population.num_rows), groups["unregistered"])
    extracts: dict[str, tuple[str, Any]] = {
        ReferenceKind.WELFARE: ("DTSEN", welfare),
        ReferenceKind.BPJS: ("BPJS Ketenagakerjaan", _with(groups["bpjs"], others, 600, rng)),
        ReferenceKind.EXCLUSION: ("BKD", _with(groups["exclusion"], others, 300, rng)),
        ReferenceKind.DEATH: ("Dukcapil", _with(groups["death"], others, 150, rng)),
    }
    for kind, (source, rows) in extracts.items():
        snapshot_import(
            actor=admin,
            kind=kind,
            source=source,
            extracted_on=EXTRACTED_ON,
            area_code=REGENCY,
            file=_extract(kind, population.take(pa.array(np.sort(rows))), rng),
            filename=f"{kind}_seluma.csv",
        )


def _with(chosen: Any, others: Any, filler: int, rng: np.random.Generator) -> Any:
    return np.concatenate(
        [chosen, rng.choice(others, size=min(filler, len(others)), replace=False)]
    )


def _extract(kind: str, people: pa.Table, rng: np.random.Generator) -> bytes:
    n = people.num_rows
    columns: dict[str, Any] = {
        "NIK": people["nik"],
        "Nama": people["nama"],
        "Tanggal Lahir": people["tanggal_lahir"],
        "JK": people["jenis_kelamin"],
        "Kode Desa": people["kode_wilayah"],
    }
    if kind == ReferenceKind.WELFARE:
        columns |= {"No KK": people["kk"], "Desil": people["desil"]}
    elif kind == ReferenceKind.BPJS:
        columns |= {
            "KPJ": pa.array([f"2301{int(x):07d}" for x in rng.integers(0, 10**7, n)]),
            # No status column: an extract of participants lists active ones.
            "Segmen": pa.array(rng.choice(["PU", "BPU", "Jakon"], n)),
        }
    elif kind == ReferenceKind.EXCLUSION:
        columns["Kategori"] = pa.array(rng.choice(_CATEGORIES, n))
    else:
        columns["Tanggal Meninggal"] = pa.array(
            [date(2025, 1 + int(m), 10) for m in rng.integers(0, 7, n)], pa.date32()
        )
    out = io.BytesIO()
    pacsv.write_csv(pa.table(columns), out)
    return out.getvalue()


def propose_uploads(
    programme: Programme, period: ProposalPeriod, listed: pa.Table, rng: np.random.Generator
) -> list[Batch]:
    """One upload per village, as its operator would send it."""
    names = {
        "nik": "NIK",
        "nama": "Nama Lengkap",
        "tempat_lahir": "Tempat Lahir",
        "tanggal_lahir": "Tgl Lahir",
        "jenis_kelamin": "JK",
        "alamat": "Alamat",
        "pekerjaan": "Pekerjaan",
        "no_hp": "No HP",
    }
    table = listed.select([*names, "desa"]).rename_columns([*names.values(), "desa"])
    table = table.set_column(3, "Tgl Lahir", pc.strftime(table["Tgl Lahir"], "%d-%m-%Y"))
    batches = []
    villages = sorted({str(code) for code in table["desa"].to_pylist() if code})
    known = set(Region.objects.filter(code__in=villages).values_list("code", flat=True))
    for village in villages:
        if village not in known:
            continue
        rows = table.filter(pc.equal(table["desa"], pa.scalar(village))).drop_columns(["desa"])
        out = io.BytesIO()
        pacsv.write_csv(rows, out)
        sender = sender_for(actor=None, programme=programme, period=period, village_code=village)
        batch = batch_import(sender=sender, data=out.getvalue(), file_name=f"usulan_{village}.csv")
        batches.append(batch.batch)
    return batches


def _review(period: ProposalPeriod) -> dict[str, int]:
    """Kecamatan Sukaraja forwards its clean proposals and returns one; the Dinas verifier
    decides some, sets a finding aside with a reason, and leaves the rest for the demo."""
    kecamatan, verifier = _user("kec.sukaraja"), _user("verifikator")
    done = {"forwarded": 0, "returned": 0, "eligible": 0, "not_eligible": 0, "overridden": 0}
    if kecamatan is None or verifier is None:
        return done
    sukaraja = Proposal.objects.filter(scoping.area_q("village", "17.05.01"), period=period)
    clean = sukaraja.filter(status=ProposalStatus.VERIFIED).exclude(
        findings__current=True, findings__severity="reject"
    )
    for proposal in clean.order_by("id")[:20]:
        review.proposal_forward(
            actor=kecamatan, proposal=proposal, expected_version=proposal.version
        )
        done["forwarded"] += 1
    bad = sukaraja.filter(
        status=ProposalStatus.VERIFIED,
        findings__current=True,
        findings__code="OCCUPATION_NOT_ELIGIBLE",
    ).first()
    if bad is not None:
        review.proposal_return(
            actor=kecamatan,
            proposal=bad,
            expected_version=bad.version,
            note="Pekerjaan bukan sektor informal; periksa lagi.",
        )
        done["returned"] += 1
    for proposal in Proposal.objects.filter(
        period=period, status=ProposalStatus.FORWARDED
    ).order_by("id")[:10]:
        review.proposal_decide(
            actor=verifier, proposal=proposal, expected_version=proposal.version, eligible=True
        )
        done["eligible"] += 1
    for finding in Finding.objects.filter(
        current=True,
        code="DECEASED",
        proposal__period=period,
        proposal__status__in=[ProposalStatus.VERIFIED, ProposalStatus.FORWARDED],
    ).select_related("proposal")[:3]:
        p = finding.proposal
        review.proposal_decide(
            actor=verifier,
            proposal=p,
            expected_version=p.version,
            eligible=False,
            note="Meninggal dunia menurut data Dukcapil.",
        )
        done["not_eligible"] += 1
    warn = (
        Finding.objects.filter(
            current=True,
            code="BPJS_ACTIVE",
            proposal__period=period,
            proposal__status=ProposalStatus.VERIFIED,
        )
        .select_related("proposal")
        .first()
    )
    if warn is not None:
        review.finding_override(
            actor=verifier,
            finding=warn,
            expected_version=warn.proposal.version,
            note="Kepesertaan BPU sudah berhenti; surat keterangan BPJS terlampir.",
        )
        done["overridden"] += 1
    return done

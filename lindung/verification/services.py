"""Running automatic verification: create a run, queue it, and do the work set-based.

`verification_execute` reads the proposals and the reference snapshots into Arrow once each,
hands them to `engine.verify`, and writes the findings, the new statuses and one event per
proposal back in bulk (`writeback`). Progress and the current step are saved between steps,
each in its own short write, so the run page can show them while the job works.

The machine never decides eligibility: a proposal with a finding that needs a person (severity
`review`) goes to REVIEW, every other checked proposal to VERIFIED with its findings attached.
Rejecting or accepting is the Dinas verifier's decision (`review.proposal_decide`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import RUN_VERIFICATION, has_capability
from lindung.engine.verify import Rules, VerifyInputError, VerifyResult, verify
from lindung.membership.models import ACTIVE_STATUSES, Membership
from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.models import RELEASED_STATUSES, Batch, Proposal, ProposalStatus
from lindung.proposals.selectors import proposals_table
from lindung.references.models import ReferenceKind, Snapshot
from lindung.references.selectors import latest_snapshots, snapshot_table
from lindung.verification import writeback
from lindung.verification.models import RunStatus, VerificationRun

logger = logging.getLogger(__name__)

# Proposals nobody has acted on yet: verification may (re)check these. Once a kecamatan or
# the Dinas moved a proposal on, a later run leaves it alone.
PENDING_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.VERIFIED, ProposalStatus.REVIEW)
# `verify` argument for each kind of reference snapshot; moves are not checked yet.
_ARGUMENT = {
    ReferenceKind.WELFARE: "welfare",
    ReferenceKind.BPJS: "bpjs",
    ReferenceKind.PROGRAMME: "other_programmes",
    ReferenceKind.EXCLUSION: "exclusions",
    ReferenceKind.DEATH: "deaths",
}


class VerificationError(Exception):
    """The run cannot be started; `message` says why, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- starting a run ------------------------------------------------------------------------


def verification_run(
    *,
    actor: User | None,
    batch: Batch | None = None,
    period: ProposalPeriod | None = None,
    background: bool = True,
) -> VerificationRun:
    """Create a run for `batch` (its proposals) or `period` (every pending proposal of it) and,
    with `background`, queue the job; the caller of `background=False` runs
    `verification_execute` itself. A run already waiting or working for the same batch or
    period is returned instead of a second one."""
    run, created = _create(actor=actor, batch=batch, period=period)
    if background and created:
        from lindung.verification.jobs import verify_run_job  # jobs imports this module

        verify_run_job.enqueue(run.pk)
        run.refresh_from_db()
    return run


@transaction.atomic
def _create(
    *, actor: User | None, batch: Batch | None, period: ProposalPeriod | None
) -> tuple[VerificationRun, bool]:
    if (batch is None) == (period is None):
        raise ValueError("berikan kiriman atau periode, salah satu")
    if batch is not None:
        period, area = batch.period, batch.area_id
    else:
        assert period is not None
        area = period.programme.owner_id
    if actor is not None and not has_capability(actor, RUN_VERIFICATION):
        raise PermissionDenied(_("Peran Anda tidak boleh menjalankan verifikasi."))
    if actor is not None and not scoping.can_see_area(actor, area):
        raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))
    waiting = VerificationRun.objects.select_for_update().filter(
        period=period, batch=batch, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    existing = waiting.first()
    if existing is not None:
        return existing, False
    run = VerificationRun.objects.create(
        programme_id=period.programme_id,
        period=period,
        batch=batch,
        area_id=area,
        created_by=actor,
        step=_("Menunggu giliran"),
    )
    return run, True


# -- doing the work ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    proposals: pa.Table
    statuses: dict[int, str]
    references: dict[str, pa.Table]
    other_proposals: pa.Table
    members: pa.Table
    snapshots: list[Snapshot]


def verification_execute(run_id: int) -> VerificationRun:
    """Do run `run_id`. A run whose inputs cannot be verified (no welfare extract for a
    programme that needs one) ends `failed` with the reason in `error`; an unexpected error
    does too, and is raised again for the worker's log."""
    run = VerificationRun.objects.select_related("programme", "period", "batch").get(pk=run_id)
    if run.finished:
        return run
    seconds: dict[str, float] = {}
    _progress(run, 5, _("Membaca usulan"), status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        inputs = _timed(seconds, "read", lambda: _read(run))
        run.snapshots.set(inputs.snapshots)
        if inputs.proposals.num_rows == 0:
            return _finish(run, {"proposals": 0}, seconds)
        _progress(run, 35, _("Memeriksa usulan: aturan program dan pencocokan data"))
        result = _timed(seconds, "check", lambda: _verify(run, inputs))
        seconds |= {f"engine_{k}": v for k, v in result.seconds.items()}
        _progress(run, 80, _("Menyimpan hasil"))
        statuses = _timed(
            seconds,
            "write",
            lambda: writeback.write(run, result.findings, result.summary, inputs.statuses),
        )
    except VerifyInputError as error:
        return _fail(run, str(error))
    except Exception:
        logger.exception("verification run %s failed", run_id)
        _fail(run, _("Verifikasi gagal karena kesalahan sistem; hubungi admin."))
        raise
    counts = dict(result.counts) | {f"status_{k}": v for k, v in statuses.items()}
    return _finish(run, counts, seconds)


def _timed(seconds: dict[str, float], name: str, work: Any) -> Any:
    start = time.perf_counter()
    value = work()
    seconds[name] = round(time.perf_counter() - start, 3)
    return value


def _read(run: VerificationRun) -> _Inputs:
    checked = _checked(run)
    proposals = proposals_table(checked)
    statuses = dict(checked.values_list("id", "status"))
    snapshots = latest_snapshots(run.programme.owner_id, on=run.period.closes_on)
    used = [s for kind, s in snapshots.items() if kind in _ARGUMENT]
    references = {_ARGUMENT[ReferenceKind(s.kind)]: snapshot_table(s) for s in used}
    others = (
        Proposal.objects.filter(period=run.period)
        .exclude(status__in=RELEASED_STATUSES)
        .exclude(_checked_q(run))
    )
    return _Inputs(proposals, statuses, references, _other_proposals(others), _members(), used)


def _checked_q(run: VerificationRun) -> Q:
    condition = Q(period=run.period, status__in=PENDING_STATUSES)
    return condition & Q(batch=run.batch) if run.batch_id is not None else condition


def _checked(run: VerificationRun) -> QuerySet[Proposal]:
    return Proposal.objects.filter(_checked_q(run))


def _other_proposals(others: QuerySet[Proposal]) -> pa.Table:
    rows = list(others.order_by("id").values_list("id", "nik", "village_id", "period_id"))
    ids, niks, villages, periods = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 4
    return pa.table(
        {
            "proposal_id": pa.array(ids, pa.int64()),
            "nik": pa.array(niks, pa.string()),
            "kode_wilayah": pa.array(villages, pa.string()),
            "period_id": pa.array(periods, pa.int64()),
        }
    )


def _members() -> pa.Table:
    """Every active membership (of any programme: someone covered by the province's
    programme is already covered), in one query."""
    rows = list(
        Membership.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by("id")
        .values_list("id", "nik", "programme_id")
        .iterator(chunk_size=10_000)
    )
    ids, niks, programmes = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 3
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "nik": pa.array(niks, pa.string()),
            "programme_id": pa.array(programmes, pa.int64()),
        }
    )


def rules_for(programme: Programme, period: ProposalPeriod) -> Rules:
    """The programme's rules, with ages reckoned on the day the period closes."""
    occupations = frozenset(programme.occupations.values_list("pk", flat=True))
    return Rules(
        region_code=programme.owner_id,
        reference_date=period.closes_on,
        min_age=programme.min_age,
        max_age=programme.max_age,
        requires_registry=programme.requires_registry,
        max_desil=programme.max_desil,
        eligible_occupation_ids=occupations or None,
        severities=programme.check_severities,
    )


def _verify(run: VerificationRun, inputs: _Inputs) -> VerifyResult:
    references = inputs.references
    return verify(
        inputs.proposals,
        rules=rules_for(run.programme, run.period),
        welfare=references.get("welfare"),
        bpjs=references.get("bpjs"),
        other_programmes=references.get("other_programmes"),
        exclusions=references.get("exclusions"),
        deaths=references.get("deaths"),
        other_proposals=inputs.other_proposals,
        members=inputs.members,
    )


def _progress(run: VerificationRun, progress: int, step: str, **fields: Any) -> None:
    # Saved at once (outside the write-back transaction) so a polling page sees it.
    VerificationRun.objects.filter(pk=run.pk).update(progress=progress, step=step, **fields)


def _finish(
    run: VerificationRun, counts: dict[str, int], seconds: dict[str, float]
) -> VerificationRun:
    seconds["total"] = round(sum(v for k, v in seconds.items() if not k.startswith("engine_")), 3)
    _progress(
        run,
        100,
        _("Selesai"),
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        counts=counts,
        seconds=seconds,
    )
    run.refresh_from_db()
    return run


def _fail(run: VerificationRun, message: str) -> VerificationRun:
    VerificationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=message, step=_("Gagal"), finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run

"""Writing a run's results in one transaction: findings in bulk (COPY on PostgreSQL), the
proposals' new statuses by SQL, and one `verified` event per proposal in bulk."""

from __future__ import annotations

from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lindung.core import bulk
from lindung.proposals.models import Action, Proposal, ProposalEvent, ProposalStatus
from lindung.verification.models import Finding, VerificationRun

# Ids per UPDATE ... WHERE id IN (...): under SQLite's limit on bound parameters.
_CHUNK = 10_000


def _unchanged_since_read(ids: list[int], statuses: dict[int, str]) -> list[int]:
    """The proposals whose status is still what the run read, locked until the write ends.

    A reviewer may forward, return or decide a proposal while the run is checking it; the
    run must not move it back, so it only moves the ones nobody touched meanwhile."""
    still: set[int] = set()
    for chunk in _chunks(ids):
        rows = Proposal.objects.select_for_update().filter(pk__in=chunk)
        still |= {pk for pk, status in rows.values_list("id", "status") if status == statuses[pk]}
    return [pk for pk in ids if pk in still]


@transaction.atomic
def write(
    run: VerificationRun, findings: pa.Table, summary: pa.Table, statuses: dict[int, str]
) -> dict[str, int]:
    """Store `findings`, move each proposal of `summary` to REVIEW (a finding needs a person)
    or VERIFIED, and record the step. Returns how many went to each status."""
    now = timezone.now()
    ids = cast(list[int], summary.column("proposal_id").to_pylist())
    for chunk in _chunks(ids):
        Finding.objects.filter(proposal_id__in=chunk, current=True).update(current=False)
    bulk.insert_table(Finding, _finding_rows(run, findings))
    outcome = dict(zip(ids, map(str, summary.column("outcome").to_pylist()), strict=True))
    ids = _unchanged_since_read(ids, statuses)
    target: dict[int, str] = {
        pk: ProposalStatus.REVIEW if outcome[pk] == "review" else ProposalStatus.VERIFIED
        for pk in ids
    }
    for status in (ProposalStatus.REVIEW, ProposalStatus.VERIFIED):
        moving = [pk for pk in ids if target[pk] == status]
        for chunk in _chunks(moving):
            Proposal.objects.filter(pk__in=chunk).update(
                status=status, status_changed_at=now, version=F("version") + 1
            )
    bulk.insert_table(ProposalEvent, _event_rows(run, ids, statuses, target, outcome, now))
    return {
        status: sum(1 for s in target.values() if s == status)
        for status in (ProposalStatus.VERIFIED, ProposalStatus.REVIEW)
    }


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _finding_rows(run: VerificationRun, findings: pa.Table) -> pa.Table:
    n = findings.num_rows

    def text(name: str, default: str = "") -> Any:
        return pc.fill_null(findings.column(name), pa.scalar(default, pa.string()))

    return pa.table(
        {
            "run_id": pa.array([run.pk] * n, pa.int64()),
            "proposal_id": findings.column("proposal_id"),
            "code": findings.column("code"),
            "severity": findings.column("severity"),
            "message": text("message"),
            "evidence_kind": text("evidence_kind"),
            "evidence_id": findings.column("evidence_id"),
            "score": findings.column("score"),
            "explanation": text("explanation"),
            "template": text("template"),
            "params": text("params", "{}"),
            "current": pa.array([True] * n, pa.bool_()),
            "resolution": pa.array([""] * n, pa.string()),
            "resolution_note": pa.array([""] * n, pa.string()),
            "resolved_by_id": pa.nulls(n, pa.int64()),
            "resolved_at": pa.nulls(n, pa.string()),
        }
    )


def _event_rows(
    run: VerificationRun,
    ids: list[int],
    statuses: dict[int, str],
    target: dict[int, str],
    outcome: dict[int, str],
    now: Any,
) -> pa.Table:
    n = len(ids)
    actor = run.created_by_id
    return pa.table(
        {
            "proposal_id": pa.array(ids, pa.int64()),
            "at": pa.array([bulk.db_datetime(now)] * n, pa.string()),
            "actor_id": pa.array([actor] * n, pa.int64()),
            "action": pa.array([Action.VERIFIED.value] * n, pa.string()),
            "from_status": pa.array([statuses[pk] for pk in ids], pa.string()),
            "to_status": pa.array([str(target[pk]) for pk in ids], pa.string()),
            "note": pa.array([""] * n, pa.string()),
            "detail": pa.array(
                [f'{{"run": {run.pk}, "outcome": "{outcome[pk]}"}}' for pk in ids], pa.string()
            ),
        }
    )

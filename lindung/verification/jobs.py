"""The background job: `lindung db_worker` picks queued runs from the database."""

from __future__ import annotations

from django_tasks import task

from lindung.verification.services import verification_execute


@task()
def verify_run_job(run_id: int) -> dict[str, int]:
    return dict(verification_execute(run_id).counts)

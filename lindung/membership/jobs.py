"""Background jobs of the membership app; `lindung db_worker` runs them."""

from __future__ import annotations

from django_tasks import task

from lindung.membership import decree_render
from lindung.membership.models import Decree


@task()
def render_attachment_job(decree_id: int, full_nik: bool) -> str:
    """Render a large decree attachment to its stored PDF (see decree_render.stored_pdf)."""
    decree = Decree.objects.select_related("programme", "period").get(pk=decree_id)
    try:
        return str(decree_render.store_pdf(decree, full_nik=full_nik))
    finally:  # done or failed: a later download may ask again
        decree_render.queued_marker(decree, full_nik=full_nik).unlink(missing_ok=True)

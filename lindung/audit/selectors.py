"""Reading the audit log, limited to the reader's area like everything else."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from lindung.accounts import scoping
from lindung.audit.models import AuditEvent


def audit_events_for(
    user: object,
    *,
    action: str = "",
    username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Newest first. A scoped auditor sees what users of their area did (see apps.py)."""
    events = scoping.visible(user, AuditEvent.objects.all())
    if action:
        events = events.filter(action=action)
    if username:
        events = events.filter(actor_username__icontains=username)
    if date_from is not None:
        events = events.filter(at__date__gte=date_from)
    if date_to is not None:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-id")

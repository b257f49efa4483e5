"""Writing the audit log. Every read or export of personal data goes through here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lindung.accounts.models import User
from lindung.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the web server saw it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: object | None,
    action: str,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one event. `actor_username` names who tried when there is no user (failed login)."""
    user = actor if isinstance(actor, User) else None
    username = actor_username
    if username is None:
        username = user.get_username() if user is not None else ""
    return AuditEvent.objects.create(
        actor=user,
        actor_username=username[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        detail=detail or {},
        ip_address=client_ip(request),
    )

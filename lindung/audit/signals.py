"""Sign-ins, sign-outs and failed sign-ins go to the audit log, whoever triggers them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEvent.Action.LOGIN, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # `user` is None when the session had already expired: nothing to attribute.
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.LOGOUT, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in `credentials`; only the username is kept.
    username = str(credentials.get("username") or "")
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        request=request,
        actor_username=username,
        detail={"username": username},
    )

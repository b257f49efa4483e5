"""Issuing, revoking and checking API tokens (`ApiToken`).

A key is `lnd_` followed by 43 random URL-safe characters (256 bits); only its SHA-256 is
stored, so a copy of the database gives nobody a working key. Looking a key up by its
digest needs no constant-time comparison: the digest of a guess says nothing about the
digest of the real key. Creation and revocation are audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import MANAGE_USERS, has_capability
from lindung.api.models import ApiToken
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record

KEY_START = "lnd_"
PREFIX_LENGTH = 12  # "lnd_" and 8 random characters: enough to tell tokens apart
MAX_NAME = 100
MAX_ACTIVE_PER_USER = 20
# `last_used_at` is written at most this often per token, so reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)

ACTION_CREATE = AuditEvent.Action.API_TOKEN_CREATE
ACTION_REVOKE = AuditEvent.Action.API_TOKEN_REVOKE


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once, never stored


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def _check_actor(actor: User | None, user_id: int) -> None:
    """The command line (None) and admins manage anyone's tokens; others only their own."""
    if actor is None:
        return
    if actor.is_active and (actor.pk == user_id or has_capability(actor, MANAGE_USERS)):
        return
    raise PermissionDenied(_("Anda hanya dapat mengelola token API milik Anda sendiri."))


@transaction.atomic
def token_create(
    *, actor: User | None, user: User, name: str, request: HttpRequest | None = None
) -> IssuedToken:
    """A new token for `user`. Refusals raise ValidationError (keyed `name` for the name)
    or PermissionDenied, and write nothing."""
    _check_actor(actor, user.pk)
    text = " ".join(name.split())
    if not text:
        raise ValidationError(
            {"name": [_("Beri nama token, mis. nama aplikasi yang akan memakainya.")]}
        )
    if len(text) > MAX_NAME:
        raise ValidationError(
            {"name": [_("Nama token paling panjang %(n)s huruf.") % {"n": MAX_NAME}]}
        )
    if not user.is_active:
        raise ValidationError(
            _("Pengguna %(user)s tidak aktif; token API tidak dapat dibuat untuknya.")
            % {"user": user.get_username()}
        )
    # Locks the user's row: two requests at once cannot both pass the count below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_PER_USER:
        raise ValidationError(
            _(
                "Pengguna ini sudah mempunyai %(n)s token aktif. Cabut token yang tidak dipakai "
                "lagi sebelum membuat yang baru."
            )
            % {"n": active}
        )
    key = KEY_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=text,
        prefix=key[:PREFIX_LENGTH],
        key_sha256=digest(key),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=ACTION_CREATE,
        object_type="api_token",
        object_id=str(token.pk),
        request=request,
        detail={"user": user.get_username(), "name": text, "prefix": token.prefix},
    )
    return IssuedToken(token, key)


@transaction.atomic
def token_revoke(
    *, actor: User | None, token: ApiToken, request: HttpRequest | None = None
) -> ApiToken:
    """Revoke `token` for good. Revoking a revoked token is refused with the date it was."""
    _check_actor(actor, token.user_id)
    now = timezone.now()
    # The WHERE on revoked_at makes two revocations at once revoke (and audit) only once.
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    if updated == 0:
        token.refresh_from_db()
        when = timezone.localtime(token.revoked_at) if token.revoked_at else now
        raise ValidationError(
            _("Token %(prefix)s… sudah dicabut pada %(when)s.")
            % {"prefix": token.prefix, "when": date_format(when, "j F Y H:i")}
        )
    token.revoked_at, token.revoked_by = now, actor
    audit_record(
        actor=actor,
        action=ACTION_REVOKE,
        object_type="api_token",
        object_id=str(token.pk),
        request=request,
        detail={"user": token.user.get_username(), "name": token.name, "prefix": token.prefix},
    )
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The active token with this key, its user loaded, or None when the key is unknown,
    revoked, or its user is inactive."""
    if not key.startswith(KEY_START) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_sha256=digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

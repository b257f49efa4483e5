"""Creating users and changing their area scope: the only writes on accounts."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.models import Role, User
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.regions import codes
from lindung.regions.models import Region

# Which area levels a role's scope may be. Operators work in exactly one village or
# district; Dinas roles run a programme for a regency (or a province); read-only roles may
# also follow a single district (a camat looking at their dashboard).
SCOPE_LEVELS: dict[str, frozenset[int]] = {
    Role.ADMIN: frozenset({codes.PROVINCE, codes.REGENCY, codes.DISTRICT, codes.VILLAGE}),
    Role.DESA: frozenset({codes.VILLAGE}),
    Role.KECAMATAN: frozenset({codes.DISTRICT}),
    Role.MANAGER: frozenset({codes.PROVINCE, codes.REGENCY}),
    Role.VERIFIER: frozenset({codes.PROVINCE, codes.REGENCY}),
    Role.FINANCE: frozenset({codes.PROVINCE, codes.REGENCY}),
    Role.BPJS: frozenset({codes.PROVINCE, codes.REGENCY}),
    Role.AUDITOR: frozenset({codes.PROVINCE, codes.REGENCY, codes.DISTRICT}),
    Role.LEADERSHIP: frozenset({codes.PROVINCE, codes.REGENCY, codes.DISTRICT}),
}
_LEVEL_NAMES = {
    codes.PROVINCE: gettext_lazy("provinsi"),
    codes.REGENCY: gettext_lazy("kabupaten/kota"),
    codes.DISTRICT: gettext_lazy("kecamatan"),
    codes.VILLAGE: gettext_lazy("desa/kelurahan"),
}


def validate_scope(role: str, scope: Region | None) -> None:
    """Raise a ValidationError on `scope` when that area level does not fit `role`.

    Shared by `user_create`, `user_set_scope` and the admin's user form.
    """
    if role not in SCOPE_LEVELS:
        raise ValidationError({"role": _("Peran tidak dikenal: %(role)s.") % {"role": role}})
    if scope is None:
        if role != Role.ADMIN:
            raise ValidationError(
                {"scope": _("Pilih wilayah kerja; hanya admin sistem yang boleh tanpa wilayah.")},
                code="scope_required",
            )
        return
    allowed = SCOPE_LEVELS[role]
    if scope.level not in allowed:
        levels = ", ".join(str(_LEVEL_NAMES[level]) for level in sorted(allowed))
        raise ValidationError(
            {
                "scope": _(
                    "Wilayah kerja untuk peran %(role)s harus berupa %(levels)s; "
                    "%(area)s adalah %(level)s."
                )
                % {
                    "role": Role(role).label,
                    "levels": levels,
                    "area": scope.name,
                    "level": _LEVEL_NAMES[scope.level],
                }
            },
            code="scope_level",
        )


def _region(scope_code: str | None) -> Region | None:
    if not scope_code:
        return None
    region = Region.objects.filter(code=scope_code.strip()).first()
    if region is None:
        raise ValidationError(
            {
                "scope": _("Kode wilayah %(code)s tidak ada di daftar wilayah Kemendagri.")
                % {"code": scope_code}
            },
            code="scope_unknown",
        )
    return region


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    scope_code: str | None,
    full_name: str = "",
    email: str = "",
    actor: User | None = None,
) -> User:
    """A new active user; system admins also get `is_staff` so they reach the Django admin."""
    scope = _region(scope_code)
    validate_scope(role, scope)
    first, _sep, last = full_name.strip().partition(" ")
    user = User(
        username=username.strip(),
        role=role,
        scope=scope,
        email=email.strip(),
        first_name=first,
        last_name=last,
        is_staff=role == Role.ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN_CHANGE,
        object_type="user",
        object_id=str(user.pk),
        detail={"change": "create", "role": role, "scope": scope_code},
    )
    return user


@transaction.atomic
def user_set_scope(*, user: User, scope_code: str | None, actor: User | None = None) -> User:
    scope = _region(scope_code)
    validate_scope(user.role, scope)
    before = user.scope_id
    user.scope = scope
    user.save(update_fields=["scope"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN_CHANGE,
        object_type="user",
        object_id=str(user.pk),
        detail={"change": "scope", "from": before, "to": user.scope_id},
    )
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None) -> User:
    """Users are deactivated, never deleted: audit events and history keep pointing at them."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN_CHANGE,
        object_type="user",
        object_id=str(user.pk),
        detail={"change": "deactivate"},
    )
    return user

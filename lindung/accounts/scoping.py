"""The one place that limits data to a user's area scope.

Every model holding area-bound data declares, once, the lookup path from it to a
Region code (`register(Person, "village")`). Views, exports and the API get their
querysets through `visible()`; nothing filters by area by hand. A model that was never
registered cannot be read through here at all: the layer fails closed.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models

from lindung.regions import codes

M = TypeVar("M", bound=models.Model)

_PATHS: dict[type[models.Model], str] = {}
_COVERING: set[type[models.Model]] = set()


def register(model: type[models.Model], path: str, *, covering: bool = False) -> None:
    """Declare that `model` belongs to the area at `path` (a lookup ending at a Region).

    `covering=True` is for rows that apply to a whole area, such as a regency's programme:
    a user also sees those whose area contains theirs (a desa operator sees the
    regency's programme), not only those inside it.
    """
    _PATHS[model] = path
    if covering:
        _COVERING.add(model)


def scope_code(user: object) -> str | None:
    """The user's area code, or None for nationwide. Raises for users who may see nothing."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_active", False):
        raise PermissionError("pengguna tidak aktif atau belum masuk")
    code: str | None = getattr(user, "scope_id", None)
    if code is None and getattr(user, "role", None) != "admin":
        raise PermissionError("pengguna tanpa wilayah kerja")
    return code


def _code_key(path: str) -> str:
    # `<fk>__code` compiles to the foreign key column itself (`village_id LIKE '17.05.%'`):
    # no join, and the same index serves equality and prefix.
    return path if path == "code" or path.endswith("__code") else f"{path}__code"


def area_q(path: str, code: str) -> models.Q:
    """Rows whose area at `path` is `code` or lies inside it (prefix on the dotted code)."""
    key = _code_key(path)
    return models.Q(**{key: code}) | models.Q(**{f"{key}__startswith": f"{code}."})


def visible(user: object, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may see."""
    try:
        path = _PATHS[queryset.model]
    except KeyError:
        raise LookupError(f"{queryset.model.__name__} tidak terdaftar di lapisan wilayah") from None
    try:
        code = scope_code(user)
    except PermissionError:
        return queryset.none()
    if code is None:
        return queryset
    condition = area_q(path, code)
    if queryset.model in _COVERING:
        condition |= models.Q(**{f"{_code_key(path)}__in": codes.ancestor_codes(code)})
    return queryset.filter(condition)


def can_see_area(user: object, region_code: str) -> bool:
    try:
        code = scope_code(user)
    except PermissionError:
        return False
    return code is None or codes.contains(code, region_code)

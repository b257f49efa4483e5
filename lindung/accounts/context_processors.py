from __future__ import annotations

from django.http import HttpRequest

from lindung.accounts.permissions import capabilities_of


def capabilities(request: HttpRequest) -> dict[str, frozenset[str]]:
    """`caps` in every template: what the signed-in user may do (empty when signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": frozenset()}
    return {"caps": capabilities_of(user)}

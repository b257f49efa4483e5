"""The role capability each API action needs (`lindung.accounts.permissions`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from lindung.accounts.permissions import has_capability


class HasCapability(BasePermission):
    """Signed in with a token, and the role grants the capability the view names for this
    action: `view.capabilities[action]`, else `view.capability`. An action the view does not
    have (a wrong method) passes here so that the answer is 405, not 403."""

    message = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        action = getattr(view, "action", None)
        if action is None and hasattr(view, "action_map"):
            return True
        needed = getattr(view, "capabilities", {}).get(action) or view.capability
        if has_capability(request.user, needed):
            return True
        self.message = _("Peran Anda tidak mempunyai izin untuk ini (%(capability)s).") % {
            "capability": needed
        }
        return False

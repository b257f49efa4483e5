from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.accounts.admin import SystemAdminOnly
from lindung.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(SystemAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a token is made (its key shown once) and revoked, with an audit event, on
    the token page or with `lindung api_token`; the admin only shows who has which."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.accounts.admin import SystemAdminOnly
from lindung.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(SystemAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the log is append-only, here as in the database."""

    list_display = ("at", "actor_username", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_username", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

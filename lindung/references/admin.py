"""Read-only admin for system admins: snapshots are immutable and come in through the import."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.accounts.admin import SystemAdminOnly
from lindung.references.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(SystemAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "id",
        "kind",
        "source",
        "area",
        "extracted_on",
        "row_count",
        "accepted_count",
        "rejected_count",
        "imported_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("source", "file_name", "area__code")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

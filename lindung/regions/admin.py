from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.accounts.admin import SystemAdminOnly
from lindung.regions.models import Region


@admin.register(Region)
class RegionAdmin(SystemAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: areas come from the Kemendagri fixture (`lindung regions load`), never by hand."""

    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("^code", "name")
    # Counting 91,599 rows on every page is wasted work.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from lindung.accounts.admin import SystemAdminOnly
from lindung.people.models import Person


@admin.register(Person)
class PersonAdmin(SystemAdminOnly, SimpleHistoryAdmin):  # type: ignore[misc]
    """View and history only: people are written through `people.services`, which check the
    NIK against the stated birth date and sex and fill the normalised name; the admin would
    bypass all of that. System admins edit people on the people pages like everyone else."""

    list_display = ("name", "village", "sex", "birth_date")
    search_fields = ("name_normalized", "=nik")
    raw_id_fields = ("village",)
    list_select_related = ("village",)
    # Every sight of a full NIK is audited; the admin cannot do that, so it never shows one.
    exclude = ("nik",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

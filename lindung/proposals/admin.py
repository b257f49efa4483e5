"""Read-only admin pages for system admins: proposals change only through
`proposals.services`, so that every step is recorded and counts stay true."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.accounts.admin import SystemAdminOnly
from lindung.proposals.models import Batch, Proposal, ProposalEvent, ProposalRow


class ReadOnlyAdmin(SystemAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "area", "source", "file_name", "row_count")
    list_filter = ("source",)
    search_fields = ("file_name", "area__code")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "village", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "village__code")


@admin.register(ProposalRow)
class ProposalRowAdmin(ReadOnlyAdmin):
    list_display = ("batch", "row_number", "outcome")
    list_filter = ("outcome",)


@admin.register(ProposalEvent)
class ProposalEventAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "at", "actor", "action", "from_status", "to_status")
    list_filter = ("action",)

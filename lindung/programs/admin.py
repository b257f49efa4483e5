"""Read-only admin with history: programmes, rates and budgets are written on the programme
pages, whose services check overlaps and impossible values the admin would let through."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from lindung.accounts.admin import SystemAdminOnly
from lindung.programs.models import (
    BudgetLine,
    Occupation,
    Programme,
    ProposalPeriod,
    RateAdjustment,
    RateSchedule,
)


class ReadOnly(SystemAdminOnly, SimpleHistoryAdmin):  # type: ignore[misc]
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    list_display = ("name", "owner", "legal_type", "legal_number", "legal_year", "active")
    list_select_related = ("owner",)
    search_fields = ("name",)


@admin.register(RateSchedule)
class RateScheduleAdmin(ReadOnly):
    list_display = ("programme", "benefit", "income_from", "income_to", "amount", "valid_from")
    list_filter = ("benefit",)


@admin.register(RateAdjustment)
class RateAdjustmentAdmin(ReadOnly):
    list_display = ("programme", "name", "discount_basis_points", "valid_from", "valid_to")


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnly):
    list_display = ("programme", "fiscal_year", "funding_source", "pagu", "status")
    list_filter = ("fiscal_year", "funding_source", "status")


@admin.register(ProposalPeriod)
class ProposalPeriodAdmin(ReadOnly):
    list_display = ("programme", "name", "opens_on", "closes_on")


@admin.register(Occupation)
class OccupationAdmin(ReadOnly):
    list_display = ("name", "sector", "active")

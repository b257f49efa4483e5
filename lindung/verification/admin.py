from django.contrib import admin

from lindung.verification.models import Finding, VerificationRun


@admin.register(VerificationRun)
class VerificationRunAdmin(admin.ModelAdmin[VerificationRun]):
    list_display = ["id", "programme", "period", "batch", "status", "progress", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in VerificationRun._meta.fields]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin[Finding]):
    list_display = ["id", "proposal", "code", "severity", "current", "resolution"]
    list_filter = ["code", "severity", "current", "resolution"]
    raw_id_fields = ["run", "proposal", "resolved_by"]
    readonly_fields = ["run", "proposal", "code", "severity", "message", "evidence_kind"]

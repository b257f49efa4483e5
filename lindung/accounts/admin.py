"""The Django admin is for system admins only; users are managed here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lindung.accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from lindung.accounts.models import Role, User
from lindung.accounts.permissions import MANAGE_USERS, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record


def is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or has_capability(user, MANAGE_USERS)))


class SystemAdminOnly:
    """Staff status alone is not enough: only system admins (or superusers) see a model."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(SystemAdminOnly, DjangoUserAdmin):  # type: ignore[type-arg]
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ("username", "get_full_name", "role", "scope", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "scope__code", "scope__name")
    # A code typed by hand ('17.05.01') is quicker than a dropdown of 91,599 areas.
    raw_id_fields = ("scope",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data diri"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran dan wilayah kerja"), {"fields": ("role", "scope")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "role",
                    "scope",
                    "first_name",
                    "last_name",
                    "email",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        # Staff status follows the role, so a Dinas user never lands in the admin by accident.
        obj.is_staff = obj.is_superuser or obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.ADMIN_CHANGE,
            object_type="user",
            object_id=str(obj.pk),
            request=request,
            detail={
                "change": "admin_edit" if change else "create",
                "fields": sorted(form.changed_data),
            },
        )

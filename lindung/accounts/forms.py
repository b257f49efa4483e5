from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    UserChangeForm,
    UserCreationForm,
    UsernameField,
)
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.services import validate_scope


class _ScopeFitsRole(forms.ModelForm):  # type: ignore[type-arg]
    """The admin's forms check role and scope with the same rule as `user_create`."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        role = cleaned.get("role")
        if role:
            validate_scope(role, cleaned.get("scope"))
        return cleaned


class UserAdminChangeForm(_ScopeFitsRole, UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        field_classes = {"username": UsernameField}
        fields = (
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "role",
            "scope",
            "is_active",
            "is_staff",
            "is_superuser",
        )


class UserAdminCreationForm(_ScopeFitsRole, UserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        field_classes = {"username": UsernameField}
        fields = ("username", "role", "scope", "first_name", "last_name", "email")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Setelah 5 kali gagal, akun dikunci 30 menit."
        ),
        "inactive": _("Akun ini sudah dinonaktifkan. Hubungi admin sistem Dinas."),
    }

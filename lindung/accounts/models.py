from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.regions.models import Region


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin sistem")
    MANAGER = "manager", _("Pengelola program (Dinas)")
    VERIFIER = "verifier", _("Verifikator (Dinas)")
    FINANCE = "finance", _("Keuangan")
    KECAMATAN = "kecamatan", _("Operator kecamatan")
    DESA = "desa", _("Operator desa/kelurahan")
    BPJS = "bpjs", _("Penghubung BPJS Ketenagakerjaan")
    AUDITOR = "auditor", _("Auditor (baca saja)")
    LEADERSHIP = "leadership", _("Pimpinan (dasbor, baca saja)")


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        # `lindung createsuperuser` makes a nationwide system admin.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who works in Lindung, with one role and one area scope."""

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    scope = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah kerja"),
        help_text=_(
            "Pengguna hanya melihat data di dalam wilayah ini. Kosong = seluruh Indonesia."
        ),
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                name="user_role_is_known",
                condition=models.Q(role__in=Role.values),
            ),
            models.CheckConstraint(
                # Only a system admin may work without an area; everyone else is scoped.
                name="user_scope_required_unless_admin",
                condition=models.Q(role=Role.ADMIN) | models.Q(scope__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

"""API tokens: a key shown once, stored only as its SHA-256.

A token acts as its user: the same role capabilities, the same area scope, and it stops
working the moment the user is deactivated or the token is revoked. The key itself is never
stored; `prefix` (its first characters) lets a person tell their tokens apart and find a
leaked one in logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("pengguna"),
    )
    name = models.CharField(
        _("nama token"), max_length=100, help_text=_("Untuk apa token ini, mis. aplikasi SIKS.")
    )
    prefix = models.CharField(_("awal kunci"), max_length=16)
    key_sha256 = models.CharField(_("sidik kunci (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicabut oleh"),
    )

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="api_token_name_not_blank", condition=~models.Q(name="")),
            models.CheckConstraint(
                name="api_token_sha256_is_hex",
                condition=models.Q(key_sha256__regex=r"^[0-9a-f]{64}$"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

"""What the reports app keeps: one row per lookup on the public status check (/cek/).

`PublicLookup` is both the rate limiter's memory and the record of who asked what, without
keeping anything readable: the client is an HMAC of its network address, the NIK an HMAC of
the NIK, both keyed by SECRET_KEY. Rows older than the retention period are deleted on the
next write (`public.lookup_admit`), so anonymous visitors cannot grow the table without
bound. The audit log (`lindung.audit`) is not used for this on purpose: it is append-only
forever, keeps the IP address in clear and records officials, not anonymous visitors.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LookupOutcome(models.TextChoices):
    """The answer a lookup got; a wrong birth date is recorded as what was shown: not found."""

    COVERED = "covered", _("Terlindungi")
    PENDING = "pending", _("Sedang diproses")
    ENDED = "ended", _("Tidak lagi terlindungi")
    NOT_FOUND = "not_found", _("Tidak ditemukan")
    INVALID = "invalid", _("Isian tidak valid")


class PublicLookup(models.Model):
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    client = models.CharField(_("klien (HMAC alamat jaringan)"), max_length=64)
    nik_digest = models.CharField(_("HMAC NIK"), max_length=64, blank=True)
    # Empty while the lookup is being answered (or if answering it failed).
    outcome = models.CharField(_("hasil"), max_length=12, choices=LookupOutcome.choices, blank=True)

    class Meta:
        verbose_name = _("cek status publik")
        verbose_name_plural = _("cek status publik")
        ordering = ["-at", "-id"]
        indexes = [
            # The per-client count of the rate limit, and the global count and pruning.
            models.Index(fields=["client", "at"], name="public_lookup_client_at"),
            models.Index(fields=["at"], name="public_lookup_at"),
        ]
        constraints = [
            models.CheckConstraint(
                name="public_lookup_outcome_is_known",
                condition=models.Q(outcome__in=["", *LookupOutcome.values]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome or '-'}"

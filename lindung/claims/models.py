"""The claims register: JKK and JKM cases of members.

Issue 6 opens JKM cases when a member's death is confirmed; the register itself (heirs,
status with BPJS, amounts paid) grows with the claims work.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.membership.models import Membership


class ClaimBenefit(models.TextChoices):
    JKK = "JKK", _("JKK (kecelakaan kerja)")
    JKM = "JKM", _("JKM (kematian)")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Dibuka, berkas belum lengkap")
    SUBMITTED = "submitted", _("Diajukan ke BPJS")
    PAID = "paid", _("Dibayar")
    REJECTED = "rejected", _("Ditolak BPJS")


class Claim(models.Model):
    """One JKK or JKM case of one member."""

    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="claims", verbose_name=_("peserta")
    )
    benefit = models.CharField(_("manfaat"), max_length=3, choices=ClaimBenefit.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    event_date = models.DateField(_("tanggal kejadian"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuka oleh"),
    )
    created_at = models.DateTimeField(_("dibuka"), default=timezone.now)

    class Meta:
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A person dies once: one JKM case per member.
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(benefit="JKM"),
                name="claim_one_jkm_per_member",
            ),
            models.CheckConstraint(
                name="claim_benefit_is_known", condition=models.Q(benefit__in=ClaimBenefit.values)
            ),
            models.CheckConstraint(
                name="claim_status_is_known", condition=models.Q(status__in=ClaimStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.membership_id}"

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


def _untied(to: str) -> models.ForeignKey[models.Model]:
    """A reference the count triggers write with plain SQL: no constraint and no index of
    its own (each count table's unique key leads with the programme)."""
    return models.ForeignKey(
        to, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )


class MemberCount(models.Model):
    """Members per programme, village, status, sex and occupation (0: none recorded).

    Kept by database triggers on `membership_membership` (`lindung.reports.counts`), in the
    same statement as the change, so the dashboard reads a few thousand rows instead of
    counting a million members. Not a foreign key on purpose: the triggers write here with
    plain SQL, and nothing may stop a membership change for the sake of a report.
    """

    programme = _untied("programs.Programme")
    village = _untied("regions.Region")
    status = models.CharField(max_length=12)
    sex = models.CharField(max_length=1)
    occupation = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "village", "status", "sex", "occupation"],
                name="member_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.status} {self.sex} {self.occupation}: {self.n}"


class MemberBirthCount(models.Model):
    """Members per programme, kecamatan, status and birth month (its first day).

    Per kecamatan, not village: a regency's age profile then reads tens of thousands of rows,
    not hundreds of thousands. A village's own few thousand members are counted directly.
    Kept by the same triggers as `MemberCount`.
    """

    programme = _untied("programs.Programme")
    district = _untied("regions.Region")
    status = models.CharField(max_length=12)
    born = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "district", "status", "born"], name="member_birth_count_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.status} {self.born:%Y-%m}: {self.n}"

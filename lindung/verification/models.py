"""Automatic verification of proposals: one run per batch or period, and its findings.

A run records which reference snapshots it used, so every finding can be traced to the
extract it rests on. A proposal's *current* findings are those of the last run that checked
it; older ones stay, marked `current=False`, as the record of what was found then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.models import Batch, Proposal
from lindung.references.models import Snapshot
from lindung.regions.models import Region


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu giliran")
    RUNNING = "running", _("Sedang berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class Severity(models.TextChoices):
    REJECT = "reject", _("Menolak")
    REVIEW = "review", _("Perlu diperiksa petugas")
    WARN = "warn", _("Peringatan")


class Resolution(models.TextChoices):
    CONFIRMED = "confirmed", _("Orang yang sama")
    DISMISSED = "dismissed", _("Bukan orang yang sama")
    OVERRIDDEN = "overridden", _("Dikesampingkan")


class VerificationRun(models.Model):
    """One automatic verification of a batch, or of every pending proposal of a period."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    period = models.ForeignKey(
        ProposalPeriod, models.PROTECT, related_name="+", verbose_name=_("periode usulan")
    )
    batch = models.ForeignKey(
        Batch,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="verification_runs",
        verbose_name=_("kiriman"),
    )
    area = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("wilayah yang diperiksa")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dijalankan oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    step = models.CharField(_("langkah"), max_length=200, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    snapshots = models.ManyToManyField(
        Snapshot, related_name="+", blank=True, verbose_name=_("data pembanding yang dipakai")
    )
    counts = models.JSONField(_("jumlah"), default=dict, blank=True)
    seconds = models.JSONField(_("waktu per langkah (detik)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("verifikasi otomatis")
        verbose_name_plural = _("verifikasi otomatis")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="run_status_is_known", condition=models.Q(status__in=RunStatus.values)
            ),
            models.CheckConstraint(
                name="run_progress_is_a_percentage", condition=models.Q(progress__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("verification:run", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class Finding(models.Model):
    """One reason code raised for one proposal by one run, with its evidence."""

    run = models.ForeignKey(
        VerificationRun, models.PROTECT, related_name="findings", verbose_name=_("verifikasi")
    )
    proposal = models.ForeignKey(
        Proposal, models.PROTECT, related_name="findings", verbose_name=_("usulan")
    )
    code = models.CharField(_("kode alasan"), max_length=40)
    severity = models.CharField(_("tingkat"), max_length=10, choices=Severity.choices)
    message = models.TextField(_("pesan"))
    # What `evidence_id` points at: a reference record (welfare, bpjs, programme, exclusion,
    # death), a membership (member) or another proposal (proposal); empty = no evidence.
    evidence_kind = models.CharField(_("jenis bukti"), max_length=20, blank=True)
    evidence_id = models.BigIntegerField(_("bukti"), null=True, blank=True)
    score = models.FloatField(_("skor kecocokan"), null=True, blank=True)
    explanation = models.TextField(_("penjelasan kecocokan"), blank=True)
    # For showing the message in another language: `engine.verify.render(template, params)`.
    template = models.CharField(_("templat pesan"), max_length=40, blank=True)
    params = models.JSONField(_("isi pesan"), default=dict, blank=True)
    current = models.BooleanField(_("berlaku"), default=True)
    resolution = models.CharField(
        _("keputusan petugas"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("alasan keputusan"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    resolved_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)

    class Meta:
        verbose_name = _("temuan verifikasi")
        verbose_name_plural = _("temuan verifikasi")
        ordering = ["proposal_id", "id"]
        indexes = [
            models.Index(fields=["proposal", "current"], name="finding_proposal_current"),
            models.Index(fields=["run", "code"], name="finding_run_code"),
        ]
        constraints = [
            models.CheckConstraint(
                name="finding_severity_is_known",
                condition=models.Q(severity__in=Severity.values),
            ),
            models.CheckConstraint(
                name="finding_resolution_is_known",
                condition=models.Q(resolution="") | models.Q(resolution__in=Resolution.values),
            ),
            # A resolution always says who made it and when.
            models.CheckConstraint(
                name="finding_resolution_has_author",
                condition=models.Q(resolution="")
                | models.Q(resolved_by__isnull=False, resolved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.code}"

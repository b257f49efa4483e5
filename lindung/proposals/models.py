"""Proposals from villages: each upload or form entry is a batch, every row of it is kept as
received, and the rows that could be read become proposals.

Counts add up by construction: a batch's `row_count` equals accepted + rejected +
duplicate (a check constraint), and every row has exactly one outcome. A proposal's status
changes only through `services.proposal_transition`, which bumps `version` so two reviewers
acting at once cannot both win, and appends a `ProposalEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.append_only import AppendOnlyModel
from lindung.programs.models import Occupation, Programme, ProposalPeriod
from lindung.regions.models import Region


class Source(models.TextChoices):
    FORM = "form", _("Formulir")
    UPLOAD = "upload", _("Unggah berkas")
    COMMAND = "command", _("Perintah lindung")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")
    DUPLICATE = "duplicate", _("Sudah diusulkan")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima, belum diperiksa")
    VERIFIED = "verified", _("Sudah diperiksa sistem")
    REVIEW = "review", _("Perlu diperiksa petugas")
    FORWARDED = "forwarded", _("Diteruskan kecamatan ke Dinas")
    RETURNED = "returned", _("Dikembalikan ke desa")
    ELIGIBLE = "eligible", _("Layak")
    NOT_ELIGIBLE = "not_eligible", _("Tidak layak")
    WITHDRAWN = "withdrawn", _("Ditarik")


# A proposal in one of these no longer takes a place in the village's (or district's) quota.
RELEASED_STATUSES = (ProposalStatus.WITHDRAWN, ProposalStatus.NOT_ELIGIBLE)


class Action(models.TextChoices):
    SUBMITTED = "submitted", _("Diusulkan")
    VERIFIED = "verified", _("Diperiksa sistem")
    FORWARDED = "forwarded", _("Diteruskan")
    RETURNED = "returned", _("Dikembalikan")
    DECIDED = "decided", _("Diputuskan")
    OVERRIDDEN = "overridden", _("Peringatan dikesampingkan")
    MATCH_RESOLVED = "match_resolved", _("Kecocokan data diputuskan")
    WITHDRAWN = "withdrawn", _("Ditarik")
    CORRECTED = "corrected", _("Diperbaiki desa")


class Batch(models.Model):
    """One delivery of proposals: an uploaded file, a command run, or one form entry."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    period = models.ForeignKey(
        ProposalPeriod, models.PROTECT, related_name="batches", verbose_name=_("periode usulan")
    )
    area = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("wilayah pengirim")
    )
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    # NULL for form entries, which have no file: the uniqueness below applies to files only.
    file_sha256 = models.CharField(  # noqa: DJ001
        _("sidik berkas (SHA-256)"), max_length=64, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikirim oleh"),
    )
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    row_count = models.PositiveIntegerField(_("jumlah baris"))
    accepted_count = models.PositiveIntegerField(_("diterima"))
    rejected_count = models.PositiveIntegerField(_("ditolak"))
    duplicate_count = models.PositiveIntegerField(_("sudah diusulkan"))
    # How the file was read: header row, column mapping, empty rows skipped, sheet name.
    detail = models.JSONField(_("rincian pembacaan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("kiriman usulan")
        verbose_name_plural = _("kiriman usulan")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="batch_counts_add_up",
                condition=models.Q(
                    row_count=models.F("accepted_count")
                    + models.F("rejected_count")
                    + models.F("duplicate_count")
                ),
            ),
            models.UniqueConstraint(
                fields=["period", "area", "file_sha256"],
                condition=models.Q(file_sha256__isnull=False),
                name="batch_file_once_per_period_and_area",
            ),
            models.CheckConstraint(
                name="batch_source_is_known", condition=models.Q(source__in=Source.values)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name or self.get_source_display()}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:batch", args=[self.pk])


class Proposal(models.Model):
    """One worker proposed by one village in one period."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    period = models.ForeignKey(
        ProposalPeriod, models.PROTECT, related_name="proposals", verbose_name=_("periode usulan")
    )
    village = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan pengusul")
    )
    batch = models.ForeignKey(
        Batch, models.PROTECT, related_name="proposals", verbose_name=_("kiriman pertama")
    )
    nik = models.CharField(_("NIK"), max_length=16)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    name_normalized = models.CharField(_("nama baku"), max_length=150, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    occupation = models.ForeignKey(
        Occupation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pekerjaan"),
    )
    occupation_text = models.CharField(_("pekerjaan seperti ditulis"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diusulkan oleh"),
    )
    created_at = models.DateTimeField(_("diusulkan"), default=timezone.now)

    class Meta:
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["period", "status"], name="proposal_period_status"),
            models.Index(fields=["period", "nik"], name="proposal_period_nik"),
        ]
        constraints = [
            # The same person proposed again by the same village is a duplicate row, not a
            # second proposal; another village proposing them is allowed and flagged later.
            models.UniqueConstraint(
                fields=["period", "village", "nik"], name="proposal_once_per_village_and_period"
            ),
            models.CheckConstraint(
                name="proposal_nik_is_16_digits", condition=models.Q(nik__regex=r"^[0-9]{16}$")
            ),
            models.CheckConstraint(
                name="proposal_kk_empty_or_16_digits",
                condition=models.Q(kk="") | models.Q(kk__regex=r"^[0-9]{16}$"),
            ),
            models.CheckConstraint(
                name="proposal_sex_is_l_or_p", condition=models.Q(sex__in=["L", "P"])
            ),
            models.CheckConstraint(
                name="proposal_status_is_known",
                condition=models.Q(status__in=ProposalStatus.values),
            ),
            models.CheckConstraint(
                name="proposal_version_positive", condition=models.Q(version__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])


class ProposalRow(models.Model):
    """One row of a batch exactly as received, and what became of it."""

    batch = models.ForeignKey(Batch, models.CASCADE, related_name="rows", verbose_name=_("kiriman"))
    row_number = models.PositiveIntegerField(_("baris"))
    raw = models.JSONField(_("isi baris seperti diterima"))
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices)
    problems = models.JSONField(_("masalah"), default=list, blank=True)
    proposal = models.ForeignKey(
        Proposal,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="rows",
        verbose_name=_("usulan"),
    )

    class Meta:
        verbose_name = _("baris kiriman")
        verbose_name_plural = _("baris kiriman")
        ordering = ["batch_id", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="row_once_per_batch"),
            models.CheckConstraint(
                name="row_outcome_is_known", condition=models.Q(outcome__in=Outcome.values)
            ),
            # Accepted and duplicate rows point at their proposal; rejected rows at none.
            models.CheckConstraint(
                name="row_proposal_matches_outcome",
                condition=models.Q(outcome=Outcome.REJECTED, proposal__isnull=True)
                | (~models.Q(outcome=Outcome.REJECTED) & models.Q(proposal__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class ProposalEvent(AppendOnlyModel):
    """One step in a proposal's life: who, when, from which status to which, and why.
    Append-only."""

    proposal = models.ForeignKey(
        Proposal, models.PROTECT, related_name="events", verbose_name=_("usulan")
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("dari status"), max_length=20, choices=ProposalStatus.choices, blank=True
    )
    to_status = models.CharField(_("ke status"), max_length=20, choices=ProposalStatus.choices)
    note = models.TextField(_("catatan"), blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("riwayat usulan")
        verbose_name_plural = _("riwayat usulan")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                name="event_action_is_known", condition=models.Q(action__in=Action.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.action}"

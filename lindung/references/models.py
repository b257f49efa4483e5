"""Reference extracts: dated, immutable snapshots of other agencies' lists.

Verification decides against these (the welfare registry, BPJS participants, exclusion
lists, deaths and moves), so a decision can always name the extract it rested on. A
snapshot never changes once imported; a newer extract is a new snapshot.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.append_only import AppendOnlyModel
from lindung.regions.models import Region


class ReferenceKind(models.TextChoices):
    WELFARE = "welfare", _("Data kesejahteraan (DTSEN/DTKS/P3KE)")
    BPJS = "bpjs", _("Peserta BPJS Ketenagakerjaan")
    PROGRAMME = "programme", _("Peserta program lain")
    EXCLUSION = "exclusion", _("Daftar pengecualian (ASN/PPPK/TNI/Polri)")
    DEATH = "death", _("Kematian (Dukcapil)")
    MOVE = "move", _("Pindah domisili (Dukcapil)")


class SnapshotStatus(models.TextChoices):
    READY = "ready", _("Siap dipakai")
    FAILED = "failed", _("Gagal")


class Segment(models.TextChoices):
    PU = "pu", _("Penerima upah (PU)")
    BPU = "bpu", _("Bukan penerima upah (BPU)")
    JAKON = "jakon", _("Jasa konstruksi")
    PMI = "pmi", _("Pekerja migran Indonesia")


class Snapshot(AppendOnlyModel):
    kind = models.CharField(_("jenis data"), max_length=20, choices=ReferenceKind.choices)
    source = models.CharField(
        _("sumber"),
        max_length=80,
        help_text=_("Mis. DTSEN, DTKS, P3KE, BPJS Ketenagakerjaan, BKD."),
    )
    area = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("wilayah cakupan")
    )
    extracted_on = models.DateField(_("tanggal data"))
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64)
    row_count = models.PositiveIntegerField(_("jumlah baris"))
    accepted_count = models.PositiveIntegerField(_("baris diterima"))
    rejected_count = models.PositiveIntegerField(_("baris ditolak"))
    column_mapping = models.JSONField(_("pemetaan kolom"), default=dict)
    # In file order: PostgreSQL's jsonb does not keep the key order of RejectedRecord.raw.
    headers = models.JSONField(_("judul kolom di berkas"), default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diimpor oleh"),
    )
    imported_at = models.DateTimeField(_("waktu impor"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.READY
    )
    note = models.TextField(_("catatan"), blank=True)

    # Set by `snapshot_import` when it found this file already imported: nothing new was made.
    reused: bool = False

    class Meta:
        verbose_name = _("data pembanding")
        verbose_name_plural = _("data pembanding")
        ordering = ["-extracted_on", "-imported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="snapshot_counts_add_up",
                condition=models.Q(
                    row_count=models.F("accepted_count") + models.F("rejected_count")
                ),
            ),
            models.CheckConstraint(
                name="snapshot_kind_is_known", condition=models.Q(kind__in=ReferenceKind.values)
            ),
            # The same file imported twice for the same list and area is the same snapshot.
            models.UniqueConstraint(
                fields=["kind", "area", "file_sha256"], name="snapshot_file_once_per_kind_area"
            ),
        ]
        indexes = [models.Index(fields=["kind", "area", "extracted_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source} {self.extracted_on:%d-%m-%Y}"


class ReferenceRecord(models.Model):
    """One row of an extract, cleaned; one wide table for every kind of list."""

    # The (snapshot, nik) index serves lookups by snapshot; a second one would only slow COPY.
    snapshot = models.ForeignKey(Snapshot, models.PROTECT, related_name="records", db_index=False)
    row_number = models.PositiveIntegerField(_("baris"))
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama"), max_length=200, blank=True)
    name_normalized = models.CharField(_("nama baku"), max_length=200, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, blank=True)
    # Text, not a foreign key: extracts carry codes outside the loaded areas.
    village_code = models.CharField(_("kode desa"), max_length=13, blank=True)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    kpj = models.CharField(_("KPJ"), max_length=20, blank=True)
    segment = models.CharField(_("segmen"), max_length=5, choices=Segment.choices, blank=True)
    active = models.BooleanField(_("aktif"), null=True, blank=True)
    category = models.CharField(_("kategori"), max_length=60, blank=True)
    event_date = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    detail = models.CharField(
        _("keterangan"), max_length=200, blank=True, help_text=_("Program lain atau tujuan pindah.")
    )

    class Meta:
        verbose_name = _("baris data pembanding")
        verbose_name_plural = _("baris data pembanding")
        # A plain index on nik, without the LIKE twin `db_index=True` adds on PostgreSQL.
        indexes = [models.Index(fields=["snapshot", "nik"]), models.Index(fields=["nik"])]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.row_number}"


class RejectedRecord(models.Model):
    """A row that could not be read, kept as received with what to fix."""

    snapshot = models.ForeignKey(Snapshot, models.PROTECT, related_name="rejected")
    row_number = models.PositiveIntegerField(_("baris"))
    raw = models.JSONField(_("isi baris"), default=dict)
    reasons = models.JSONField(_("alasan"), default=list)

    class Meta:
        verbose_name = _("baris ditolak")
        verbose_name_plural = _("baris ditolak")
        ordering = ["snapshot", "row_number"]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.row_number}"

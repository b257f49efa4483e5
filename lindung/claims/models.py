"""The claims register: JKK and JKM cases of members.

A case moves reported -> documents complete -> submitted to BPJS -> paid or rejected
(`ClaimStatus`); every move is a `ClaimEvent`. Heirs (`ClaimHeir`) are who BPJS pays a
JKM benefit to. The documents checklist (`ClaimDocument`) is filled from
`claims.benefits.DOCUMENTS` when the case opens. Amounts are per benefit component
(`ClaimComponent`): the expected amount from PP 82/2019 where the regulation fixes one
(`claims.benefits`), the amount BPJS actually paid as recorded. Integer rupiah.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.append_only import AppendOnlyModel
from lindung.membership.models import Membership


class ClaimBenefit(models.TextChoices):
    JKK = "JKK", _("JKK (kecelakaan kerja)")
    JKM = "JKM", _("JKM (kematian)")


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Dilaporkan")
    COMPLETE = "complete", _("Berkas lengkap")
    SUBMITTED = "submitted", _("Diajukan ke BPJS")
    PAID = "paid", _("Dibayar")
    REJECTED = "rejected", _("Ditolak BPJS")


class ClaimSource(models.TextChoices):
    MANUAL = "manual", _("Dilaporkan petugas")
    DEATH_RECORD = "death_record", _("Data kematian Dukcapil")


class HeirRelation(models.TextChoices):
    SPOUSE = "spouse", _("Suami/istri")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    GRANDCHILD = "grandchild", _("Cucu")
    SIBLING = "sibling", _("Saudara kandung")
    GRANDPARENT = "grandparent", _("Kakek/nenek")
    IN_LAW = "in_law", _("Mertua")
    OTHER = "other", _("Pihak yang ditunjuk (wasiat)")


class ClaimComponentKind(models.TextChoices):
    JKM_LUMP_SUM = "jkm_lump_sum", _("Santunan sekaligus")
    JKM_PERIODIC = "jkm_periodic", _("Santunan berkala (24 bulan)")
    JKM_FUNERAL = "jkm_funeral", _("Biaya pemakaman")
    JKM_SCHOLARSHIP = "jkm_scholarship", _("Beasiswa pendidikan anak")
    JKK_MEDICAL = "jkk_medical", _("Perawatan dan pengobatan")
    JKK_HOME_CARE = "jkk_home_care", _("Perawatan di rumah")
    JKK_TRANSPORT = "jkk_transport", _("Biaya transportasi")
    JKK_TEMPORARY_INCAPACITY = "jkk_temporary", _("Santunan sementara tidak mampu bekerja")
    JKK_DISABILITY = "jkk_disability", _("Santunan cacat")
    JKK_DEATH = "jkk_death", _("Santunan kematian akibat kecelakaan kerja")
    JKK_FUNERAL = "jkk_funeral", _("Biaya pemakaman (JKK)")
    JKK_SCHOLARSHIP = "jkk_scholarship", _("Beasiswa pendidikan anak (JKK)")
    OTHER = "other", _("Lainnya")


class ClaimAction(models.TextChoices):
    OPENED = "opened", _("Kasus dibuka")
    CONFIRMED = "confirmed", _("Kematian dikonfirmasi data Dukcapil")
    HEIR_ADDED = "heir_added", _("Ahli waris ditambahkan")
    HEIR_REMOVED = "heir_removed", _("Ahli waris dihapus")
    DOCUMENTS_RECEIVED = "docs_received", _("Dokumen diterima")
    DOCUMENTS_UNRECEIVED = "docs_unreceived", _("Tanda terima dokumen dibatalkan")
    COMPLETED = "completed", _("Berkas dinyatakan lengkap")
    SUBMITTED = "submitted", _("Diajukan ke BPJS")
    PAID = "paid", _("Dibayar BPJS")
    REJECTED = "rejected", _("Ditolak BPJS")
    AMOUNT = "amount", _("Jumlah dibayar dicatat")


class Claim(models.Model):
    """One JKK or JKM case of one member."""

    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="claims", verbose_name=_("peserta")
    )
    benefit = models.CharField(_("manfaat"), max_length=3, choices=ClaimBenefit.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    source = models.CharField(
        _("sumber laporan"), max_length=12, choices=ClaimSource.choices, default=ClaimSource.MANUAL
    )
    event_date = models.DateField(_("tanggal kejadian"))
    event_place = models.CharField(_("tempat kejadian"), max_length=255, blank=True)
    description = models.TextField(_("uraian kejadian"), blank=True)
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("nomor HP pelapor"), max_length=20, blank=True)
    reported_on = models.DateField(_("tanggal lapor"), default=timezone.localdate)
    bpjs_reference = models.CharField(_("nomor klaim BPJS"), max_length=50, blank=True)
    submitted_on = models.DateField(_("diajukan ke BPJS"), null=True, blank=True)
    decided_on = models.DateField(_("diputus BPJS"), null=True, blank=True)
    rejection_reason = models.TextField(_("alasan ditolak"), blank=True)
    note = models.TextField(_("catatan"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
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
        indexes = [models.Index(fields=["status", "benefit"], name="claim_status_benefit")]
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
            models.CheckConstraint(
                name="claim_source_is_known", condition=models.Q(source__in=ClaimSource.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.membership_id}"

    def get_absolute_url(self) -> str:
        return reverse("claims:claim", args=[self.pk])


class ClaimHeir(models.Model):
    """Someone BPJS pays the member's benefit to (JKM: the heirs, PP 82/2019)."""

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="heirs", verbose_name=_("klaim"))
    name = models.CharField(_("nama"), max_length=150)
    relation = models.CharField(_("hubungan"), max_length=12, choices=HeirRelation.choices)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("ahli waris")
        verbose_name_plural = _("ahli waris")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="claim_heir_relation_is_known",
                condition=models.Q(relation__in=HeirRelation.values),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClaimDocument(models.Model):
    """One line of the case's documents checklist: required or not, received or not."""

    claim = models.ForeignKey(
        Claim, models.CASCADE, related_name="documents", verbose_name=_("klaim")
    )
    code = models.CharField(_("kode dokumen"), max_length=30)
    required = models.BooleanField(_("wajib"), default=True)
    received_on = models.DateField(_("diterima"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("dokumen klaim")
        verbose_name_plural = _("dokumen klaim")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "code"], name="claim_document_once"),
        ]

    def __str__(self) -> str:
        return self.code


class ClaimComponent(models.Model):
    """One benefit component of a case: what PP 82/2019 leads us to expect, what BPJS paid."""

    claim = models.ForeignKey(
        Claim, models.CASCADE, related_name="components", verbose_name=_("klaim")
    )
    kind = models.CharField(_("komponen"), max_length=16, choices=ClaimComponentKind.choices)
    expected_amount = models.PositiveBigIntegerField(_("perkiraan (Rp)"), null=True, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("dibayar BPJS (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("tanggal dibayar"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("komponen manfaat")
        verbose_name_plural = _("komponen manfaat")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "kind"], name="claim_component_once"),
            models.CheckConstraint(
                name="claim_component_kind_is_known",
                condition=models.Q(kind__in=ClaimComponentKind.values),
            ),
        ]

    def __str__(self) -> str:
        return self.kind


class ClaimEvent(AppendOnlyModel):
    """What happened to a case, in order: opened, status moves, documents, amounts."""

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="events", verbose_name=_("klaim"))
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    action = models.CharField(_("tindakan"), max_length=20, choices=ClaimAction.choices)
    from_status = models.CharField(
        _("dari status"), max_length=10, blank=True, choices=ClaimStatus.choices
    )
    to_status = models.CharField(
        _("ke status"), max_length=10, blank=True, choices=ClaimStatus.choices
    )
    note = models.TextField(_("catatan"), blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("riwayat klaim")
        verbose_name_plural = _("riwayat klaim")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.action}"

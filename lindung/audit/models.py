from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.append_only import AppendOnlyModel

# What each `object_type` is, as the audit log's reader calls it (types not listed here
# are shown as stored). The `detail` keys are named in display.py.
OBJECT_TYPES = {
    "api_token": _("Token API"),
    "bill": _("Tagihan iuran"),
    "budget_position": _("Posisi anggaran"),
    "budget_warning": _("Peringatan anggaran"),
    "claim": _("Klaim"),
    "coverage_report": _("Cakupan peserta per wilayah"),
    "decree": _("Keputusan (SK)"),
    "invoice": _("Tagihan BPJS"),
    "invoice_difference": _("selisih tagihan"),
    "membership": _("Peserta"),
    "paritrana_profile": _("Profil Paritrana Award"),
    "payment": _("Pembayaran (SP2D)"),
    "person": _("Orang"),
    "proposal": _("Usulan"),
    "proposal_batch": _("Kiriman usulan"),
    "reference_rejected": _("Baris ditolak"),
    "registration_export": _("berkas pendaftaran BPJS"),
    "user": _("Pengguna"),
}


class AuditEvent(AppendOnlyModel):
    """An append-only record of who saw or took personal data (UU PDP 27/2022).

    Rows are never updated or deleted: the model refuses it, and database triggers
    (see the migration) refuse it for any other client too.
    """

    class Action(models.TextChoices):
        NIK_VIEW = "nik_view", _("Melihat NIK lengkap")
        EXPORT = "export", _("Mengekspor data pribadi")
        LOGIN = "login", _("Masuk")
        LOGIN_FAILED = "login_failed", _("Gagal masuk")
        LOGOUT = "logout", _("Keluar")
        ADMIN_CHANGE = "admin_change", _("Perubahan oleh admin")
        # The money side: every decision on a bill, an invoice or a payment.
        BILL_DRAFT = "bill_draft", _("Menyusun draf tagihan iuran")
        BILL_APPROVE = "bill_approve", _("Menyetujui tagihan iuran")
        INVOICE_IMPORT = "invoice_import", _("Mengunggah tagihan BPJS")
        DIFFERENCE_RESOLVE = "difference_resolve", _("Menyelesaikan selisih tagihan")
        PAYMENT_RECORD = "payment_record", _("Mencatat pembayaran (SP2D)")
        PAYMENT_VOID = "payment_void", _("Membatalkan pembayaran")
        BUDGET_WARNING = "budget_warning", _("Peringatan anggaran hampir habis")
        BUDGET_WARNING_ACK = "budget_warning_ack", _("Menanggapi peringatan anggaran")
        # Claims: every step of a JKK or JKM case.
        CLAIM_OPEN = "claim_open", _("Membuka kasus klaim")
        CLAIM_HEIR = "claim_heir", _("Mengubah ahli waris klaim")
        CLAIM_DOCUMENT = "claim_document", _("Mencatat dokumen klaim")
        CLAIM_STATUS = "claim_status", _("Mengubah status klaim")
        CLAIM_AMOUNT = "claim_amount", _("Mencatat manfaat klaim yang dibayar")
        API_TOKEN_CREATE = "api_token_create", _("Membuat token API")
        API_TOKEN_REVOKE = "api_token_revoke", _("Mencabut token API")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengguna"),
        db_constraint=False,
    )
    actor_username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("jenis objek"), max_length=50, blank=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    @property
    def object_label(self) -> str:
        return str(OBJECT_TYPES.get(self.object_type, self.object_type))

"""From eligible proposals to insured members, and keeping the list right over the year.

- `Determination`: the one penetapan of a proposal period: its budget, months, the ranking's
  counts. It creates the period's `Membership` rows and `WaitingEntry` rows at once.
- `Membership`: one person in one programme period, moving determined -> registered ->
  ended, only through `services` (optimistic `version`, one `MembershipEvent` per step).
  The database refuses a second *active* membership of the same person in the same
  programme (a partial unique index), so two requests at once cannot both create one.
- `Decree` and `DecreeEntry`: the Bupati's SK and its amendments; an entry says which
  membership a decree added or ended, so an amendment lists exactly the changes no earlier
  decree listed.
- `RegistrationExport` / `RegistrationImport` + `RegistrationRow`: the collective
  registration file sent to BPJS and the result file it sent back, every row kept.
- `ExitCandidate`: an active member found in a death or move extract, for the Dinas to
  confirm or dismiss.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.append_only import AppendOnlyModel
from lindung.programs.models import BudgetLine, Occupation, Programme, ProposalPeriod
from lindung.proposals.models import Proposal
from lindung.references.models import ReferenceRecord, Snapshot
from lindung.regions.models import Region


class MemberStatus(models.TextChoices):
    DETERMINED = "determined", _("Ditetapkan, belum terdaftar di BPJS")
    REGISTERED = "registered", _("Terdaftar di BPJS")
    ENDED = "ended", _("Berhenti")


ACTIVE_STATUSES = (MemberStatus.DETERMINED, MemberStatus.REGISTERED)


class EndReason(models.TextChoices):
    DEATH = "death", _("Meninggal dunia")
    MOVED = "moved", _("Pindah domisili ke luar wilayah program")
    WAGE_EARNER = "wage_earner", _("Menjadi pekerja penerima upah")
    AGE_LIMIT = "age_limit", _("Melewati batas usia")
    WITHDRAWN = "withdrawn", _("Mengundurkan diri")
    INELIGIBLE = "ineligible", _("Ternyata tidak memenuhi syarat")
    BPJS_REJECTED = "bpjs_rejected", _("Ditolak BPJS dan diganti")


class MemberAction(models.TextChoices):
    DETERMINED = "determined", _("Ditetapkan")
    EXPORTED = "exported", _("Dikirim ke BPJS untuk didaftarkan")
    REGISTERED = "registered", _("Terdaftar di BPJS")
    REJECTED = "rejected", _("Ditolak BPJS")
    CORRECTED = "corrected", _("Data diperbaiki")
    ENDED = "ended", _("Berhenti")
    REPLACED = "replaced", _("Menggantikan peserta yang berhenti")
    DECREED = "decreed", _("Dicantumkan dalam SK")


class Determination(models.Model):
    """The penetapan of one proposal period: who got a place, within which budget."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    period = models.OneToOneField(
        ProposalPeriod,
        models.PROTECT,
        related_name="determination",
        verbose_name=_("periode usulan"),
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pos anggaran"),
    )
    months = models.PositiveSmallIntegerField(_("jumlah bulan yang dibiayai"))
    coverage_start = models.DateField(_("perlindungan direncanakan mulai"))
    monthly_rate = models.PositiveBigIntegerField(_("iuran per peserta per bulan"))
    # Places the budget pays for, after the members already active; NULL = no budget limit.
    capacity = models.PositiveIntegerField(_("tempat yang dibiayai"), null=True, blank=True)
    counts = models.JSONField(_("jumlah"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    created_at = models.DateTimeField(_("ditetapkan"), default=timezone.now)

    class Meta:
        verbose_name = _("penetapan")
        verbose_name_plural = _("penetapan")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="determination_months_1_to_12",
                condition=models.Q(months__gte=1, months__lte=12),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}"

    def get_absolute_url(self) -> str:
        return reverse("membership:determination", args=[self.pk])


class Membership(models.Model):
    """One person's place in one programme period. The personal data is copied from the
    proposal at determination: the decree and the BPJS file name what was decided."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    period = models.ForeignKey(
        ProposalPeriod, models.PROTECT, related_name="memberships", verbose_name=_("periode")
    )
    determination = models.ForeignKey(
        Determination, models.PROTECT, related_name="memberships", verbose_name=_("penetapan")
    )
    proposal = models.OneToOneField(
        Proposal, models.PROTECT, related_name="membership", verbose_name=_("usulan")
    )
    village = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan")
    )
    nik = models.CharField(_("NIK"), max_length=16)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
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
    rank = models.PositiveIntegerField(_("peringkat di wilayah kuota"))
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.DETERMINED
    )
    status_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    version = models.PositiveIntegerField(_("versi"), default=1)
    kpj = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    coverage_start = models.DateField(_("perlindungan mulai"), null=True, blank=True)
    registration_export = models.ForeignKey(
        "RegistrationExport",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("berkas pendaftaran terakhir"),
    )
    # BPJS's reason when it refused the registration; cleared when the data is corrected.
    registration_problem = models.CharField(_("alasan ditolak BPJS"), max_length=255, blank=True)
    ended_on = models.DateField(_("berhenti mulai"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berhenti"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_evidence = models.CharField(_("bukti"), max_length=255, blank=True)
    end_note = models.TextField(_("catatan berhenti"), blank=True)
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("menggantikan"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        ordering = ["village_id", "rank", "id"]
        indexes = [
            models.Index(fields=["programme", "status"], name="membership_programme_status"),
            models.Index(fields=["nik"], name="membership_nik"),
            # The dashboard's age bands count the members born in a band's edge month.
            models.Index(fields=["programme", "birth_date"], name="membership_programme_birth"),
        ]
        constraints = [
            # The rule the whole programme rests on: nobody is paid for twice.
            models.UniqueConstraint(
                fields=["programme", "nik"],
                condition=models.Q(status__in=["determined", "registered"]),
                name="membership_one_active_per_person",
            ),
            models.UniqueConstraint(fields=["period", "nik"], name="membership_once_per_period"),
            models.CheckConstraint(
                name="membership_status_is_known",
                condition=models.Q(status__in=MemberStatus.values),
            ),
            models.CheckConstraint(
                name="membership_nik_is_16_digits", condition=models.Q(nik__regex=r"^[0-9]{16}$")
            ),
            models.CheckConstraint(
                name="membership_sex_is_l_or_p", condition=models.Q(sex__in=["L", "P"])
            ),
            # Registered means BPJS gave a KPJ and a start date.
            models.CheckConstraint(
                name="membership_registered_has_kpj",
                condition=~models.Q(status="registered")
                | (~models.Q(kpj="") & models.Q(coverage_start__isnull=False)),
            ),
            # Ended means a reason and a date, and only ended members have them.
            models.CheckConstraint(
                name="membership_end_has_reason_and_date",
                condition=(
                    models.Q(status="ended")
                    & models.Q(ended_on__isnull=False)
                    & ~models.Q(end_reason="")
                )
                | (
                    ~models.Q(status="ended")
                    & models.Q(ended_on__isnull=True)
                    & models.Q(end_reason="")
                ),
            ),
            models.CheckConstraint(
                name="membership_version_positive", condition=models.Q(version__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("membership:member", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    # The personal data a membership copies from its proposal: the decree and the BPJS
    # file name what was decided, whatever happens to the proposal later.
    PROPOSAL_FIELDS = (
        "village_id",
        "nik",
        "kk",
        "name",
        "birth_place",
        "birth_date",
        "sex",
        "address",
        "phone",
        "occupation_id",
    )

    @classmethod
    def from_proposal(cls, proposal: Proposal, **fields: Any) -> Membership:
        """An unsaved membership for `proposal`, its personal data copied."""
        copied = {name: getattr(proposal, name) for name in cls.PROPOSAL_FIELDS}
        return cls(proposal=proposal, programme_id=proposal.programme_id, **copied, **fields)


class MembershipEvent(AppendOnlyModel):
    """One step in a membership's life: who, when, what, why. Append-only."""

    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="events", verbose_name=_("peserta")
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
    action = models.CharField(_("tindakan"), max_length=20, choices=MemberAction.choices)
    from_status = models.CharField(
        _("dari status"), max_length=12, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField(_("ke status"), max_length=12, choices=MemberStatus.choices)
    note = models.TextField(_("catatan"), blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("riwayat peserta")
        verbose_name_plural = _("riwayat peserta")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                name="member_event_action_is_known",
                condition=models.Q(action__in=MemberAction.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.action}"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    TAKEN = "taken", _("Sudah menggantikan")


class WaitingEntry(models.Model):
    """An eligible proposal that did not get a place, in order within its quota area."""

    determination = models.ForeignKey(
        Determination, models.PROTECT, related_name="waiting", verbose_name=_("penetapan")
    )
    proposal = models.OneToOneField(
        Proposal, models.PROTECT, related_name="waiting_entry", verbose_name=_("usulan")
    )
    village = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan")
    )
    # The village, the district or the programme's own area, by the quota rule.
    quota_area = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("wilayah kuota")
    )
    rank = models.PositiveIntegerField(_("urutan tunggu"))
    # Why no place: the quota of the area was full, or the budget ran out first.
    reason = models.CharField(_("alasan"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    membership = models.OneToOneField(
        Membership,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="from_waiting",
        verbose_name=_("menjadi peserta"),
    )

    class Meta:
        verbose_name = _("daftar tunggu")
        verbose_name_plural = _("daftar tunggu")
        ordering = ["quota_area_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "quota_area", "rank"], name="waiting_rank_once_per_area"
            ),
            models.CheckConstraint(
                name="waiting_taken_has_membership",
                condition=models.Q(status="waiting", membership__isnull=True)
                | models.Q(status="taken", membership__isnull=False),
            ),
            models.CheckConstraint(
                name="waiting_reason_is_known", condition=models.Q(reason__in=["quota", "budget"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quota_area_id} #{self.rank}"


class DecreeKind(models.TextChoices):
    ORIGINAL = "original", _("Penetapan")
    AMENDMENT = "amendment", _("Perubahan")


class Decree(models.Model):
    """A Keputusan Bupati naming the members (or an amendment listing what changed)."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    period = models.ForeignKey(
        ProposalPeriod, models.PROTECT, related_name="decrees", verbose_name=_("periode")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=DecreeKind.choices)
    amends = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("mengubah keputusan"),
    )
    sequence = models.PositiveSmallIntegerField(_("perubahan ke"), default=0)
    number = models.CharField(_("nomor keputusan"), max_length=100)
    title = models.CharField(_("tentang"), max_length=300)
    signed_on = models.DateField(_("tanggal ditetapkan"))
    effective_on = models.DateField(_("berlaku mulai"))
    signer_name = models.CharField(_("nama penanda tangan"), max_length=150)
    signer_title = models.CharField(_("jabatan penanda tangan"), max_length=150)
    place = models.CharField(_("ditetapkan di"), max_length=100)
    full_nik = models.BooleanField(
        _("NIK lengkap di lampiran"),
        default=False,
        help_text=_("Bila tidak dicentang, NIK di lampiran disamarkan (UU PDP)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("keputusan (SK)")
        verbose_name_plural = _("keputusan (SK)")
        ordering = ["period_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="decree_number_once"),
            models.UniqueConstraint(fields=["period", "sequence"], name="decree_sequence_once"),
            models.CheckConstraint(
                name="decree_amendment_refers_to_original",
                condition=models.Q(kind="original", amends__isnull=True, sequence=0)
                | models.Q(kind="amendment", amends__isnull=False, sequence__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("membership:decree", args=[self.pk])


class DecreeChange(models.TextChoices):
    ADDED = "added", _("Ditetapkan sebagai peserta")
    ENDED = "ended", _("Dikeluarkan dari kepesertaan")


class DecreeEntry(models.Model):
    """A line of a decree's attachment: this membership was added or ended by it."""

    decree = models.ForeignKey(
        Decree, models.PROTECT, related_name="entries", verbose_name=_("keputusan")
    )
    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="decree_entries", verbose_name=_("peserta")
    )
    change = models.CharField(_("perubahan"), max_length=10, choices=DecreeChange.choices)
    number = models.PositiveIntegerField(_("nomor urut"))

    class Meta:
        verbose_name = _("isi lampiran keputusan")
        verbose_name_plural = _("isi lampiran keputusan")
        ordering = ["decree_id", "number"]
        constraints = [
            # A membership is added by one decree and ended by at most one.
            models.UniqueConstraint(fields=["membership", "change"], name="decree_change_once"),
            models.UniqueConstraint(fields=["decree", "number"], name="decree_entry_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.decree_id}:{self.number}"


class RegistrationExport(models.Model):
    """A collective registration file sent to BPJS Ketenagakerjaan."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    file_format = models.CharField(_("format"), max_length=4)
    member_count = models.PositiveIntegerField(_("jumlah peserta"))
    full_nik = models.BooleanField(_("NIK lengkap"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("berkas pendaftaran BPJS")
        verbose_name_plural = _("berkas pendaftaran BPJS")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class RegistrationOutcome(models.TextChoices):
    REGISTERED = "registered", _("Terdaftar")
    REJECTED = "rejected", _("Ditolak BPJS")
    UNCHANGED = "unchanged", _("Sudah tercatat, tidak berubah")
    UNKNOWN = "unknown", _("Tidak ada di daftar yang dikirim")
    INVALID = "invalid", _("Baris tidak bisa dibaca")


class RegistrationImport(models.Model):
    """A result file from BPJS: KPJ numbers and start dates, or rejections with reasons.
    The same file imported twice is recognised by its fingerprint and changes nothing."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="+", verbose_name=_("program")
    )
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64)
    row_count = models.PositiveIntegerField(_("jumlah baris"))
    counts = models.JSONField(_("jumlah"), default=dict, blank=True)
    # Exported members of the programme the file said nothing about, at import time.
    missing = models.PositiveIntegerField(_("tidak ada di hasil BPJS"), default=0)
    detail = models.JSONField(_("rincian pembacaan"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = _("hasil pendaftaran BPJS")
        verbose_name_plural = _("hasil pendaftaran BPJS")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "file_sha256"], name="registration_file_once"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("membership:registration_import", args=[self.pk])


class RegistrationRow(models.Model):
    """One row of a BPJS result file as received, and what it did."""

    upload = models.ForeignKey(
        RegistrationImport, models.CASCADE, related_name="rows", verbose_name=_("hasil")
    )
    row_number = models.PositiveIntegerField(_("baris"))
    raw = models.JSONField(_("isi baris seperti diterima"))
    outcome = models.CharField(_("hasil"), max_length=10, choices=RegistrationOutcome.choices)
    message = models.CharField(_("keterangan"), max_length=255, blank=True)
    membership = models.ForeignKey(
        Membership,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="registration_rows",
        verbose_name=_("peserta"),
    )

    class Meta:
        verbose_name = _("baris hasil BPJS")
        verbose_name_plural = _("baris hasil BPJS")
        ordering = ["upload_id", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "row_number"], name="registration_row_once"),
            models.CheckConstraint(
                name="registration_outcome_is_known",
                condition=models.Q(outcome__in=RegistrationOutcome.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.row_number}"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu keputusan")
    ACCEPTED = "accepted", _("Dihentikan")
    DISMISSED = "dismissed", _("Bukan orang yang sama / tetap peserta")


class ExitCandidate(models.Model):
    """An active member found in a death or move extract: a proposed exit."""

    membership = models.ForeignKey(
        Membership, models.PROTECT, related_name="exit_candidates", verbose_name=_("peserta")
    )
    reason = models.CharField(_("alasan"), max_length=20, choices=EndReason.choices)
    effective_on = models.DateField(_("tanggal kejadian"))
    snapshot = models.ForeignKey(
        Snapshot, models.PROTECT, related_name="+", verbose_name=_("data pembanding")
    )
    record = models.ForeignKey(
        ReferenceRecord, models.PROTECT, related_name="+", verbose_name=_("baris data pembanding")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("ditemukan"), default=timezone.now)

    class Meta:
        verbose_name = _("usulan berhenti")
        verbose_name_plural = _("usulan berhenti")
        ordering = ["status", "-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "snapshot"], name="exit_candidate_once_per_snapshot"
            ),
            models.CheckConstraint(
                name="exit_candidate_status_is_known",
                condition=models.Q(status__in=CandidateStatus.values),
            ),
            models.CheckConstraint(
                name="exit_candidate_decision_has_author",
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.reason}"

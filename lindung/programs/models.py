"""A regency's programme as its Perbup defines it: rules, rates, budget lines, proposal periods.

Money is whole rupiah (`PositiveBigIntegerField`); shares are basis points (1% = 100).
Every model keeps its history (who changed what, when) with django-simple-history.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.regions.models import Region

MAX_DESIL = 10
MAX_AGE = 120


class Benefit(models.TextChoices):
    JKK = "JKK", _("JKK (jaminan kecelakaan kerja)")
    JKM = "JKM", _("JKM (jaminan kematian)")
    JHT = "JHT", _("JHT (jaminan hari tua)")


class Sector(models.TextChoices):
    """Kinds of work; PP 50/2025 treats the transport sector apart from the others."""

    TRANSPORT = "transport", _("Transportasi")
    AGRICULTURE = "agriculture", _("Pertanian, perkebunan, peternakan")
    FISHERIES = "fisheries", _("Perikanan")
    TRADE = "trade", _("Perdagangan")
    SERVICES = "services", _("Jasa")
    RELIGIOUS_SOCIAL = "religious_social", _("Keagamaan dan sosial")
    OTHER = "other", _("Lainnya")


class FundingSource(models.TextChoices):
    """Who pays a member's contribution; budget lines use the regional ones."""

    APBD = "apbd", _("APBD")
    APBD_P = "apbd_p", _("APBD-Perubahan")
    DBHCHT = "dbhcht", _("DBHCHT")
    APBDES = "apbdes", _("Dana Desa/APBDes")
    CSR = "csr", _("CSR")
    INCENTIVE = "incentive", _("Insentif aparat desa")
    APBN = "apbn", _("APBN")
    SELF = "self", _("Mandiri (peserta sendiri)")
    OTHER = "other", _("Lainnya")


BUDGET_FUNDING_SOURCES = (
    FundingSource.APBD,
    FundingSource.APBD_P,
    FundingSource.DBHCHT,
    FundingSource.APBDES,
    FundingSource.CSR,
    FundingSource.INCENTIVE,
    FundingSource.OTHER,
)


class LegalType(models.TextChoices):
    PERDA = "perda", _("Peraturan Daerah (Perda)")
    PERBUP = "perbup", _("Peraturan Bupati (Perbup)")
    PERWAL = "perwal", _("Peraturan Wali Kota (Perwal)")
    PERGUB = "pergub", _("Peraturan Gubernur (Pergub)")
    KEPBUP = "kepbup", _("Keputusan Bupati")
    KEPWAL = "kepwal", _("Keputusan Wali Kota")
    KEPGUB = "kepgub", _("Keputusan Gubernur")
    OTHER = "other", _("Lainnya")


class QuotaKind(models.TextChoices):
    NONE = "none", _("Tanpa kuota")
    VILLAGE = "village", _("Per desa/kelurahan")
    DISTRICT = "district", _("Per kecamatan")


class Priority(models.TextChoices):
    """Criteria a programme ranks eligible proposals by, in the order it lists them."""

    LOWEST_DESIL = "lowest_desil", _("Desil terendah lebih dulu")
    OLDEST = "oldest", _("Usia tertua lebih dulu")
    YOUNGEST = "youngest", _("Usia termuda lebih dulu")
    EARLIEST_PROPOSAL = "earliest_proposal", _("Usulan paling awal lebih dulu")


class Occupation(models.Model):
    """An eligible kind of informal work, managed as a list shared by every programme."""

    name = models.CharField(_("nama pekerjaan"), max_length=100, unique=True)
    sector = models.CharField(_("sektor"), max_length=20, choices=Sector.choices)
    keywords = models.CharField(
        _("kata di kolom pekerjaan"),
        max_length=255,
        blank=True,
        help_text=_("Ejaan di KTP atau berkas usulan yang berarti pekerjaan ini, dipisah koma."),
    )
    active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="occupation_sector_is_known", condition=models.Q(sector__in=Sector.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """One regency's (city's, province's) programme, owned by that area and applying to
    every village inside it."""

    owner = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("wilayah pemilik")
    )
    name = models.CharField(_("nama program"), max_length=150)
    legal_type = models.CharField(_("jenis dasar hukum"), max_length=10, choices=LegalType.choices)
    legal_number = models.CharField(_("nomor"), max_length=50)
    legal_year = models.PositiveSmallIntegerField(_("tahun"))
    legal_title = models.CharField(_("judul"), max_length=255, blank=True)
    # Shown to workers on the public status page: whom to ask about their cover.
    contact = models.CharField(
        _("kontak untuk peserta"),
        max_length=255,
        blank=True,
        help_text=_("Mis. Dinas Tenaga Kerja Kabupaten Seluma, Jl. ..., telepon/WA 08..."),
    )
    covers_jkk = models.BooleanField(_("JKK"), default=True)
    covers_jkm = models.BooleanField(_("JKM"), default=True)
    covers_jht = models.BooleanField(_("JHT"), default=False)
    declared_income = models.PositiveBigIntegerField(
        _("penghasilan yang dilaporkan per bulan"), default=1_000_000
    )
    min_age = models.PositiveSmallIntegerField(_("usia minimal"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("usia maksimal"), null=True, blank=True)
    occupations = models.ManyToManyField(
        Occupation, blank=True, related_name="programmes", verbose_name=_("pekerjaan yang layak")
    )
    requires_registry = models.BooleanField(_("harus terdaftar di DTSEN/DTKS/P3KE"), default=False)
    max_desil = models.PositiveSmallIntegerField(_("desil maksimal"), null=True, blank=True)
    quota_kind = models.CharField(
        _("kuota"), max_length=10, choices=QuotaKind.choices, default=QuotaKind.NONE
    )
    quota_size = models.PositiveIntegerField(_("jumlah kuota"), null=True, blank=True)
    priority = models.JSONField(_("urutan prioritas"), default=list, blank=True)
    funding_source = models.CharField(
        _("sumber dana"), max_length=12, choices=FundingSource.choices, default=FundingSource.APBD
    )
    check_severities = models.JSONField(
        _("tingkat temuan verifikasi"),
        default=dict,
        blank=True,
        help_text=_("Kode temuan -> reject/warn/review; kode yang tidak disebut memakai bawaan."),
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[occupations])

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["owner_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="programme_name_per_owner"),
            # Provinces (2) and regencies/cities (5) run programmes; districts and villages don't.
            models.CheckConstraint(
                name="programme_owner_is_province_or_regency",
                condition=models.Q(Exact(Length("owner"), 2)) | models.Q(Exact(Length("owner"), 5)),
            ),
            models.CheckConstraint(
                name="programme_declared_income_positive",
                condition=models.Q(declared_income__gt=0),
            ),
            models.CheckConstraint(
                name="programme_ages_in_order",
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
            ),
            models.CheckConstraint(
                name="programme_max_age_plausible",
                condition=models.Q(max_age__isnull=True) | models.Q(max_age__lte=MAX_AGE),
            ),
            models.CheckConstraint(
                name="programme_desil_1_to_10",
                condition=models.Q(max_desil__isnull=True)
                | models.Q(max_desil__gte=1, max_desil__lte=MAX_DESIL),
            ),
            models.CheckConstraint(
                name="programme_quota_matches_kind",
                condition=models.Q(quota_kind=QuotaKind.NONE, quota_size__isnull=True)
                | models.Q(
                    quota_kind__in=[QuotaKind.VILLAGE, QuotaKind.DISTRICT], quota_size__gt=0
                ),
            ),
            models.CheckConstraint(
                name="programme_covers_a_benefit",
                condition=models.Q(covers_jkk=True)
                | models.Q(covers_jkm=True)
                | models.Q(covers_jht=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.pk])

    @property
    def benefits(self) -> list[str]:
        flags = {"JKK": self.covers_jkk, "JKM": self.covers_jkm, "JHT": self.covers_jht}
        return [benefit for benefit, covered in flags.items() if covered]

    @property
    def legal_basis(self) -> str:
        """ "Peraturan Bupati (Perbup) Nomor 15 Tahun 2025"."""
        return _("%(type)s Nomor %(number)s Tahun %(year)s") % {
            "type": self.get_legal_type_display(),
            "number": self.legal_number,
            "year": self.legal_year,
        }

    def priority_labels(self) -> list[str]:
        return [str(Priority(code).label) for code in self.priority if code in Priority.values]


class RateSchedule(models.Model):
    """One contribution rate of a programme: a fixed amount or a share of the declared
    income, for one benefit, in a validity period, optionally for a band of incomes (JKK).

    Rows of the same benefit whose periods and income bands overlap are refused
    (`services.rate_save`; on PostgreSQL also an exclusion constraint)."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="rates", verbose_name=_("program")
    )
    benefit = models.CharField(_("manfaat"), max_length=3, choices=Benefit.choices)
    income_from = models.PositiveBigIntegerField(
        _("penghasilan dari"), null=True, blank=True, help_text=_("Kosong = tanpa batas bawah.")
    )
    income_to = models.PositiveBigIntegerField(
        _("penghasilan sampai"), null=True, blank=True, help_text=_("Kosong = tanpa batas atas.")
    )
    amount = models.PositiveBigIntegerField(_("iuran per bulan"), null=True, blank=True)
    basis_points = models.PositiveIntegerField(
        _("persen penghasilan (basis poin)"),
        null=True,
        blank=True,
        help_text=_("1% = 100 basis poin; JHT 2% = 200."),
    )
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    legal_reference = models.CharField(_("dasar hukum"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tarif iuran")
        verbose_name_plural = _("tarif iuran")
        ordering = ["programme_id", "benefit", "income_from", "valid_from"]
        constraints = [
            models.CheckConstraint(
                name="rate_benefit_is_known", condition=models.Q(benefit__in=Benefit.values)
            ),
            models.CheckConstraint(
                name="rate_amount_or_share",
                condition=models.Q(amount__isnull=False, basis_points__isnull=True)
                | models.Q(amount__isnull=True, basis_points__isnull=False),
            ),
            models.CheckConstraint(
                name="rate_share_at_most_100_percent",
                condition=models.Q(basis_points__isnull=True) | models.Q(basis_points__lte=10_000),
            ),
            models.CheckConstraint(
                name="rate_period_in_order",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="rate_band_in_order",
                condition=models.Q(income_from__isnull=True)
                | models.Q(income_to__isnull=True)
                | models.Q(income_to__gte=models.F("income_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.valid_from}"


class RateAdjustment(models.Model):
    """A discount on some benefits of a programme's rates, in a validity period, for members
    of a sector (or every sector but one), unless the contribution is paid from one of the
    exempt funding sources. PP 50/2025 is seeded as two of these."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="adjustments", verbose_name=_("program")
    )
    name = models.CharField(_("nama penyesuaian"), max_length=150)
    applies_jkk = models.BooleanField(_("JKK"), default=False)
    applies_jkm = models.BooleanField(_("JKM"), default=False)
    applies_jht = models.BooleanField(_("JHT"), default=False)
    discount_basis_points = models.PositiveIntegerField(
        _("potongan (basis poin)"), help_text=_("50% = 5000 basis poin.")
    )
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    sector = models.CharField(
        _("sektor"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("Kosong = semua sektor."),
    )
    sector_excluded = models.BooleanField(_("semua sektor kecuali sektor ini"), default=False)
    exempt_funding = models.JSONField(
        _("tidak berlaku bila iuran dibayar dari"), default=list, blank=True
    )
    legal_reference = models.CharField(_("dasar hukum"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penyesuaian tarif")
        verbose_name_plural = _("penyesuaian tarif")
        ordering = ["programme_id", "valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                name="adjustment_discount_at_most_100_percent",
                condition=models.Q(discount_basis_points__gt=0, discount_basis_points__lte=10_000),
            ),
            models.CheckConstraint(
                name="adjustment_period_in_order",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="adjustment_covers_a_benefit",
                condition=models.Q(applies_jkk=True)
                | models.Q(applies_jkm=True)
                | models.Q(applies_jht=True),
            ),
            models.CheckConstraint(
                name="adjustment_exclusion_names_a_sector",
                condition=models.Q(sector_excluded=False) | ~models.Q(sector=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def benefits(self) -> list[str]:
        flags = {"JKK": self.applies_jkk, "JKM": self.applies_jkm, "JHT": self.applies_jht}
        return [benefit for benefit, applies in flags.items() if applies]


class BudgetStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    APPROVED = "approved", _("Disahkan (DPA)")
    CLOSED = "closed", _("Ditutup")
    CANCELLED = "cancelled", _("Dibatalkan")


class BudgetLine(models.Model):
    """Money for a programme in one fiscal year from one funding source, up to its pagu."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="budget_lines", verbose_name=_("program")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    funding_source = models.CharField(
        _("sumber dana"),
        max_length=12,
        choices=[(s.value, s.label) for s in BUDGET_FUNDING_SOURCES],
    )
    name = models.CharField(_("uraian"), max_length=200, blank=True)
    pagu = models.PositiveBigIntegerField(_("pagu"))
    other_costs = models.PositiveBigIntegerField(
        _("biaya lain"),
        default=0,
        help_text=_("Bagian pagu yang bukan iuran, mis. sosialisasi atau administrasi."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.PLANNED
    )
    dpa_number = models.CharField(_("nomor DPA"), max_length=100, blank=True)
    dpa_date = models.DateField(_("tanggal DPA"), null=True, blank=True)
    starts_on = models.DateField(_("dipakai mulai"), null=True, blank=True)
    ends_on = models.DateField(_("dipakai sampai"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pos anggaran")
        verbose_name_plural = _("pos anggaran")
        ordering = ["programme_id", "-fiscal_year", "funding_source", "pk"]
        constraints = [
            models.CheckConstraint(name="budget_pagu_positive", condition=models.Q(pagu__gt=0)),
            models.CheckConstraint(
                name="budget_other_costs_within_pagu",
                condition=models.Q(other_costs__lte=models.F("pagu")),
            ),
            models.CheckConstraint(
                name="budget_funding_source_is_regional",
                condition=models.Q(funding_source__in=[s.value for s in BUDGET_FUNDING_SOURCES]),
            ),
            models.CheckConstraint(
                name="budget_status_is_known", condition=models.Q(status__in=BudgetStatus.values)
            ),
            models.CheckConstraint(
                name="budget_dates_in_order",
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_funding_source_display()} {self.fiscal_year}"

    @property
    def for_contributions(self) -> int:
        return self.pagu - self.other_costs


class ProposalPeriod(models.Model):
    """When villages may send proposals to a programme. Periods of a programme never overlap."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="proposal_periods", verbose_name=_("program")
    )
    name = models.CharField(_("nama periode"), max_length=100)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    proposal_limit = models.PositiveIntegerField(
        _("batas usulan per kuota"),
        null=True,
        blank=True,
        help_text=_(
            "Berapa usulan boleh dikirim per desa (atau per kecamatan, mengikuti aturan kuota) "
            "dalam periode ini. Kosong = sama dengan kuota. Lebih dari kuota berarti ada daftar "
            "tunggu untuk penetapan."
        ),
    )
    note = models.TextField(_("catatan"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("periode usulan")
        verbose_name_plural = _("periode usulan")
        ordering = ["programme_id", "opens_on"]
        constraints = [
            models.CheckConstraint(
                name="period_closes_after_opening",
                condition=models.Q(closes_on__gte=models.F("opens_on")),
            ),
            models.CheckConstraint(
                name="period_proposal_limit_positive",
                condition=models.Q(proposal_limit__isnull=True) | models.Q(proposal_limit__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.name

"""Forms for the programme pages. They only read input; `programs.services` decides what is
allowed and says why not, so the same rules hold for the web, the commands and the demo."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lindung.core.widgets import DateInput
from lindung.engine.budget import BASIS_POINTS, PlanError, format_number, parse_rupiah
from lindung.programs.models import (
    BUDGET_FUNDING_SOURCES,
    Benefit,
    BudgetStatus,
    FundingSource,
    LegalType,
    Occupation,
    Priority,
    ProposalPeriod,
    QuotaKind,
    Sector,
)
from lindung.programs.selectors import occupations, programmes_for
from lindung.regions import codes
from lindung.regions.models import Region

PRIORITY_SLOTS = 4


class RupiahField(forms.CharField):
    """Whole rupiah typed as people write it: 480000000, 480.000.000 or Rp480.000.000."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        return format_number(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_rupiah(text, label=str(self.label or _("Jumlah uang")))
        except PlanError as error:
            raise ValidationError(error.render(gettext), code=error.code) from None


class PercentField(forms.CharField):
    """A percentage (`2`, `2%`, `0,5`) held as basis points (2% = 200), exactly."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return str(Decimal(value) / 100).replace(".", ",")
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = (super().to_python(value) or "").replace("%", "").replace(",", ".").strip()
        if not text:
            return None
        try:
            basis_points = Decimal(text) * 100
        except InvalidOperation:
            raise ValidationError(_("Tulis persen sebagai angka, mis. 2 atau 0,5.")) from None
        if basis_points != basis_points.to_integral_value() or basis_points < 0:
            raise ValidationError(
                _("Persen paling banyak dua angka di belakang koma, tidak negatif.")
            )
        if basis_points > BASIS_POINTS:
            raise ValidationError(_("Persen paling banyak 100."))
        return int(basis_points)


class ServiceForm(forms.Form):
    """A form whose cleaned data go to a service as keyword arguments."""

    # Service error keys that are shown on another field of the form.
    error_fields: dict[str, str] = {}

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each error from a service next to the field it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            field = self.error_fields.get(key, key)
            self.add_error(field if field in self.fields else None, errors)

    @classmethod
    def initial_for(cls, instance: models.Model) -> dict[str, Any]:
        return {
            name: getattr(instance, name) for name in cls.base_fields if hasattr(instance, name)
        }


def _blank(choices: Any, label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *((value, str(text)) for value, text in choices)]


class OwnerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.code} · {obj.label()}"


class ProgrammeForm(ServiceForm):
    owner = OwnerField(
        label=_("Wilayah pemilik"),
        queryset=Region.objects.none(),
        to_field_name="code",
        help_text=_("Provinsi atau kabupaten/kota yang menjalankan program."),
        error_messages={
            "invalid_choice": _(
                "Wilayah ini tidak ada di wilayah kerja Anda; pilih provinsi atau "
                "kabupaten/kota dari daftar."
            )
        },
    )
    name = forms.CharField(label=_("Nama program"), max_length=150)
    legal_type = forms.ChoiceField(label=_("Jenis dasar hukum"), choices=LegalType.choices)
    legal_number = forms.CharField(label=_("Nomor"), max_length=50)
    legal_year = forms.IntegerField(label=_("Tahun"))
    legal_title = forms.CharField(label=_("Judul"), max_length=255, required=False)
    contact = forms.CharField(
        label=_("Kontak untuk peserta"),
        max_length=255,
        required=False,
        help_text=_(
            "Tampil di halaman cek status publik: kantor, alamat dan nomor telepon/WA "
            "yang bisa dihubungi pekerja."
        ),
    )
    covers_jkk = forms.BooleanField(label=_("JKK (kecelakaan kerja)"), required=False)
    covers_jkm = forms.BooleanField(label=_("JKM (kematian)"), required=False)
    covers_jht = forms.BooleanField(label=_("JHT (hari tua)"), required=False)
    declared_income = RupiahField(
        label=_("Penghasilan yang dilaporkan per bulan"),
        help_text=_("Dasar perhitungan iuran; umumnya Rp1.000.000."),
    )
    min_age = forms.IntegerField(label=_("Usia minimal"), required=False)
    max_age = forms.IntegerField(
        label=_("Usia maksimal"),
        required=False,
        help_text=_("Isi sesuai Perbup/Perda program; kosong = tanpa batas."),
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("Pekerjaan yang layak"),
        queryset=Occupation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosong = semua pekerjaan."),
    )
    requires_registry = forms.BooleanField(
        label=_("Harus terdaftar di DTSEN/DTKS/P3KE"), required=False
    )
    max_desil = forms.IntegerField(
        label=_("Desil maksimal"), required=False, help_text=_("1 = termiskin; kosong = semua.")
    )
    quota_kind = forms.ChoiceField(label=_("Kuota"), choices=QuotaKind.choices)
    quota_size = forms.IntegerField(label=_("Jumlah kuota"), required=False)
    funding_source = forms.ChoiceField(label=_("Sumber dana iuran"), choices=FundingSource.choices)
    active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    error_fields = {"priority": "priority_1"}

    def __init__(self, *args: Any, user: object, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, PRIORITY_SLOTS + 1):
            self.fields[f"priority_{slot}"] = forms.ChoiceField(
                label=_("Prioritas %(n)d") % {"n": slot},
                choices=_blank(Priority.choices),
                required=False,
            )
        occupation_field = self.fields["occupations"]
        assert isinstance(occupation_field, forms.ModelMultipleChoiceField)
        occupation_field.queryset = occupations()
        if editing:
            del self.fields["owner"]
            return
        owner = self.fields["owner"]
        assert isinstance(owner, OwnerField)
        owner.queryset = _owner_choices(user)

    @classmethod
    def initial_for(cls, instance: models.Model) -> dict[str, Any]:
        initial = super().initial_for(instance)
        initial["occupations"] = list(instance.occupations.all())  # type: ignore[attr-defined]
        for slot, code in enumerate(instance.priority, start=1):  # type: ignore[attr-defined]
            initial[f"priority_{slot}"] = code
        return initial

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        slots = [data.pop(f"priority_{n}") for n in range(1, PRIORITY_SLOTS + 1)]
        data["priority"] = [code for code in slots if code]
        if "owner" in data:
            data["owner_code"] = data.pop("owner").code
        return data


def _owner_choices(user: object) -> Any:
    from lindung.accounts import scoping

    regions = Region.objects.filter(level__lte=codes.REGENCY)
    return scoping.visible(user, regions).order_by("code")


class RateForm(ServiceForm):
    benefit = forms.ChoiceField(label=_("Manfaat"), choices=Benefit.choices)
    income_from = RupiahField(label=_("Penghasilan dari"), required=False)
    income_to = RupiahField(
        label=_("Penghasilan sampai"),
        required=False,
        help_text=_("Pita penghasilan untuk JKK; kosong = tanpa batas."),
    )
    amount = RupiahField(label=_("Iuran per bulan (rupiah)"), required=False)
    basis_points = PercentField(
        label=_("atau persen penghasilan"),
        required=False,
        help_text=_("Mis. JHT 2. Isi salah satu: rupiah atau persen."),
    )
    valid_from = forms.DateField(
        label=_("Berlaku mulai"), help_text=_("Tanggal 1."), widget=DateInput()
    )
    valid_to = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        help_text=_("Hari terakhir bulan; kosong = seterusnya."),
        widget=DateInput(),
    )
    legal_reference = forms.CharField(label=_("Dasar hukum"), max_length=255, required=False)


class AdjustmentForm(ServiceForm):
    name = forms.CharField(label=_("Nama penyesuaian"), max_length=150)
    applies_jkk = forms.BooleanField(label=_("Potong JKK"), required=False)
    applies_jkm = forms.BooleanField(label=_("Potong JKM"), required=False)
    applies_jht = forms.BooleanField(label=_("Potong JHT"), required=False)
    discount_basis_points = PercentField(label=_("Potongan (persen)"), help_text=_("Mis. 50."))
    valid_from = forms.DateField(label=_("Berlaku mulai"), widget=DateInput())
    valid_to = forms.DateField(label=_("Berlaku sampai"), required=False, widget=DateInput())
    sector = forms.ChoiceField(
        label=_("Sektor"), choices=_blank(Sector.choices, str(_("Semua sektor"))), required=False
    )
    sector_excluded = forms.BooleanField(
        label=_("Berlaku untuk semua sektor kecuali sektor di atas"), required=False
    )
    exempt_funding = forms.MultipleChoiceField(
        label=_("Tidak berlaku bila iuran dibayar dari"),
        choices=FundingSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_reference = forms.CharField(label=_("Dasar hukum"), max_length=255, required=False)

    error_fields = {"applies_jkk": "applies_jkk"}


class BudgetLineForm(ServiceForm):
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"))
    funding_source = forms.ChoiceField(
        label=_("Sumber dana"), choices=[(s.value, s.label) for s in BUDGET_FUNDING_SOURCES]
    )
    name = forms.CharField(label=_("Uraian"), max_length=200, required=False)
    pagu = RupiahField(label=_("Pagu"))
    other_costs = RupiahField(
        label=_("Biaya lain"),
        required=False,
        help_text=_("Bagian pagu yang bukan iuran, mis. sosialisasi; kosong = 0."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=BudgetStatus.choices)
    dpa_number = forms.CharField(label=_("Nomor DPA"), max_length=100, required=False)
    dpa_date = forms.DateField(label=_("Tanggal DPA"), required=False, widget=DateInput())
    starts_on = forms.DateField(label=_("Dipakai mulai"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Dipakai sampai"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea({"rows": 3}))

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["other_costs"] = data["other_costs"] or 0
        return data


class PeriodForm(ServiceForm):
    name = forms.CharField(label=_("Nama periode"), max_length=100)
    opens_on = forms.DateField(label=_("Dibuka"), widget=DateInput())
    closes_on = forms.DateField(label=_("Ditutup"), widget=DateInput())
    proposal_limit = forms.IntegerField(
        label=_("Batas usulan per kuota"),
        required=False,
        min_value=1,
        help_text=ProposalPeriod._meta.get_field("proposal_limit").help_text,
    )
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea({"rows": 3}))


class OccupationForm(ServiceForm):
    name = forms.CharField(label=_("Nama pekerjaan"), max_length=100)
    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)
    keywords = forms.CharField(
        label=_("Kata di kolom pekerjaan"),
        max_length=255,
        required=False,
        help_text=_("Ejaan di KTP atau berkas usulan, dipisah koma."),
    )
    active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


# -- planner -------------------------------------------------------------------------------

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class MonthField(forms.CharField):
    """A calendar month typed as 2026-02 (what `<input type="month">` sends)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = _MONTH.fullmatch(text)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Tulis bulan sebagai TTTT-BB, mis. 2026-02."))
        return date(int(match.group(1)), int(match.group(2)), 1)


class _RateSourceForm(forms.Form):
    monthly_rate = RupiahField(
        label=_("Iuran per peserta per bulan"),
        required=False,
        help_text=_("Kosong = Rp16.800 (JKK + JKM), atau dari program yang dipilih."),
    )
    other_costs = RupiahField(label=_("Biaya lain"), required=False)
    programme = forms.TypedChoiceField(
        label=_("Ambil iuran dari program"), coerce=int, required=False, empty_value=None
    )
    month = MonthField(label=_("Bulan tarif"), required=False)

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = _blank(
            ((p.pk, f"{p.name} · {p.owner.label()}") for p in programmes_for(user)),
            str(_("— tidak —")),
        )


class PlannerForm(_RateSourceForm):
    participants = forms.IntegerField(label=_("Jumlah peserta"), required=False)
    months = forms.IntegerField(label=_("Jumlah bulan"), required=False)
    amount = RupiahField(label=_("Jumlah uang"), required=False)

    field_order = ["participants", "months", "amount", "monthly_rate", "other_costs"]


class NextYearForm(_RateSourceForm):
    continuing = forms.IntegerField(label=_("Peserta lanjutan"))
    new = forms.IntegerField(label=_("Peserta baru"))
    months = forms.IntegerField(label=_("Jumlah bulan"), initial=12)

    field_order = ["continuing", "new", "months", "monthly_rate", "other_costs"]

"""Forms for the proposal pages. They collect input; `proposals.services` decides.

Field names are the template's column names, so a refusal from the service lands next to
the field it concerns, whichever way the proposal came in.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.widgets import DateInput
from lindung.programs.models import Occupation, ProposalPeriod
from lindung.proposals.models import Proposal, ProposalStatus

# Above this many villages a drop-down gets unusable; the operator types the code instead.
MAX_VILLAGE_CHOICES = 1000


class OccupationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Occupation) -> str:
        return obj.name


def _village_field(
    villages: dict[str, str], *, required: bool, label: Any, empty: Any = "—"
) -> forms.Field:
    if len(villages) > MAX_VILLAGE_CHOICES:
        return forms.CharField(
            label=label,
            required=required,
            max_length=13,
            widget=forms.TextInput(attrs={"placeholder": "17.05.01.2002"}),
            help_text=_("Kode desa/kelurahan Kemendagri."),
        )
    choices = [("", empty)] + [(code, f"{name} ({code})") for code, name in villages.items()]
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=choices,
        error_messages={
            "required": _("Pilih desa/kelurahan pengusul."),
            "invalid_choice": _("Desa/kelurahan ini tidak ada di wilayah kerja Anda."),
        },
    )


class ProposalForm(forms.Form):
    kode_wilayah = forms.CharField(required=False)  # replaced in __init__ for many villages
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 angka sesuai KTP; spasi atau titik boleh, akan dibuang."),
        error_messages={"required": _("Isi NIK sesuai KTP.")},
    )
    nama = forms.CharField(
        label=_("Nama"),
        max_length=150,
        help_text=_("Seperti tertulis di KTP."),
        error_messages={"required": _("Isi nama sesuai KTP.")},
    )
    tempat_lahir = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    tanggal_lahir = forms.DateField(
        label=_("Tanggal lahir"),
        widget=DateInput(),
        error_messages={
            "required": _("Isi tanggal lahir sesuai KTP."),
            "invalid": _("Tanggal lahir tidak terbaca; pilih tanggal dari kalender."),
        },
    )
    jenis_kelamin = forms.ChoiceField(
        label=_("Jenis kelamin"),
        choices=[("L", _("Laki-laki")), ("P", _("Perempuan"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih jenis kelamin.")},
    )
    pekerjaan = OccupationField(
        label=_("Pekerjaan"),
        queryset=Occupation.objects.none(),
        error_messages={
            "required": _("Pilih pekerjaan dari daftar."),
            "invalid_choice": _("Pekerjaan ini tidak ada di daftar program; pilih dari daftar."),
        },
    )
    kk = forms.CharField(label=_("Nomor KK"), max_length=40, required=False)
    alamat = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    no_hp = forms.CharField(label=_("Nomor HP"), max_length=20, required=False)

    def __init__(
        self,
        *args: Any,
        occupations: Any,
        villages: dict[str, str],
        multi_village: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pekerjaan"]
        assert isinstance(field, OccupationField)
        field.queryset = occupations
        if multi_village:
            self.fields["kode_wilayah"] = _village_field(
                villages, required=True, label=_("Desa/kelurahan pengusul")
            )
        else:
            del self.fields["kode_wilayah"]

    def service_fields(self) -> dict[str, str]:
        """The cleaned input as the template's text cells."""
        data = self.cleaned_data
        fields = {
            k: str(v or "") for k, v in data.items() if k not in ("pekerjaan", "tanggal_lahir")
        }
        fields["tanggal_lahir"] = data["tanggal_lahir"].isoformat()
        fields["pekerjaan"] = data["pekerjaan"].name
        return fields

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class CorrectionForm(ProposalForm):
    """A proposal's data to correct, prefilled, except the NIK: it stays empty unless it
    changes, so the proposal page never shows a full NIK to everyone who opens it."""

    nik = forms.CharField(
        label=_("NIK baru"),
        max_length=40,
        required=False,
        help_text=_("Kosongkan bila NIK tidak berubah; bila salah, isi 16 angka sesuai KTP."),
    )
    catatan = forms.CharField(
        label=_("Catatan perbaikan"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Apa yang diperbaiki, untuk kecamatan dan Dinas."),
    )
    # Service argument -> field: the service names the fields like the Proposal model.
    FIELD_OF = {
        "nik": "nik",
        "kk": "kk",
        "name": "nama",
        "birth_place": "tempat_lahir",
        "birth_date": "tanggal_lahir",
        "sex": "jenis_kelamin",
        "address": "alamat",
        "phone": "no_hp",
        "occupation": "pekerjaan",
        "note": "catatan",
    }

    def __init__(self, *args: Any, occupations: Any, **kwargs: Any) -> None:
        super().__init__(*args, occupations=occupations, villages={}, multi_village=False, **kwargs)

    @staticmethod
    def initial_for(proposal: Proposal) -> dict[str, Any]:
        return {
            "nama": proposal.name,
            "tempat_lahir": proposal.birth_place,
            "tanggal_lahir": proposal.birth_date,
            "jenis_kelamin": proposal.sex,
            "pekerjaan": proposal.occupation_id,
            "kk": proposal.kk,
            "alamat": proposal.address,
            "no_hp": proposal.phone,
        }

    def service_arguments(self) -> dict[str, Any]:
        """`proposals.services.proposal_correct`'s arguments; no `nik` when it was left empty."""
        data = self.cleaned_data
        arguments = {name: data[field] for name, field in self.FIELD_OF.items() if name != "nik"}
        if data["nik"]:
            arguments["nik"] = data["nik"]
        return arguments

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            field = self.FIELD_OF.get(name)
            self.add_error(field if field in self.fields else None, messages)


class WithdrawForm(forms.Form):
    catatan = forms.CharField(
        label=_("Alasan menarik usulan"),
        max_length=1000,
        required=False,  # the service refuses an empty reason, with its own message
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            self.add_error("catatan" if name == "note" else None, messages)


class UploadForm(forms.Form):
    berkas = forms.FileField(
        label=_("Berkas usulan"),
        help_text=_("XLSX dari templat (disarankan), XLS, ODS atau CSV; paling besar 50 MB."),
        error_messages={
            "required": _("Pilih berkas yang akan diunggah."),
            "empty": _("Berkas ini kosong (0 byte); pilih berkas yang berisi data."),
        },
    )

    def __init__(self, *args: Any, villages: dict[str, str], multi_village: bool, **kw: Any):
        super().__init__(*args, **kw)
        if multi_village:
            field = _village_field(villages, required=False, label=_("Semua baris untuk desa"))
            field.help_text = _(
                "Kosongkan bila berkas berisi banyak desa: tiap baris lalu harus punya kolom "
                "kode_wilayah (kode atau nama desa)."
            )
            self.fields["desa"] = field


class ProposalFilterForm(forms.Form):
    periode = forms.ModelChoiceField(
        label=_("Periode"), queryset=ProposalPeriod.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Semua status")), *ProposalStatus.choices],
        required=False,
    )
    desa = forms.CharField(required=False)

    def __init__(self, *args: Any, periods: Any, villages: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["periode"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = periods
        field.empty_label = str(_("Semua periode"))
        if len(villages) > 1:
            self.fields["desa"] = _village_field(
                villages,
                required=False,
                label=_("Desa/kelurahan"),
                empty=_("Semua desa/kelurahan"),
            )
        else:
            del self.fields["desa"]

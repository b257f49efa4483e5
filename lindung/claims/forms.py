"""Forms of the claims pages. They read what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.claims import benefits
from lindung.claims.models import ClaimBenefit, ClaimComponentKind, ClaimStatus, HeirRelation
from lindung.claims.selectors import DocumentLine
from lindung.core.widgets import DateInput
from lindung.people.area_filter import area_field, clean_area
from lindung.programs.forms import RupiahField
from lindung.programs.selectors import programmes_for


def _date_field(label: Any, required: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=DateInput(),
        error_messages={
            "required": required,
            "invalid": gettext_lazy("Tanggal tidak terbaca; pilih tanggal dari kalender."),
        },
    )


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        form: Any = self
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)


class ClaimFilterForm(forms.Form):
    program = forms.TypedChoiceField(label=gettext_lazy("Program"), coerce=int, required=False)
    benefit = forms.ChoiceField(
        label=gettext_lazy("Manfaat"),
        choices=[("", gettext_lazy("JKK dan JKM")), *ClaimBenefit.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Semua status")), *ClaimStatus.choices],
        required=False,
    )
    # Replaced per user in __init__ (area_filter); declared here for its place in the form.
    wilayah = forms.ChoiceField(label=gettext_lazy("Kecamatan/desa"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Kejadian dari"),
        required=False,
        widget=DateInput(),
        error_messages={
            "invalid": gettext_lazy("Tanggal awal tidak terbaca; pilih dari kalender.")
        },
    )
    until = forms.DateField(
        label=gettext_lazy("sampai"),
        required=False,
        widget=DateInput(),
        error_messages={
            "invalid": gettext_lazy("Tanggal akhir tidak terbaca; pilih dari kalender.")
        },
    )
    q = forms.CharField(
        label=gettext_lazy("Cari"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": gettext_lazy("Nama, awal NIK atau KPJ")}),
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        program = self.fields["program"]
        assert isinstance(program, forms.TypedChoiceField)
        program.choices = [("", _("Semua program"))] + [
            (p.pk, p.name) for p in programmes_for(user)
        ]
        self.fields["wilayah"] = area_field(user)

    def clean_wilayah(self) -> str:
        return clean_area(self.user, self.cleaned_data.get("wilayah"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Tanggal akhir sebelum tanggal awal; tukar keduanya."))
        return data

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "programme_id": data.get("program") or None,
            "benefit": data.get("benefit") or "",
            "status": data.get("status") or "",
            "area": data.get("wilayah") or "",
            "since": data.get("since"),
            "until": data.get("until"),
            "q": data.get("q") or "",
        }


class ClaimOpenForm(ServiceErrorsMixin, forms.Form):
    benefit = forms.ChoiceField(
        label=gettext_lazy("Manfaat"),
        choices=[("", "—"), *ClaimBenefit.choices],
        error_messages={
            "required": gettext_lazy("Pilih manfaat: JKK (kecelakaan kerja) atau JKM (kematian)."),
            "invalid_choice": gettext_lazy("Pilih manfaat dari daftar."),
        },
    )
    event_date = _date_field(
        gettext_lazy("Tanggal kejadian"),
        gettext_lazy("Isi tanggal kejadian."),
        gettext_lazy("Tanggal kecelakaan atau tanggal meninggal."),
    )
    event_place = forms.CharField(
        label=gettext_lazy("Tempat kejadian"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Wajib untuk JKK, mis. kebun sawit Desa Niur."),
    )
    description = forms.CharField(
        label=gettext_lazy("Uraian kejadian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reporter_name = forms.CharField(
        label=gettext_lazy("Nama pelapor"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("Isi nama pelapor (keluarga, saksi, atau petugas).")
        },
    )
    reporter_phone = forms.CharField(
        label=gettext_lazy("Nomor HP pelapor"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    reported_on = _date_field(gettext_lazy("Tanggal lapor"), gettext_lazy("Isi tanggal lapor."))
    note = forms.CharField(
        label=gettext_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VersionForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Formulir ini tidak lengkap; muat ulang halaman."),
            "invalid": gettext_lazy("Formulir ini tidak lengkap; muat ulang halaman."),
        },
    )


class HeirForm(VersionForm):
    name = forms.CharField(
        label=gettext_lazy("Nama ahli waris"),
        max_length=150,
        error_messages={"required": gettext_lazy("Isi nama ahli waris sesuai KTP.")},
    )
    relation = forms.ChoiceField(
        label=gettext_lazy("Hubungan dengan peserta"),
        choices=[("", "—"), *HeirRelation.choices],
        error_messages={
            "required": gettext_lazy("Pilih hubungan ahli waris dengan peserta."),
            "invalid_choice": gettext_lazy("Pilih hubungan dari daftar."),
        },
    )
    nik = forms.CharField(
        label=gettext_lazy("NIK ahli waris"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Nomor HP"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    address = forms.CharField(label=gettext_lazy("Alamat"), max_length=255, required=False)


class DocumentsForm(VersionForm):
    codes = forms.MultipleChoiceField(
        label=gettext_lazy("Dokumen yang diterima"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Centang minimal satu dokumen yang diterima."),
            "invalid_choice": gettext_lazy("Ada dokumen yang tidak ada di daftar; muat ulang."),
        },
    )
    received_on = _date_field(
        gettext_lazy("Tanggal diterima"), gettext_lazy("Isi tanggal dokumen diterima.")
    )

    def __init__(self, *args: Any, documents: list[DocumentLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["codes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (d.code, d.label + ("" if d.required else _(" (bila ada)")))
            for d in documents
            if d.received_on is None
        ]


class DocumentUndoForm(VersionForm):
    code = forms.CharField(max_length=30, widget=forms.HiddenInput)


class CompleteForm(VersionForm):
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False)


class SubmitForm(VersionForm):
    bpjs_reference = forms.CharField(
        label=gettext_lazy("Nomor klaim BPJS"),
        max_length=50,
        help_text=gettext_lazy("Nomor tanda terima pengajuan dari kantor cabang BPJS."),
        error_messages={"required": gettext_lazy("Isi nomor klaim/tanda terima dari BPJS.")},
    )
    submitted_on = _date_field(
        gettext_lazy("Tanggal pengajuan"), gettext_lazy("Isi tanggal pengajuan ke BPJS.")
    )
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False)


class PayForm(VersionForm):
    decided_on = _date_field(
        gettext_lazy("Tanggal dibayar"), gettext_lazy("Isi tanggal BPJS membayar.")
    )
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False)


class RejectForm(VersionForm):
    reason = forms.CharField(
        label=gettext_lazy("Alasan ditolak"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Tulis alasan penolakan dari BPJS (sesuai surat BPJS).")
        },
    )
    decided_on = _date_field(
        gettext_lazy("Tanggal ditolak"), gettext_lazy("Isi tanggal surat penolakan BPJS.")
    )


class ComponentForm(VersionForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Komponen manfaat"),
        error_messages={
            "required": gettext_lazy("Pilih komponen manfaat."),
            "invalid_choice": gettext_lazy("Pilih komponen manfaat dari daftar."),
        },
    )
    paid_amount = RupiahField(
        label=gettext_lazy("Jumlah dibayar BPJS"),
        error_messages={"required": gettext_lazy("Isi jumlah yang dibayar BPJS.")},
    )
    paid_on = _date_field(
        gettext_lazy("Tanggal dibayar"), gettext_lazy("Isi tanggal BPJS membayar.")
    )
    note = forms.CharField(label=gettext_lazy("Catatan"), max_length=255, required=False)

    def __init__(self, *args: Any, benefit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ClaimComponentKind.choices)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(k, labels[k]) for k in benefits.KINDS[benefit]]

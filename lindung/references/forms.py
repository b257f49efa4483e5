"""Forms of the import screens: the upload, then the column mapping with the details carried."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts import scoping
from lindung.core.widgets import DateInput
from lindung.references.cleaning import LABELS
from lindung.references.models import ReferenceKind
from lindung.regions.models import Region


class ExtractDetailsForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jenis data"), choices=ReferenceKind.choices)
    source = forms.CharField(
        label=gettext_lazy("Sumber"),
        max_length=80,
        help_text=gettext_lazy("Mis. DTSEN, DTKS, P3KE, BPJS Ketenagakerjaan, BKD, Dukcapil."),
    )
    extracted_on = forms.DateField(
        label=gettext_lazy("Tanggal data"),
        widget=DateInput(),
        help_text=gettext_lazy("Tanggal data ini ditarik dari sumbernya."),
    )
    area = forms.CharField(
        label=gettext_lazy("Wilayah cakupan (kode)"),
        max_length=13,
        help_text=gettext_lazy("Kode Kemendagri wilayah yang dicakup data ini, mis. 17.05."),
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].initial = getattr(user, "scope_id", None) or ""

    def clean_area(self) -> str:
        code: str = self.cleaned_data["area"].strip()
        if not Region.objects.filter(code=code).exists():
            raise ValidationError(_("Kode wilayah %(code)s tidak dikenal.") % {"code": code})
        if not scoping.can_see_area(self.user, code):
            raise ValidationError(
                _("Wilayah %(code)s di luar wilayah kerja Anda.") % {"code": code}
            )
        return code

    def clean_extracted_on(self) -> date:
        value: date = self.cleaned_data["extracted_on"]
        if value > date.today():
            raise ValidationError(_("Tanggal data tidak boleh di masa depan."))
        return value


class UploadForm(ExtractDetailsForm):
    file = forms.FileField(
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy("CSV, XLSX, XLS atau ODS; baris judul kolom boleh di bawah judul."),
    )


class MappingForm(ExtractDetailsForm):
    """The mapping screen: one select per field; the upload's details ride along hidden."""

    upload = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        fields: tuple[str, ...],
        required: tuple[str, ...],
        headers: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "source", "extracted_on", "area"):
            self.fields[name].widget = forms.HiddenInput()
        choices = [("", _("— tidak dipakai —")), *((h, h) for h in headers)]
        self.mapped = fields
        for field in fields:
            self.fields[f"map_{field}"] = forms.ChoiceField(
                label=LABELS[field],
                choices=choices,
                required=field in required,
                error_messages={"required": _("Kolom ini wajib dipetakan.")},
            )

    def mapping(self) -> dict[str, str | None]:
        return {field: self.cleaned_data.get(f"map_{field}") or None for field in self.mapped}

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"map_{field}"] for field in self.mapped]

    def hidden(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("map_")]

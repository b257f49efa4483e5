"""Forms for the people pages. They only collect input; `people.services` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core.widgets import DateInput
from lindung.people.models import Person, Sex
from lindung.people.selectors import districts_for, villages_for
from lindung.regions.models import Region

# Above this many villages a dropdown gets unusable; the operator types the code instead.
MAX_VILLAGE_CHOICES = 1000


class VillageField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Region) -> str:
        district = obj.parent.name if obj.parent else ""
        return f"{obj.code} · Kec. {district} · {obj.name}"


class PersonForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 angka sesuai KTP; spasi atau titik boleh, akan dibuang."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama"), max_length=150, help_text=_("Seperti tertulis di KTP."))
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    village = VillageField(
        label=_("Desa/kelurahan domisili"),
        queryset=Region.objects.none(),
        to_field_name="code",
        error_messages={
            "invalid_choice": _(
                "Desa/kelurahan ini tidak ada di wilayah kerja Anda; pilih desa dari daftar."
            )
        },
    )
    kk = forms.CharField(label=_("Nomor KK"), max_length=40, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    phone = forms.CharField(label=_("Nomor HP"), max_length=20, required=False)
    occupation = forms.CharField(label=_("Pekerjaan"), max_length=100, required=False)

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages: QuerySet[Region] = villages_for(user)
        field = self.fields["village"]
        assert isinstance(field, VillageField)
        field.queryset = villages
        if villages.count() > MAX_VILLAGE_CHOICES:
            field.widget = forms.TextInput(attrs={"placeholder": "17.05.01.2001"})
            field.help_text = _("Ketik kode desa/kelurahan Kemendagri, mis. 17.05.01.2001.")

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "nik": person.nik,
            "name": person.name,
            "birth_place": person.birth_place,
            "birth_date": person.birth_date,
            "sex": person.sex,
            "village": person.village_id,
            "kk": person.kk,
            "address": person.address,
            "phone": person.phone,
            "occupation": person.occupation,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["village_code"] = data.pop("village").code
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each error from a service next to the field it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Nama atau awal NIK")}),
    )
    area = forms.ChoiceField(label=_("Wilayah"), required=False)

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("Semua wilayah kerja Anda")))]
        villages = villages_for(user)
        if villages.count() <= MAX_VILLAGE_CHOICES:
            areas = [(d.code, f"Kec. {d.name}") for d in districts_for(user)]
            areas += [(v.code, f"\u2003{v.name}") for v in villages]
            self.fields["area"].choices = choices + sorted(areas)  # type: ignore[attr-defined]
        else:
            self.fields["area"] = forms.CharField(
                label=_("Kode wilayah"),
                required=False,
                max_length=13,
                widget=forms.TextInput(attrs={"placeholder": "17.05.01"}),
            )

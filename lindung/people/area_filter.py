"""The "Kecamatan/desa" filter of list pages: the user's own districts and villages.

A list to pick from while it stays short; for a user who sees more than MAX_AREA_CHOICES
villages (a province), a box for the area code instead. Either way the code must lie inside
the user's area.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts import scoping
from lindung.people.selectors import districts_for, villages_for
from lindung.regions import codes

MAX_AREA_CHOICES = 1000


def area_field(user: object) -> forms.Field:
    villages = villages_for(user)
    if villages.count() > MAX_AREA_CHOICES:
        return forms.CharField(
            label=gettext_lazy("Kode kecamatan/desa"),
            required=False,
            max_length=13,
            widget=forms.TextInput(attrs={"placeholder": "17.05.01"}),
        )
    areas = [(d.code, f"Kec. {d.name}") for d in districts_for(user)]
    areas += [(v.code, f"\u2003{v.name}") for v in villages]
    return forms.ChoiceField(
        label=gettext_lazy("Kecamatan/desa"),
        required=False,
        choices=[("", _("Semua wilayah kerja Anda")), *sorted(areas)],
    )


def clean_area(user: object, value: object) -> str:
    code = str(value or "").strip()
    if code and not (codes.is_code(code) and scoping.can_see_area(user, code)):
        raise ValidationError(
            _("Wilayah %(code)s tidak ada di wilayah kerja Anda.") % {"code": code}
        )
    return code

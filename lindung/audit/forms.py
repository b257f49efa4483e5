from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.audit.models import AuditEvent
from lindung.core.widgets import DateInput


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Tindakan"),
        required=False,
        choices=[("", _("Semua tindakan")), *AuditEvent.Action.choices],
    )
    username = forms.CharField(label=_("Pengguna"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Sampai tanggal"), required=False, widget=DateInput())

"""The query parameters of each list, validated like a form: a wrong value is a 400 naming
the parameter, never a silently unfiltered list. They double as the OpenAPI description."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from lindung.accounts import scoping
from lindung.claims.models import ClaimBenefit, ClaimStatus
from lindung.contributions.models import BillStatus, LineKind
from lindung.membership.models import MemberStatus
from lindung.proposals.models import ProposalStatus
from lindung.regions import codes

MAX_ID = 2**63 - 1
_NIK = re.compile(r"[0-9]{16}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def _id(help_text: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


def _area() -> serializers.CharField:
    return serializers.CharField(
        required=False,
        max_length=13,
        help_text=gettext_lazy(
            "Kode Kemendagri kecamatan atau desa/kelurahan di wilayah kerja Anda, mis. 17.05.01."
        ),
    )


def _nik() -> serializers.CharField:
    return serializers.CharField(
        required=False, max_length=16, help_text=gettext_lazy("NIK lengkap, 16 angka.")
    )


class _Query(serializers.Serializer):  # type: ignore[type-arg]
    """Checks `area` against the caller's scope (`context['user']`) and `nik` for shape."""

    def validate_area(self, value: str) -> str:
        code = value
        if "\n" in code or not codes.is_code(code):
            raise serializers.ValidationError(
                _("Kode wilayah %(code)s tidak dikenal; tulis seperti 17.05.01 atau 17.05.01.2002.")
                % {"code": value}
            )
        if not scoping.can_see_area(self.context["user"], code):
            raise serializers.ValidationError(
                _("Wilayah %(code)s tidak ada di wilayah kerja Anda.") % {"code": code}
            )
        return code

    def validate_nik(self, value: str) -> str:
        if not _NIK.fullmatch(value):
            raise serializers.ValidationError(_("NIK harus 16 angka tanpa spasi atau titik."))
        return value


class ProgrammeQuery(_Query):
    active = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("true: hanya program aktif; false: hanya yang tidak aktif."),
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text=gettext_lazy("Bagian nama program.")
    )


class ProposalQuery(_Query):
    programme = _id(gettext_lazy("ID program."))
    period = _id(gettext_lazy("ID periode usulan."))
    status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)
    area = _area()
    nik = _nik()


class MemberQuery(_Query):
    programme = _id(gettext_lazy("ID program."))
    status = serializers.ChoiceField(choices=MemberStatus.choices, required=False)
    area = _area()
    nik = _nik()
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text=gettext_lazy("Bagian nama, atau awal NIK (angka)."),
    )


class BillQuery(_Query):
    programme = _id(gettext_lazy("ID program."))
    status = serializers.ChoiceField(choices=BillStatus.choices, required=False)
    month = serializers.CharField(
        required=False, max_length=7, help_text=gettext_lazy("Bulan tagihan, TTTT-BB.")
    )

    def validate_month(self, value: str) -> date:
        found = _MONTH.fullmatch(value)
        if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
            raise serializers.ValidationError(_("Tulis bulan sebagai TTTT-BB, mis. 2025-10."))
        return date(int(found[1]), int(found[2]), 1)


class BillLineQuery(_Query):
    area = _area()
    kind = serializers.ChoiceField(choices=LineKind.choices, required=False)
    q = serializers.CharField(
        required=False, max_length=100, help_text=gettext_lazy("Bagian nama, atau awal KPJ.")
    )


class ClaimQuery(_Query):
    programme = _id(gettext_lazy("ID program."))
    benefit = serializers.ChoiceField(choices=ClaimBenefit.choices, required=False)
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    area = _area()


class DetailQuery(serializers.Serializer):  # type: ignore[type-arg]
    full_nik = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "true: tampilkan NIK lengkap (hanya peran yang boleh melihatnya; dicatat di log audit)."
        ),
    )

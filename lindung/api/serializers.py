"""What the API answers with. Read-only: writes go through the services (`proposing`).

NIKs are masked everywhere (`1705********0003`) unless a detail is asked for with
`?full_nik=true` by a role that may see them (`context['full_nik']`); phone numbers and
addresses are never sent (no API use needs them, as no export does).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lindung.claims.models import Claim, ClaimComponent, ClaimDocument, ClaimHeir
from lindung.contributions.models import Bill, BillLine
from lindung.engine.verify.messages import TEMPLATES, render
from lindung.membership.models import Membership
from lindung.people.nik import mask_nik
from lindung.programs.models import Occupation, Programme, ProposalPeriod
from lindung.proposals.models import Proposal, ProposalEvent
from lindung.regions.models import Region
from lindung.verification.labels import CODE_LABELS
from lindung.verification.models import Finding


class RegionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Region
        fields = ["code", "name"]


@extend_schema_field(OpenApiTypes.STR)
class NikField(serializers.Field):  # type: ignore[type-arg]
    """A NIK (or KK number), masked unless the serializer's context has `full_nik`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", gettext_lazy("Disamarkan, mis. 1705********0003."))
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> str:
        if not value or self.context.get("full_nik"):
            return value
        return mask_nik(value)


# -- programmes --------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    owner = RegionSerializer(read_only=True)
    legal_basis = serializers.CharField(read_only=True)
    benefits = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "owner",
            "legal_basis",
            "benefits",
            "declared_income",
            "min_age",
            "max_age",
            "requires_registry",
            "max_desil",
            "quota_kind",
            "quota_size",
            "funding_source",
            "active",
        ]


class OccupationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Occupation
        fields = ["id", "name", "sector"]


class PeriodSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ProposalPeriod
        fields = ["id", "name", "opens_on", "closes_on", "proposal_limit"]


class ProgrammeDetailSerializer(ProgrammeSerializer):
    occupations = serializers.SerializerMethodField(
        help_text=gettext_lazy("Pekerjaan yang dapat diusulkan (ID untuk membuat usulan).")
    )
    periods = serializers.SerializerMethodField()

    class Meta(ProgrammeSerializer.Meta):
        fields = [
            *ProgrammeSerializer.Meta.fields,
            "legal_type",
            "legal_number",
            "legal_year",
            "legal_title",
            "priority",
            "covers_jkk",
            "covers_jkm",
            "covers_jht",
            "occupations",
            "periods",
        ]

    @extend_schema_field(OccupationSerializer(many=True))
    def get_occupations(self, programme: Programme) -> Any:
        from lindung.proposals.selectors import eligible_occupations

        found = eligible_occupations(programme).order_by("name")
        return OccupationSerializer(found, many=True).data

    @extend_schema_field(PeriodSerializer(many=True))
    def get_periods(self, programme: Programme) -> Any:
        periods = programme.proposal_periods.order_by("-opens_on", "id")
        return PeriodSerializer(periods, many=True).data


# -- proposals ---------------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    village = RegionSerializer(read_only=True)
    nik = NikField()
    occupation = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "programme",
            "period",
            "village",
            "nik",
            "name",
            "sex",
            "occupation",
            "status",
            "status_label",
            "status_changed_at",
            "created_at",
            "version",
        ]

    def get_occupation(self, proposal: Proposal) -> str:
        occupation = proposal.occupation
        return occupation.name if occupation is not None else proposal.occupation_text


class FindingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    # `label` shadows the field attribute of that name, harmlessly: a serializer used as a
    # nested field never renders its own label.
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    message = serializers.SerializerMethodField()
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "code",
            "label",
            "severity",
            "severity_label",
            "message",
            "resolution",
            "resolution_note",
            "resolved_at",
        ]

    def get_label(self, finding: Finding) -> str:
        label = CODE_LABELS.get(finding.code)
        return str(label) if label is not None else finding.code

    def get_message(self, finding: Finding) -> str:
        """The stored Indonesian sentence; in another language, rebuilt from its template."""
        if (get_language() or "id").startswith("id") or finding.template not in TEMPLATES:
            return finding.message
        try:
            return render(finding.template, finding.params, _)
        except (KeyError, ValueError, TypeError):
            return finding.message


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ProposalEvent
        fields = ["at", "action", "action_label", "from_status", "to_status", "note"]


class ProposalDetailSerializer(ProposalSerializer):
    kk = NikField()
    batch = serializers.IntegerField(source="batch_id", read_only=True)
    findings = serializers.SerializerMethodField(
        help_text=gettext_lazy("Temuan verifikasi otomatis yang berlaku: kode alasan dan pesannya.")
    )
    events = serializers.SerializerMethodField()
    membership = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [
            *ProposalSerializer.Meta.fields,
            "kk",
            "birth_place",
            "birth_date",
            "batch",
            "findings",
            "events",
            "membership",
        ]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, proposal: Proposal) -> Any:
        findings = Finding.objects.filter(proposal=proposal, current=True).order_by("id")
        return FindingSerializer(findings, many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, proposal: Proposal) -> Any:
        events = proposal.events.order_by("at", "id")
        return EventSerializer(events, many=True).data

    @extend_schema_field(OpenApiTypes.INT)
    def get_membership(self, proposal: Proposal) -> int | None:
        """The membership this proposal became, if it did."""
        found: int | None = (
            Membership.objects.filter(proposal=proposal).values_list("pk", flat=True).first()
        )
        return found


class ProposalCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The body of a new proposal. Validation is the web form's (`proposals.forms`) and the
    intake's (`proposals.services.proposal_submit`); this class only describes it."""

    programme = serializers.IntegerField(help_text=gettext_lazy("ID program."))
    village = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "Kode desa/kelurahan pengusul. Wajib bagi kecamatan dan Dinas; operator desa "
            "hanya dapat mengusulkan untuk desanya sendiri."
        ),
    )
    nik = serializers.CharField(help_text=gettext_lazy("16 angka sesuai KTP."))
    name = serializers.CharField(
        max_length=150, help_text=gettext_lazy("Nama seperti tertulis di KTP.")
    )
    birth_place = serializers.CharField(required=False, max_length=100)
    birth_date = serializers.DateField(help_text=gettext_lazy("TTTT-BB-HH."))
    sex = serializers.ChoiceField(
        choices=[("L", gettext_lazy("Laki-laki")), ("P", gettext_lazy("Perempuan"))]
    )
    occupation = serializers.CharField(
        help_text=gettext_lazy("ID pekerjaan dari daftar program (atau namanya persis).")
    )
    kk = serializers.CharField(required=False, help_text=gettext_lazy("Nomor KK, 16 angka."))
    address = serializers.CharField(required=False, max_length=255)
    phone = serializers.CharField(required=False, max_length=20)


# -- members -----------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    village = RegionSerializer(read_only=True)
    nik = NikField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "programme",
            "period",
            "village",
            "nik",
            "name",
            "sex",
            "status",
            "status_label",
            "kpj",
            "coverage_start",
            "ended_on",
            "end_reason",
        ]


class MemberDetailSerializer(MemberSerializer):
    kk = NikField()
    occupation = serializers.SerializerMethodField()

    class Meta(MemberSerializer.Meta):
        fields = [
            *MemberSerializer.Meta.fields,
            "kk",
            "birth_place",
            "birth_date",
            "occupation",
            "rank",
            "determination",
            "proposal",
            "status_changed_at",
            "registration_problem",
            "replaces",
            "version",
        ]

    def get_occupation(self, member: Membership) -> str | None:
        return member.occupation.name if member.occupation is not None else None


# -- bills -------------------------------------------------------------------------------------


class BillSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "programme",
            "month",
            "status",
            "status_label",
            "budget_line",
            "members",
            "adjustment_lines",
            "jkk",
            "jkm",
            "jht",
            "adjustment_total",
            "total",
            "created_at",
            "approved_at",
            "version",
        ]


class BillLineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = serializers.CharField(source="membership.name", read_only=True)
    nik = NikField(source="membership.nik")
    kpj = serializers.CharField(source="membership.kpj", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True)

    class Meta:
        model = BillLine
        fields = [
            "id",
            "membership",
            "name",
            "nik",
            "kpj",
            "village",
            "kind",
            "month",
            "jkk",
            "jkm",
            "jht",
            "total",
        ]


# -- claims ------------------------------------------------------------------------------------


class ClaimMemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    nik = NikField()
    village = RegionSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "nik", "kpj", "village", "programme"]


class ClaimSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    membership = ClaimMemberSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "membership",
            "benefit",
            "status",
            "status_label",
            "source",
            "event_date",
            "reported_on",
            "submitted_on",
            "decided_on",
            "bpjs_reference",
            "created_at",
        ]


class HeirSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    nik = NikField()

    class Meta:
        model = ClaimHeir
        fields = ["id", "name", "relation", "nik"]


class DocumentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ClaimDocument
        fields = ["code", "required", "received_on", "note"]


class ComponentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ClaimComponent
        fields = ["kind", "expected_amount", "paid_amount", "paid_on", "note"]


class ClaimDetailSerializer(ClaimSerializer):
    heirs = HeirSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    components = ComponentSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "event_place",
            "description",
            "rejection_reason",
            "note",
            "version",
            "heirs",
            "documents",
            "components",
        ]

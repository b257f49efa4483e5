"""The REST API, version 1. Thin like the pages: selectors read (already scoped by
`scoping.visible`), services write. Anything outside the caller's area answers 404, as if
it did not exist; a role without the capability gets 403 before anything is looked up."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from lindung.accounts import permissions as caps
from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.claims.models import Claim
from lindung.contributions import billing
from lindung.contributions.models import Bill
from lindung.membership import selectors as member_selectors
from lindung.membership.models import Membership
from lindung.programs import selectors as programme_selectors
from lindung.programs.models import Programme
from lindung.proposals import selectors as proposal_selectors
from lindung.proposals.models import Proposal

from . import proposing, queries
from . import serializers as out
from .authentication import ApiTokenAuthentication
from .errors import LanguageMixin
from .pagination import BillLineCursor, Cursor, NewestFirst
from .permissions import HasCapability

ID_PATTERN = "[0-9]{1,18}"
_ERRORS = {
    400: OpenApiResponse(description="Parameter atau isian salah; pesannya per isian."),
    401: OpenApiResponse(description="Tanpa token, atau token tidak berlaku."),
    403: OpenApiResponse(description="Peran Anda tidak mempunyai izin untuk ini."),
}
_NOT_FOUND = {404: OpenApiResponse(description="Tidak ada di wilayah kerja Anda.")}


class ApiViewSet(LanguageMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasCapability]
    lookup_value_regex = ID_PATTERN
    model: Any
    capability: str
    capabilities: dict[str, str] = {}
    query_class: type[queries._Query] | None = None
    detail_serializer_class: type[BaseSerializer[Any]] | None = None

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return QuerySet(model=self.model).none()
        return self.scoped()

    def scoped(self) -> QuerySet[Any]:
        """What the caller may see, filtered by the list's query parameters."""
        raise NotImplementedError

    @property
    def user(self) -> User:
        assert isinstance(self.request.user, User)
        return self.request.user

    def query(self) -> dict[str, Any]:
        """The list's validated query parameters (400 when one is wrong)."""
        if self.query_class is None:
            return {}
        checked = self.query_class(data=self.request.query_params, context={"user": self.user})
        checked.is_valid(raise_exception=True)
        return {k: v for k, v in checked.validated_data.items() if v not in (None, "")}

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "full_nik": getattr(self, "full_nik", False)}


class FullNikMixin:
    """`?full_nik=true` on a detail: the whole NIK for a role that may see it, audited."""

    nik_object_type = ""

    def reveal(self: Any, obj: Any) -> None:
        checked = queries.DetailQuery(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        if not checked.validated_data["full_nik"]:
            return
        if not caps.has_capability(self.request.user, caps.VIEW_FULL_NIK):
            raise exceptions.PermissionDenied(_("Peran Anda tidak boleh melihat NIK lengkap."))
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.NIK_VIEW,
            object_type=self.nik_object_type,
            object_id=str(obj.pk),
            request=self.request._request,
            detail={"via": "api"},
        )
        self.full_nik = True


# -- programmes --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Program yang berlaku di wilayah kerja Anda",
        parameters=[queries.ProgrammeQuery],
        responses={200: out.ProgrammeSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Satu program: aturan, pekerjaan yang dapat diusulkan, periode usulan",
        responses={200: out.ProgrammeDetailSerializer, **_ERRORS, **_NOT_FOUND},
    ),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    model = Programme
    capability = caps.VIEW_PROGRAMMES
    serializer_class = out.ProgrammeSerializer
    detail_serializer_class = out.ProgrammeDetailSerializer
    query_class = queries.ProgrammeQuery
    pagination_class = Cursor

    def scoped(self) -> QuerySet[Any]:
        if self.action != "list":
            return programme_selectors.programmes_for(self.user)
        filters = self.query()
        programmes = programme_selectors.programmes_for(self.user, q=filters.get("q", ""))
        if "active" in filters:
            programmes = programmes.filter(active=filters["active"])
        return programmes


# -- proposals ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Usulan desa/kelurahan di wilayah kerja Anda, terbaru dulu",
        parameters=[queries.ProposalQuery],
        responses={200: out.ProposalSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Satu usulan: status, temuan verifikasi (kode alasan dan pesan), riwayat",
        parameters=[queries.DetailQuery],
        responses={200: out.ProposalDetailSerializer, **_ERRORS, **_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Usulkan satu pekerja (seperti formulir usulan di web)",
        request=out.ProposalCreateSerializer,
        responses={201: out.ProposalDetailSerializer, **_ERRORS},
    ),
)
class ProposalViewSet(
    FullNikMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ApiViewSet,
):
    model = Proposal
    capability = caps.VIEW_PROPOSALS
    capabilities = {"create": caps.PROPOSE}
    serializer_class = out.ProposalSerializer
    detail_serializer_class = out.ProposalDetailSerializer
    query_class = queries.ProposalQuery
    pagination_class = NewestFirst
    nik_object_type = "proposal"

    def scoped(self) -> QuerySet[Proposal]:
        if self.action != "list":
            return proposal_selectors.proposals_for(self.user).select_related(
                "occupation", "village"
            )
        filters = self.query()
        proposals = proposal_selectors.proposals_for(
            self.user,
            period_id=filters.get("period"),
            status=filters.get("status", ""),
            village_code=filters.get("area", ""),
        )
        if "programme" in filters:
            proposals = proposals.filter(programme_id=filters["programme"])
        if "nik" in filters:
            proposals = proposals.filter(nik=filters["nik"])
        return proposals

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = self.get_object()
        self.reveal(proposal)
        return Response(self.get_serializer(proposal).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = proposing.proposal_create(actor=self.user, data=request.data)
        found = proposal_selectors.proposal_for(self.user, proposal.pk)
        body = out.ProposalDetailSerializer(found, context=self.get_serializer_context()).data
        location = reverse("api:proposal-detail", args=[proposal.pk])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


# -- members -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Peserta di wilayah kerja Anda (NIK disamarkan)",
        parameters=[queries.MemberQuery],
        responses={200: out.MemberSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Satu peserta",
        parameters=[queries.DetailQuery],
        responses={200: out.MemberDetailSerializer, **_ERRORS, **_NOT_FOUND},
    ),
)
class MemberViewSet(FullNikMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    model = Membership
    capability = caps.VIEW_MEMBERS
    serializer_class = out.MemberSerializer
    detail_serializer_class = out.MemberDetailSerializer
    query_class = queries.MemberQuery
    pagination_class = Cursor
    nik_object_type = "membership"

    def scoped(self) -> QuerySet[Any]:
        if self.action != "list":
            return member_selectors.members_for(self.user).select_related("occupation")
        filters = self.query()
        members = member_selectors.members_for(
            self.user,
            programme_id=filters.get("programme"),
            status=filters.get("status", ""),
            area=filters.get("area", ""),
            q=filters.get("q", ""),
        )
        if "nik" in filters:
            members = members.filter(nik=filters["nik"])
        return members

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        self.reveal(member)
        return Response(self.get_serializer(member).data)


# -- bills -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Tagihan iuran bulanan program di wilayah kerja Anda",
        parameters=[queries.BillQuery],
        responses={200: out.BillSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Satu tagihan iuran dengan jumlahnya",
        responses={200: out.BillSerializer, **_ERRORS, **_NOT_FOUND},
    ),
    lines=extend_schema(
        summary="Baris tagihan: satu peserta per bulan (NIK disamarkan)",
        parameters=[queries.BillLineQuery],
        responses={200: out.BillLineSerializer(many=True), **_ERRORS, **_NOT_FOUND},
    ),
)
class BillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    model = Bill
    capability = caps.VIEW_BILLS
    serializer_class = out.BillSerializer
    query_class = queries.BillQuery
    pagination_class = NewestFirst

    def scoped(self) -> QuerySet[Bill]:
        bills = scoping.visible(self.user, Bill.objects.all())
        if self.action != "list":
            return bills
        filters = self.query()
        if "programme" in filters:
            bills = bills.filter(programme_id=filters["programme"])
        if "status" in filters:
            bills = bills.filter(status=filters["status"])
        if "month" in filters:
            bills = bills.filter(month=filters["month"])
        return bills

    @action(
        detail=True,
        methods=["get"],
        serializer_class=out.BillLineSerializer,
        pagination_class=BillLineCursor,
        query_class=queries.BillLineQuery,
    )
    def lines(self, request: Request, pk: str) -> Response:
        bill = billing.bill_for(self.user, int(pk))
        if bill is None:
            raise Http404
        filters = self.query()
        lines = billing.bill_lines_for(
            self.user,
            bill,
            village=filters.get("area", ""),
            kind=filters.get("kind", ""),
            q=filters.get("q", ""),
        )
        page = self.paginate_queryset(lines)
        assert page is not None
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# -- claims ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Klaim JKK dan JKM peserta di wilayah kerja Anda",
        parameters=[queries.ClaimQuery],
        responses={200: out.ClaimSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Satu klaim: ahli waris (NIK disamarkan), dokumen, komponen manfaat",
        responses={200: out.ClaimDetailSerializer, **_ERRORS, **_NOT_FOUND},
    ),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    model = Claim
    capability = caps.VIEW_CLAIMS
    serializer_class = out.ClaimSerializer
    detail_serializer_class = out.ClaimDetailSerializer
    query_class = queries.ClaimQuery
    pagination_class = NewestFirst

    def scoped(self) -> QuerySet[Claim]:
        claims = scoping.visible(self.user, Claim.objects.select_related("membership__village"))
        if self.action != "list":
            return claims.prefetch_related(
                Prefetch("heirs"), Prefetch("documents"), Prefetch("components")
            )
        filters = self.query()
        if "programme" in filters:
            claims = claims.filter(membership__programme_id=filters["programme"])
        if "benefit" in filters:
            claims = claims.filter(benefit=filters["benefit"])
        if "status" in filters:
            claims = claims.filter(status=filters["status"])
        if "area" in filters:
            claims = claims.filter(scoping.area_q("membership__village", filters["area"]))
        return claims

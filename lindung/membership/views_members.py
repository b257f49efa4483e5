"""Member pages under /peserta/: the member list (and its export), one member with their
history, the end form and the replacement offer, the waiting list and the exit queue.

Thin: `selectors` read (already scoped), `services` decide and write. Anything outside the
user's area answers 404, as if it did not exist; a role without the capability gets 403
before anything is looked up. Lists show masked NIKs; a full NIK shown or exported is
audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

import xlsxwriter
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts import scoping
from lindung.accounts.permissions import (
    END_MEMBERSHIPS,
    EXPORT_PERSONAL_DATA,
    VIEW_FULL_NIK,
    VIEW_MEMBERS,
    forbidden,
    has_capability,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.contributions.payments import coverage_months
from lindung.core.lists import acting_user, page_of, query_without_page
from lindung.core.widgets import DateInput
from lindung.membership import selectors, services
from lindung.membership.models import EndReason, Membership, MemberStatus, WaitingEntry
from lindung.people.area_filter import area_field, clean_area
from lindung.people.nik import mask_nik
from lindung.programs.selectors import programmes_for

# -- forms -----------------------------------------------------------------------------------


class MemberFilterForm(forms.Form):
    program = forms.TypedChoiceField(label=gettext_lazy("Program"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Semua status")), *MemberStatus.choices],
        required=False,
    )
    # Replaced per user in __init__ (area_filter); declared here for its place in the form.
    wilayah = forms.ChoiceField(label=gettext_lazy("Kecamatan/desa"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Cari"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": gettext_lazy("Nama atau awal NIK")}),
    )

    def __init__(self, *args: Any, user: object, waiting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        programmes = programmes_for(user)
        program = self.fields["program"]
        assert isinstance(program, forms.TypedChoiceField)
        program.choices = [("", _("Semua program"))] + [(p.pk, p.name) for p in programmes]
        if waiting:  # the waiting list has no member status and no search
            del self.fields["status"], self.fields["q"]
        self.fields["wilayah"] = area_field(user)

    def clean_wilayah(self) -> str:
        return clean_area(self.user, self.cleaned_data.get("wilayah"))

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "programme_id": data.get("program") or None,
            "status": data.get("status") or "",
            "area": data.get("wilayah") or "",
            "q": data.get("q") or "",
        }


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=gettext_lazy("Alasan berhenti"),
        choices=[("", "—"), *EndReason.choices],
        error_messages={
            "required": gettext_lazy("Pilih alasan berhenti."),
            "invalid_choice": gettext_lazy("Pilih alasan berhenti dari daftar."),
        },
    )
    effective_on = forms.DateField(
        label=gettext_lazy("Berhenti mulai"),
        widget=DateInput(),
        help_text=gettext_lazy("Untuk kematian: tanggal meninggal."),
        error_messages={
            "required": gettext_lazy("Isi tanggal berhenti."),
            "invalid": gettext_lazy("Tanggal berhenti tidak terbaca; pilih tanggal dari kalender."),
        },
    )
    evidence = forms.CharField(
        label=gettext_lazy("Bukti"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Mis. nomor akta kematian, surat pindah, atau surat pernyataan."),
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Wajib untuk mengundurkan diri dan tidak memenuhi syarat."),
    )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


# -- helpers ---------------------------------------------------------------------------------


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _member_or_404(request: HttpRequest, membership_id: int) -> Membership:
    # Outside the user's area is the same as not existing: a 403 would confirm the id.
    member = selectors.member_for(request.user, membership_id)
    if member is None:
        raise Http404(_("Peserta tidak ditemukan di wilayah kerja Anda."))
    return member


def _attempt(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service; its refusal becomes an error message."""
    try:
        action()
    except services.ConflictError as error:
        messages.error(request, error.message)
        return False
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


# -- member list and export ------------------------------------------------------------------


@requires(VIEW_MEMBERS)
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    status = filters.pop("status", "")
    members = selectors.members_for(request.user, **filters)
    counts = selectors.status_counts(members)
    shown = members.filter(status=status) if status else members
    context = {
        "form": form,
        "page": page_of(request, shown),
        "query": query_without_page(request),
        "filtered": bool(status or any(filters.values())),
        "counts": [(s, label, counts[s]) for s, label in MemberStatus.choices],
        "total": sum(counts.values()),
        "may_full_nik": has_capability(request.user, VIEW_FULL_NIK),
    }
    return render(request, "membership/member_list.html", context)


_EXPORT_HEADER = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_desa",
    "desa",
    "program",
    "peringkat",
    "status",
    "kpj",
    "mulai_perlindungan",
    "berhenti_mulai",
    "alasan_berhenti",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # A name typed as "=HYPERLINK(...)" must not run as a formula when opened in Excel.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _export_rows(members: QuerySet[Membership], full_nik: bool) -> Iterator[list[str]]:
    """Phone numbers and addresses are never exported: no export use needs them."""
    statuses = dict(MemberStatus.choices)
    reasons = dict(EndReason.choices)
    columns = (
        "nik",
        "name",
        "sex",
        "birth_date",
        "village_id",
        "village__name",
        "programme__name",
        "rank",
        "status",
        "kpj",
        "coverage_start",
        "ended_on",
        "end_reason",
    )
    for row in members.values_list(*columns).iterator(chunk_size=2000):
        nik, name, sex, born, code, village, programme, rank, status, kpj, start, end, why = row
        yield [
            _cell(v)
            for v in (
                nik if full_nik else mask_nik(nik),
                name,
                sex,
                born.isoformat(),
                code,
                village,
                programme,
                rank,
                str(statuses.get(status, status)),
                kpj,
                start.isoformat() if start else "",
                end.isoformat() if end else "",
                str(reasons.get(why, why)) if why else "",
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows: Iterator[list[str]]) -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False}) as book:
        sheet = book.add_worksheet(_("Peserta")[:31])
        text = book.add_format({"num_format": "@"})
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, _EXPORT_HEADER, bold)
        sheet.set_column(0, 0, 20, text)
        sheet.set_column(1, 1, 28)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, row)
    return out.getvalue()


@requires(EXPORT_PERSONAL_DATA)
@require_GET
def member_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV (streamed) or XLSX. Full NIKs only for roles that may see
    them and only when asked (`nik=lengkap`); every export is audited."""
    form = MemberFilterForm(request.GET or None, user=request.user)
    fmt = request.GET.get("format", "csv")
    if (form.is_bound and not form.is_valid()) or fmt not in ("csv", "xlsx"):
        messages.error(request, _("Saringan atau format tidak valid; perbaiki lalu ekspor lagi."))
        return redirect("membership:list")
    filters = form.filters()
    members = selectors.members_for(request.user, **filters)
    full_nik = request.GET.get("nik") == "lengkap" and has_capability(request.user, VIEW_FULL_NIK)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="membership",
        request=request,
        detail={
            "count": members.count(),
            "filters": filters,
            "full_nik": full_nik,
            "format": fmt,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = _export_rows(members, full_nik)
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        response = HttpResponse(_xlsx(rows), content_type=_XLSX)
    else:
        writer = csv.writer(_Echo())
        lines = (writer.writerow(row) for row in chain([_EXPORT_HEADER], rows))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="peserta-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# -- one member ------------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    member: Membership,
    *,
    revealed: bool = False,
    end_form: EndForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_end = has_capability(request.user, END_MEMBERSHIPS)
    replaced_by = selectors.replacement_of(member)
    offer = None
    if may_end and member.status == MemberStatus.ENDED and replaced_by is None:
        offer = services.replacement_candidate(member)
        if offer is not None and not scoping.can_see_area(request.user, offer.village_id):
            offer = None  # someone outside the user's area: not theirs to see or to place
    if may_end and member.active and end_form is None:
        end_form = EndForm(
            initial={"version": member.version, "effective_on": timezone.localdate()}
        )
    context = {
        "member": member,
        "revealed": revealed,
        "events": selectors.events_of(member),
        "decree_entries": selectors.decree_entries_of(member),
        "claims": selectors.claims_of(member),
        "end_form": end_form if may_end and member.active else None,
        "replaced_by": replaced_by,
        "offer": offer,
        "earliest_end": services.earliest_end(member),
        "pending_exits": selectors.pending_exits_of(member),
        "coverage_months": coverage_months(member),
    }
    return render(request, "membership/member_detail.html", context, status=status)


@requires(VIEW_MEMBERS)
@require_GET
def member_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    return _detail(request, _member_or_404(request, membership_id))


@requires(VIEW_FULL_NIK)
@require_POST
@never_cache
def member_reveal_nik(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Show the full NIK once, and record that this user saw it."""
    member = _member_or_404(request, membership_id)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.NIK_VIEW,
        object_type="membership",
        object_id=str(member.pk),
        request=request,
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "membership/member_nik.html", {"member": member, "revealed": True})
    return _detail(request, member, revealed=True)


@requires(END_MEMBERSHIPS)
@require_POST
def member_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = _member_or_404(request, membership_id)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _detail(request, member, end_form=form, status=400)
    data = form.cleaned_data
    try:
        services.membership_end(
            actor=acting_user(request),
            membership=member,
            expected_version=data["version"],
            reason=data["reason"],
            effective_on=data["effective_on"],
            evidence=data["evidence"],
            note=data["note"],
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except services.ConflictError as error:
        messages.error(request, error.message)
        return redirect(member)
    except ValidationError as error:
        form.add_service_errors(error)
        return _detail(request, member, end_form=form, status=400)
    messages.success(
        request,
        _("%(name)s berhenti menjadi peserta mulai %(day)s.")
        % {"name": member.name, "day": date_format(data["effective_on"], "j F Y")},
    )
    return redirect(member)


@requires(END_MEMBERSHIPS)
@require_POST
def member_replace(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Give the ended member's place to the waiting person the page offered."""
    member = _member_or_404(request, membership_id)
    entry: WaitingEntry | None = None
    entry_id = _number(request.POST.get("entry"))
    if entry_id is not None:
        entry = selectors.waiting_for(request.user, status="").filter(pk=entry_id).first()
        if entry is None:
            raise Http404(_("Calon pengganti tidak ditemukan di wilayah kerja Anda."))
    try:
        new = services.replacement_fill(actor=acting_user(request), ended=member, entry=entry)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except services.ConflictError as error:
        messages.error(request, error.message)
        return redirect(member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(member)
    messages.success(
        request,
        _("%(new)s menggantikan %(name)s; statusnya ditetapkan, belum terdaftar di BPJS.")
        % {"new": new.name, "name": member.name},
    )
    return redirect(new)


# -- waiting list ----------------------------------------------------------------------------


@requires(VIEW_MEMBERS)
@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, user=request.user, waiting=True)
    filters = form.filters()
    filters = {"programme_id": filters.get("programme_id"), "area": filters.get("area", "")}
    entries = selectors.waiting_for(request.user, **filters)
    context = {
        "form": form,
        "page": page_of(request, entries),
        "query": query_without_page(request),
        "filtered": any(filters.values()),
    }
    return render(request, "membership/waiting_list.html", context)


# -- exit queue ------------------------------------------------------------------------------


@requires(VIEW_MEMBERS)
@require_GET
def exit_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "page": page_of(request, selectors.exit_queue(request.user)),
        "query": query_without_page(request),
        "snapshots": selectors.newest_exit_snapshots(request.user),
    }
    return render(request, "membership/exit_queue.html", context)


@requires(END_MEMBERSHIPS)
@require_POST
def exit_match(request: HttpRequest) -> HttpResponse:
    """Match the newest death extract and the newest move extract against the members."""
    snapshots = selectors.newest_exit_snapshots(request.user)
    if not snapshots:
        messages.error(
            request,
            _("Belum ada data kematian atau pindah dari Dukcapil; impor dulu di Data pembanding."),
        )
        return redirect("membership:exits")
    for snapshot in snapshots:
        try:
            counts = services.exits_from_snapshot(actor=acting_user(request), snapshot=snapshot)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            continue
        messages.success(
            request,
            _(
                "%(snapshot)s: %(matched)s peserta aktif ditemukan, %(created)s usulan berhenti "
                "baru, %(already)s sudah ada, %(within)s pindah di dalam wilayah program."
            )
            % {
                "snapshot": snapshot,
                "matched": counts["matched"],
                "created": counts["created"],
                "already": counts["already"] + counts["pending_elsewhere"],
                "within": counts["moved_within"],
            },
        )
    return redirect("membership:exits")


def _candidate_or_404(request: HttpRequest, candidate_id: int) -> Any:
    candidate = selectors.candidate_for(request.user, candidate_id)
    if candidate is None:
        raise Http404(_("Usulan berhenti tidak ditemukan di wilayah kerja Anda."))
    return candidate


@requires(END_MEMBERSHIPS)
@require_POST
def exit_accept(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = _candidate_or_404(request, candidate_id)
    try:
        _attempt(
            request,
            lambda: services.exit_candidate_accept(
                actor=acting_user(request),
                candidate=candidate,
                expected_version=_number(request.POST.get("version")) or 0,
            ),
            _("%(name)s dihentikan sebagai peserta.") % {"name": candidate.membership.name},
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    return redirect("membership:exits")


@requires(END_MEMBERSHIPS)
@require_POST
def exit_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = _candidate_or_404(request, candidate_id)
    try:
        _attempt(
            request,
            lambda: services.exit_candidate_dismiss(
                actor=acting_user(request), candidate=candidate, note=request.POST.get("note", "")
            ),
            _("%(name)s tetap peserta; alasannya dicatat.") % {"name": candidate.membership.name},
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    return redirect("membership:exits")


urlpatterns: list[URLPattern] = [
    path("", member_list, name="list"),
    path("ekspor/", member_export, name="export"),
    path("<int:membership_id>/", member_detail, name="member"),
    path("<int:membership_id>/nik/", member_reveal_nik, name="reveal_nik"),
    path("<int:membership_id>/berhenti/", member_end, name="end"),
    path("<int:membership_id>/ganti/", member_replace, name="replace"),
    path("daftar-tunggu/", waiting_list, name="waiting"),
    path("berhenti/", exit_queue, name="exits"),
    path("berhenti/cocokkan/", exit_match, name="exit_match"),
    path("berhenti/<int:candidate_id>/terima/", exit_accept, name="exit_accept"),
    path("berhenti/<int:candidate_id>/tolak/", exit_dismiss, name="exit_dismiss"),
]

"""Decree pages: the list, recording the original SK and its amendments, one decree with its
lines, and the attachment as PDF and XLSX.

Thin: `decrees` reads (scoped) and writes; `decree_render` draws the attachment.

Who downloads the attachment: it lists the whole programme's members with their NIK and
birth date, so only roles that may export personal data (or record decrees) and whose area
covers the whole programme get it. A desa or kecamatan operator sees their own people on
the decree page but does not download the regency's list. The full-NIK version exists only
when the decree was recorded with full NIKs and only for roles that may see full NIKs.
Every download is audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lindung.accounts import scoping
from lindung.accounts.permissions import (
    EXPORT_PERSONAL_DATA,
    MANAGE_DECREES,
    VIEW_FULL_NIK,
    VIEW_MEMBERS,
    forbidden,
    has_capability,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.lists import acting_user, page_of
from lindung.core.widgets import DateInput
from lindung.membership import decree_render, decrees
from lindung.membership.decree_render import attachment_xlsx, terbilang
from lindung.membership.jobs import render_attachment_job
from lindung.membership.models import Decree
from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.selectors import periods_for
from lindung.regions import codes

SHOWN_CHANGES = 200
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DecreeForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Nomor keputusan"),
        max_length=100,
        help_text=gettext_lazy("Seperti tertulis di SK yang sudah ditandatangani."),
    )
    title = forms.CharField(
        label=gettext_lazy("Tentang"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 70}),
    )
    signed_on = forms.DateField(
        label=gettext_lazy("Tanggal ditetapkan"),
        widget=DateInput(),
    )
    effective_on = forms.DateField(
        label=gettext_lazy("Berlaku mulai"),
        widget=DateInput(),
        help_text=gettext_lazy("Boleh sebelum tanggal ditetapkan bila SK berlaku surut."),
    )
    place = forms.CharField(label=gettext_lazy("Ditetapkan di"), max_length=100)
    signer_title = forms.CharField(
        label=gettext_lazy("Jabatan penanda tangan"),
        max_length=150,
        help_text=gettext_lazy("Mis. Bupati Seluma atau Pj. Bupati Seluma."),
    )
    signer_name = forms.CharField(
        label=gettext_lazy("Nama penanda tangan"),
        max_length=150,
        help_text=gettext_lazy("Seperti tertulis di bawah tanda tangan, dengan gelar."),
    )
    full_nik = forms.BooleanField(
        label=gettext_lazy("NIK lengkap di lampiran"),
        required=False,
        help_text=gettext_lazy(
            "Bila tidak dicentang, NIK di lampiran disamarkan (UU PDP). Lampiran ber-NIK "
            "lengkap hanya bisa diunduh peran yang boleh melihat NIK lengkap, dan dicatat."
        ),
    )
    changes = forms.CharField(widget=forms.HiddenInput, required=False)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "number": data["number"],
            "title": data["title"],
            "signed_on": data["signed_on"],
            "effective_on": data["effective_on"],
            "signer_name": data["signer_name"],
            "signer_title": data["signer_title"],
            "place": data["place"],
            "full_nik": data["full_nik"],
            "expected_changes": data["changes"] or None,
        }

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


# The decree's own words (its signer, its title) are Indonesian whatever the language of the
# screen: they pre-fill fields that become part of a legal document, so they are not
# marked for translation.


def _head_of(programme: Programme) -> str:
    """The head of the programme's area, as a decree names its signer: "Bupati Seluma"."""
    owner = programme.owner
    name = owner.name.removeprefix("Kabupaten ").removeprefix("Kota ")
    if owner.level == codes.PROVINCE:
        return f"Gubernur {name}"
    if owner.is_kota:
        return f"Wali Kota {name}"
    return f"Bupati {name}"


def _signer_initial(programme: Programme) -> dict[str, Any]:
    """Who signed the programme's last decree, or the area's head, to spare retyping."""
    last = Decree.objects.filter(programme=programme).order_by("-signed_on", "-id").first()
    if last is None:
        return {"signer_title": _head_of(programme)}
    return {
        "signer_title": last.signer_title,
        "signer_name": last.signer_name,
        "place": last.place,
    }


def _may_download(user: object, decree: Decree) -> bool:
    can_export = has_capability(user, EXPORT_PERSONAL_DATA) or has_capability(user, MANAGE_DECREES)
    return (
        has_capability(user, VIEW_MEMBERS)
        and can_export
        and scoping.can_see_area(user, decree.programme.owner_id)
    )


def _may_download_full(user: object, decree: Decree) -> bool:
    return decree.full_nik and _may_download(user, decree) and has_capability(user, VIEW_FULL_NIK)


def _decree_or_404(request: HttpRequest, decree_id: int) -> Decree:
    decree = decrees.decree_for(request.user, decree_id)
    if decree is None:
        raise Http404(_("SK tidak ditemukan di wilayah kerja Anda."))
    return decree


@requires(VIEW_MEMBERS)
@require_GET
def decree_list(request: HttpRequest) -> HttpResponse:
    can_manage = has_capability(request.user, MANAGE_DECREES)
    context = {
        "page": page_of(request, decrees.decrees_for(request.user)),
        "query": "",
        "issuable": decrees.issuable_periods_for(request.user) if can_manage else [],
        "can_manage": can_manage,
    }
    return render(request, "membership/decree_list.html", context)


def _submit(
    request: HttpRequest, form: DecreeForm, period: ProposalPeriod, *, amendment: bool
) -> Decree | None:
    """Run the service; its refusals go onto the form, a permission refusal to messages."""
    service = decrees.decree_amend if amendment else decrees.decree_issue
    try:
        return service(actor=acting_user(request), period=period, **form.service_arguments())
    except ValidationError as error:
        form.add_service_errors(error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    # The page shown again lists the members as they are now; saving it saves that list.
    form.data = {**form.data, "changes": decrees.pending_changes(period).token}
    return None


@requires(MANAGE_DECREES)
def decree_new(request: HttpRequest, period_id: int) -> HttpResponse:
    """Record the original decree of a determined period."""
    period = periods_for(request.user).filter(pk=period_id).first()
    if period is None:
        raise Http404(_("Periode tidak ditemukan di wilayah kerja Anda."))
    original = decrees.original_of(period)
    if original is not None:
        messages.info(request, _("SK penetapan periode ini sudah dicatat."))
        return redirect(original)
    determination = getattr(period, "determination", None)
    if determination is None:
        messages.error(request, _("Periode ini belum ditetapkan; lakukan penetapan peserta dulu."))
        return redirect("membership:decrees")
    pending = decrees.pending_changes(period)
    form = DecreeForm(
        request.POST or None,
        initial={
            "title": f"Penetapan Peserta {period.programme.name} {period.name}",
            "signed_on": timezone.localdate(),
            "effective_on": determination.coverage_start,
            "changes": pending.token,
            **_signer_initial(period.programme),
        },
    )
    if request.method == "POST" and form.is_valid():
        decree = _submit(request, form, period, amendment=False)
        if decree is not None:
            messages.success(
                request,
                _("SK %(number)s dicatat dengan %(n)s peserta.")
                % {"number": decree.number, "n": len(pending.added)},
            )
            return redirect(decree)
    context = {
        "period": period,
        "form": form,
        "pending": pending,
        "villages": decrees.pending_by_village(period),
    }
    return render(request, "membership/decree_new.html", context, status=_status(form))


def _status(form: forms.Form) -> int:
    return 400 if form.errors else 200


def _ordinal(sequence: int) -> str:
    """The amendment's name: "Perubahan", "Perubahan Kedua", "Perubahan Ketiga"..."""
    if sequence <= 1:
        return "Perubahan"
    return f"Perubahan Ke{terbilang(sequence)}"


@requires(MANAGE_DECREES)
def decree_amend(request: HttpRequest, decree_id: int) -> HttpResponse:
    """Record an amendment: shows who ended and who replaced them before saving."""
    decree = _decree_or_404(request, decree_id)
    period = decree.period
    original = decrees.original_of(period)
    assert original is not None  # every amendment refers to one, by a database check
    pending = decrees.pending_changes(period)
    sequence = Decree.objects.filter(period=period).count()
    form = DecreeForm(
        request.POST or None,
        initial={
            "title": f"{_ordinal(sequence)} atas Keputusan {_head_of(decree.programme)} "
            f"Nomor {original.number} tentang {original.title}",
            "signed_on": timezone.localdate(),
            "effective_on": timezone.localdate(),
            "full_nik": original.full_nik,
            "changes": pending.token,
            **_signer_initial(decree.programme),
        },
    )
    if request.method == "POST" and form.is_valid():
        amendment = _submit(request, form, period, amendment=True)
        if amendment is not None:
            messages.success(
                request,
                _("SK perubahan %(number)s dicatat: %(ended)s dikeluarkan, %(added)s pengganti.")
                % {
                    "number": amendment.number,
                    "ended": len(pending.ended),
                    "added": len(pending.added),
                },
            )
            return redirect(amendment)
    context = {
        "decree": decree,
        "original": original,
        "period": period,
        "form": form,
        "pending": pending,
        "ended": decrees.members_in_order(pending.ended, SHOWN_CHANGES),
        "added": decrees.members_in_order(pending.added, SHOWN_CHANGES),
        "shown": SHOWN_CHANGES,
    }
    return render(request, "membership/decree_amend.html", context, status=_status(form))


@requires(VIEW_MEMBERS)
@require_GET
def decree_detail(request: HttpRequest, decree_id: int) -> HttpResponse:
    decree = _decree_or_404(request, decree_id)
    entries = decrees.entries_for(request.user, decree)
    context = {
        "decree": decree,
        "page": page_of(request, entries),
        "query": "",
        "in_area": entries.count(),
        "family": decrees.decrees_for(request.user)
        .filter(period=decree.period_id)
        .order_by("sequence"),
        "may_download": _may_download(request.user, decree),
        "may_download_full": _may_download_full(request.user, decree),
    }
    return render(request, "membership/decree_detail.html", context)


def _attachment(request: HttpRequest, decree_id: int, fmt: str) -> HttpResponse:
    decree = _decree_or_404(request, decree_id)
    if not _may_download(request.user, decree):
        return forbidden(
            request,
            _(
                "Lampiran SK memuat data pribadi seluruh peserta program; peran atau wilayah "
                "kerja Anda tidak boleh mengunduhnya."
            ),
        )
    full_nik = request.GET.get("nik") == "lengkap"
    if full_nik and not _may_download_full(request.user, decree):
        return forbidden(
            request,
            _("Lampiran ber-NIK lengkap tidak tersedia untuk SK ini atau untuk peran Anda."),
        )
    if fmt == "pdf":
        pdf = _pdf_or_wait(decree, full_nik=full_nik)
        if pdf is None:
            return render(
                request,
                "membership/decree_pdf_wait.html",
                {"decree": decree, "full_nik": full_nik},
                status=202,
            )
        body, content_type = pdf, "application/pdf"
    else:
        body, content_type = attachment_xlsx(decree, full_nik=full_nik), _XLSX
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="decree",
        object_id=str(decree.pk),
        request=request,
        detail={
            "number": decree.number,
            "format": fmt,
            "full_nik": full_nik,
            "entries": getattr(decree, "added", 0) + getattr(decree, "ended", 0),
        },
    )
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"lampiran-sk-{decree.pk}{'-nik-lengkap' if full_nik else ''}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _pdf_or_wait(decree: Decree, *, full_nik: bool) -> bytes | None:
    """The PDF now (stored, or small enough to render while the person waits), or None
    after asking the background worker to render it."""
    stored = decree_render.stored_pdf(decree, full_nik=full_nik)
    if stored is not None:
        return stored
    if decree.entries.count() <= decree_render.RENDER_WHILE_WAITING:
        return decree_render.store_pdf(decree, full_nik=full_nik).read_bytes()
    marker = decree_render.queued_marker(decree, full_nik=full_nik)
    if not marker.exists():  # one job per attachment, however often the page is reloaded
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        render_attachment_job.enqueue(decree.pk, full_nik)
    return None


@requires(VIEW_MEMBERS)
@require_GET
def decree_pdf(request: HttpRequest, decree_id: int) -> HttpResponse:
    return _attachment(request, decree_id, "pdf")


@requires(VIEW_MEMBERS)
@require_GET
def decree_xlsx(request: HttpRequest, decree_id: int) -> HttpResponse:
    return _attachment(request, decree_id, "xlsx")


urlpatterns: list[URLPattern] = [
    path("sk/", decree_list, name="decrees"),
    path("sk/baru/<int:period_id>/", decree_new, name="decree_new"),
    path("sk/<int:decree_id>/", decree_detail, name="decree"),
    path("sk/<int:decree_id>/perubahan/", decree_amend, name="decree_amend"),
    path("sk/<int:decree_id>/lampiran.pdf", decree_pdf, name="decree_pdf"),
    path("sk/<int:decree_id>/lampiran.xlsx", decree_xlsx, name="decree_xlsx"),
]

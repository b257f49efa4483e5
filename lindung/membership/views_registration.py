"""Registration pages: where a programme's members stand with BPJS, the registration file to
send, the result file to upload and what it did, and the correction of refused members.

Everyone who sees members sees the status of their own area; sending and reading files and
correcting refused members take REGISTER_MEMBERS (the Dinas and the BPJS liaison), because
the file carries full NIKs and a correction changes what BPJS is sent. Thin: `registration`
reads and writes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts import scoping
from lindung.accounts.permissions import (
    REGISTER_MEMBERS,
    VIEW_MEMBERS,
    forbidden,
    has_capability,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core.lists import acting_user as _actor
from lindung.core.lists import page_of as _page
from lindung.core.lists import query_without_page as _query_without_page
from lindung.core.widgets import DateInput
from lindung.membership import registration
from lindung.membership.models import Membership, RegistrationImport, RegistrationOutcome
from lindung.membership.registration import CONTENT_TYPES, MAX_BYTES, ConflictError
from lindung.people.nik import mask_nik
from lindung.programs.models import Programme
from lindung.programs.selectors import programme_for, programmes_for

LISTS = {
    "rejected": gettext_lazy("Ditolak BPJS"),
    "not_sent": gettext_lazy("Belum dikirim"),
    "awaiting": gettext_lazy("Menunggu hasil BPJS"),
    "registered": gettext_lazy("Terdaftar"),
}


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format berkas"),
        choices=[("xlsx", gettext_lazy("Excel (.xlsx), disarankan")), ("csv", "CSV")],
        initial="xlsx",
    )
    include_sent = forms.BooleanField(
        label=gettext_lazy("Kirim ulang semua yang belum mendapat KPJ"),
        required=False,
        help_text=gettext_lazy(
            "Tanpa centang: hanya peserta yang belum pernah dikirim atau datanya sudah diperbaiki."
        ),
    )


class ResultForm(forms.Form):
    berkas = forms.FileField(
        label=gettext_lazy("Berkas hasil dari BPJS"),
        help_text=gettext_lazy("XLSX, XLS, ODS atau CSV; paling besar 50 MB."),
        error_messages={
            "required": gettext_lazy("Pilih berkas hasil yang akan diunggah."),
            "empty": gettext_lazy("Berkas ini kosong (0 byte); pilih berkas yang berisi data."),
        },
    )


class CorrectionForm(forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("NIK"),
        max_length=40,
        help_text=gettext_lazy("16 angka sesuai KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150)
    birth_place = forms.CharField(
        label=gettext_lazy("Tempat lahir"), max_length=100, required=False
    )
    birth_date = forms.DateField(
        label=gettext_lazy("Tanggal lahir"),
        widget=DateInput(),
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Jenis kelamin"),
        choices=[("L", gettext_lazy("Laki-laki")), ("P", gettext_lazy("Perempuan"))],
        widget=forms.RadioSelect,
    )
    address = forms.CharField(label=gettext_lazy("Alamat"), max_length=255, required=False)
    phone = forms.CharField(label=gettext_lazy("Nomor HP"), max_length=20, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, member: Membership) -> dict[str, Any]:
        fields = ("nik", "name", "birth_place", "birth_date", "sex", "address", "phone", "version")
        return {name: getattr(member, name) for name in fields}


# -- status ----------------------------------------------------------------------------------


def _programme_or_404(request: HttpRequest, value: str | None) -> Programme:
    programme = programme_for(request.user, int(value)) if value and value.isdigit() else None
    if programme is None:
        raise Http404(_("Program tidak ditemukan di wilayah kerja Anda."))
    return programme


def _page_url(programme: Programme) -> str:
    return f"{reverse('membership:registration')}?program={programme.pk}"


def _may_register(request: HttpRequest, programme: Programme) -> bool:
    user = request.user
    return has_capability(user, REGISTER_MEMBERS) and scoping.can_see_area(user, programme.owner_id)


@requires(VIEW_MEMBERS)
@require_GET
def registration_page(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("program")
    if wanted:
        return _status_page(request, _programme_or_404(request, wanted))
    programmes = list(programmes_for(request.user)[:50])
    if len(programmes) == 1:
        return _status_page(request, programmes[0])
    return render(request, "membership/registration_choose.html", {"programmes": programmes})


def _status_page(
    request: HttpRequest,
    programme: Programme,
    *,
    result_form: ResultForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    state = registration.registration_status(request.user, programme)
    shown = request.GET.get("daftar", "")
    shown = shown if shown in LISTS else ("rejected" if state.counts["rejected"] else "not_sent")
    members = getattr(state, shown).order_by("village_id", "rank", "id")
    context = {
        "programme": programme,
        "state": state,
        "counts": [(key, LISTS[key], state.counts[key]) for key in LISTS],
        "shown": shown,
        "page": _page(request, members),
        "query": _query_without_page(request),
        "may_register": _may_register(request, programme),
        "export_form": ExportForm(),
        "result_form": result_form or ResultForm(),
        "refusal": refusal,
        "exports": registration.exports_for(request.user, programme)[:10],
        "imports": registration.imports_for(request.user, programme)[:10],
    }
    status = 400 if refusal else status
    return render(request, "membership/registration_status.html", context, status=status)


# -- files -----------------------------------------------------------------------------------


@requires(REGISTER_MEMBERS)
@require_POST
def registration_export(request: HttpRequest) -> HttpResponse:
    """The registration file as a download; a refusal goes back to the page as a message."""
    programme = _programme_or_404(request, request.POST.get("program"))
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih format xlsx atau csv."))
        return redirect(_page_url(programme))
    try:
        _export, body, name = registration.registration_export(
            actor=_actor(request),
            programme=programme,
            file_format=form.cleaned_data["file_format"],
            include_sent=form.cleaned_data["include_sent"],
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_page_url(programme))
    extension = name.rsplit(".", 1)[-1]
    response = HttpResponse(body, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(REGISTER_MEMBERS)
@require_POST
def registration_upload(request: HttpRequest) -> HttpResponse:
    programme = _programme_or_404(request, request.POST.get("program"))
    form = ResultForm(request.POST, request.FILES)
    if not form.is_valid():
        return _status_page(request, programme, result_form=form, status=400)
    upload_file = form.cleaned_data["berkas"]
    if upload_file.size > MAX_BYTES:
        refusal = _("Berkas lebih besar dari 50 MB; minta BPJS membaginya.")
        return _status_page(request, programme, result_form=form, refusal=refusal)
    try:
        result = registration.registration_import_result(
            actor=_actor(request),
            programme=programme,
            data=upload_file.read(),
            file_name=upload_file.name or "hasil",
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        refusal = " ".join(error.messages)
        return _status_page(request, programme, result_form=form, refusal=refusal)
    upload = result.upload
    if not result.created:
        messages.warning(
            request, _("Berkas ini sudah pernah diunggah; tidak ada yang diubah. Hasilnya:")
        )
    else:
        messages.success(request, _summary(upload))
    return redirect(upload.get_absolute_url())


def _summary(upload: RegistrationImport) -> str:
    return _(
        "%(rows)s baris terbaca: %(registered)s terdaftar, %(rejected)s ditolak, %(unchanged)s "
        "tidak berubah, %(unknown)s tidak dikenal, %(invalid)s tidak terbaca."
    ) % {key: upload.counts.get(key, 0) for key in ("rows", *RegistrationOutcome.values)}


@requires(VIEW_MEMBERS)
@require_GET
def registration_import(request: HttpRequest, import_id: int) -> HttpResponse:
    upload = registration.import_for(request.user, import_id)
    if upload is None:
        raise Http404(_("Hasil pendaftaran tidak ditemukan di wilayah kerja Anda."))
    outcome = request.GET.get("hasil", "")
    outcome = outcome if outcome in RegistrationOutcome.values else ""
    page = _page(request, registration.rows_of(request.user, upload, outcome))
    mapping = upload.detail.get("column_mapping", {})
    nik_header, kpj_header = mapping.get("nik") or "NIK", mapping.get("kpj") or ""
    context = {
        "upload": upload,
        "programme": upload.programme,
        "counts": [
            (code, label, upload.counts.get(code, 0)) for code, label in RegistrationOutcome.choices
        ],
        "outcome": outcome,
        "outcomes": RegistrationOutcome.choices,
        "page": page,
        "rows": [
            (row, mask_nik(row.raw.get(nik_header, "")), row.raw.get(kpj_header, ""))
            for row in page
        ],
        "query": _query_without_page(request),
        "may_register": _may_register(request, upload.programme),
    }
    return render(request, "membership/registration_import.html", context)


# -- correction ------------------------------------------------------------------------------


@requires(REGISTER_MEMBERS)
def registration_correct(request: HttpRequest, member_id: int) -> HttpResponse:
    member = registration.member_for(request.user, member_id)
    if member is None:
        raise Http404(_("Peserta tidak ditemukan di wilayah kerja Anda."))
    refused = member.status == "determined" and bool(member.registration_problem)
    form = CorrectionForm(request.POST or None, initial=CorrectionForm.initial_for(member))
    refusal = ""
    if refused and request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            registration.registration_correct(
                actor=_actor(request),
                membership=member,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ConflictError as error:
            refusal = error.message
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                _("Data %(name)s sudah diperbaiki dan akan ikut di berkas pendaftaran berikutnya.")
                % {"name": fields["name"]},
            )
            return redirect(_page_url(member.programme))
    elif refused and request.method != "POST":
        # The form holds the full NIK so it can be corrected: a view of it, audited as one.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.NIK_VIEW,
            object_type="membership",
            object_id=str(member.pk),
            request=request,
            detail={"via": "registration_correct"},
        )
    context = {"member": member, "form": form, "refused": refused, "refusal": refusal}
    status = 400 if request.method == "POST" and (form.errors or refusal or not refused) else 200
    return render(request, "membership/registration_correct.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("pendaftaran/", registration_page, name="registration"),
    path("pendaftaran/kirim/", registration_export, name="registration_export"),
    path("pendaftaran/hasil/unggah/", registration_upload, name="registration_upload"),
    path("pendaftaran/hasil/<int:import_id>/", registration_import, name="registration_import"),
    path("<int:member_id>/perbaiki/", registration_correct, name="registration_correct"),
]

"""Reference extract pages: list, upload -> column mapping -> import, snapshot detail.

Snapshots are immutable, so there is no edit or delete page. The uploaded file waits on disk
between the mapping screen and the import (`uploads`); the details typed on the first screen
ride along as hidden fields and are checked again on confirmation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.accounts.models import User
from lindung.accounts.permissions import IMPORT_REFERENCES, VIEW_REFERENCES, forbidden, requires
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.references import selectors, services
from lindung.references.cleaning import LABELS
from lindung.references.forms import MappingForm, UploadForm
from lindung.references.models import ReferenceKind, Snapshot
from lindung.references.uploads import upload_discard, upload_keep, upload_path

PAGE_SIZE = 50


def _snapshot_or_404(request: HttpRequest, snapshot_id: int) -> Snapshot:
    snapshot = selectors.snapshot_for(request.user, snapshot_id)
    if snapshot is None:
        raise Http404(_("Data pembanding tidak ditemukan di wilayah kerja Anda."))
    return snapshot


@requires(VIEW_REFERENCES)
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ReferenceKind.values:
        kind = ""
    snapshots = selectors.snapshots_for(request.user, kind=kind)
    page = Paginator(snapshots, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kind": kind, "kinds": ReferenceKind.choices}
    return render(request, "references/list.html", context)


@requires(IMPORT_REFERENCES)
@require_http_methods(["GET", "POST"])
def snapshot_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        sha256, path = upload_keep(uploaded)
        try:
            preview = services.snapshot_preview(
                kind=form.cleaned_data["kind"], file=path, filename=uploaded.name
            )
        except ValidationError as error:
            upload_discard(path)
            form.add_error("file", error)
        else:
            details = {**form.cleaned_data, "upload": sha256, "file_name": uploaded.name}
            del details["file"]
            mapping_form = MappingForm(
                initial=details | {f"map_{f}": h for f, h in preview.mapping.items() if h},
                user=request.user,
                fields=preview.fields,
                required=preview.required,
                headers=preview.sheet.headers,
            )
            return _mapping_page(request, mapping_form, preview)
    status = 400 if form.errors else 200
    return render(request, "references/upload.html", {"form": form}, status=status)


@requires(IMPORT_REFERENCES)
@require_POST
def snapshot_confirm(request: HttpRequest) -> HttpResponse:
    path = upload_path(request.POST.get("upload", ""), request.POST.get("file_name", ""))
    kind = request.POST.get("kind", "")
    if path is None or kind not in ReferenceKind.values:
        messages.error(request, _("Berkas unggahan tidak ditemukan lagi; unggah ulang berkasnya."))
        return redirect("references:upload")
    file_name = request.POST["file_name"]
    try:
        preview = services.snapshot_preview(kind=kind, file=path, filename=file_name)
    except ValidationError:
        upload_discard(path)
        messages.error(request, _("Berkas unggahan tidak bisa dibaca lagi; unggah ulang."))
        return redirect("references:upload")
    form = MappingForm(
        request.POST,
        user=request.user,
        fields=preview.fields,
        required=preview.required,
        headers=preview.sheet.headers,
    )
    if not form.is_valid():
        return _mapping_page(request, form, preview, status=400)
    actor = request.user
    assert isinstance(actor, User)
    try:
        snapshot = services.snapshot_import(
            actor=actor,
            kind=form.cleaned_data["kind"],
            source=form.cleaned_data["source"],
            extracted_on=form.cleaned_data["extracted_on"],
            area_code=form.cleaned_data["area"],
            file=path,
            filename=file_name,
            mapping=form.mapping(),
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        form.add_error(None, error)
        return _mapping_page(request, form, preview, status=400)
    upload_discard(path)
    if snapshot.reused:
        messages.info(request, _("Berkas ini sudah pernah diimpor; tidak ada data baru dibuat."))
    else:
        messages.success(
            request,
            _("Impor selesai: %(rows)d baris = %(accepted)d diterima + %(rejected)d ditolak.")
            % {
                "rows": snapshot.row_count,
                "accepted": snapshot.accepted_count,
                "rejected": snapshot.rejected_count,
            },
        )
    return redirect("references:detail", snapshot.pk)


def _mapping_page(
    request: HttpRequest, form: MappingForm, preview: services.Preview, status: int = 200
) -> HttpResponse:
    headers = preview.sheet.headers
    context = {
        "form": form,
        "sheet": preview.sheet,
        "headers": headers,
        "sample": [[row.get(h) for h in headers] for row in preview.sample],
        "rows": preview.sheet.rows.num_rows,
    }
    return render(request, "references/mapping.html", context, status=status)


@requires(VIEW_REFERENCES)
@require_GET
def snapshot_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = _snapshot_or_404(request, snapshot_id)
    page = Paginator(selectors.rejected_of(snapshot), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"snapshot": snapshot, "page": page, "mapping": _mapping_rows(snapshot)}
    return render(request, "references/detail.html", context)


def _mapping_rows(snapshot: Snapshot) -> list[tuple[str, str]]:
    return [
        (str(LABELS.get(field, field)), header)
        for field, header in snapshot.column_mapping.items()
        if header
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # A cell typed as "=HYPERLINK(...)" must not run as a formula when opened in Excel.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rejected_rows(snapshot: Snapshot) -> Iterator[list[str]]:
    rejected = selectors.rejected_of(snapshot)
    headers = snapshot.headers
    yield [_("baris"), _("alasan"), *headers]
    for row in rejected.iterator(chunk_size=2000):
        reasons = " | ".join(reason["message"] for reason in row.reasons)
        yield [str(row.row_number), reasons, *(_cell(row.raw.get(h)) for h in headers)]


@requires(IMPORT_REFERENCES)
@require_GET
def rejected_download(request: HttpRequest, snapshot_id: int) -> StreamingHttpResponse:
    """The refused rows as received, with their reasons, to fix and import again."""
    snapshot = _snapshot_or_404(request, snapshot_id)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="reference_rejected",
        object_id=str(snapshot.pk),
        request=request,
        detail={"count": snapshot.rejected_count},
    )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rejected_rows(snapshot)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"ditolak-{snapshot.kind}-{snapshot.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response

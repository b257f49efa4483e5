"""People pages. Thin: selectors read (already scoped), services write, the audit log records
every full NIK shown and every export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.models import User
from lindung.accounts.permissions import (
    EDIT_PEOPLE,
    EXPORT_PERSONAL_DATA,
    VIEW_FULL_NIK,
    VIEW_PEOPLE,
    has_capability,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.people.forms import PeopleFilterForm, PersonForm
from lindung.people.models import Person
from lindung.people.nik import mask_nik
from lindung.people.selectors import people_for, person_for, person_history, region_path
from lindung.people.services import nik_read, person_create, person_update
from lindung.regions.models import Region

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[PeopleFilterForm, dict[str, str]]:
    form = PeopleFilterForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return form, {}
    return form, {"q": form.cleaned_data["q"], "village_code": form.cleaned_data["area"]}


def _person_or_404(request: HttpRequest, person_id: int) -> Person:
    # Outside the user's area is the same as not existing: a 403 would confirm the id.
    person = person_for(request.user, person_id)
    if person is None:
        raise Http404(_("Orang tidak ditemukan di wilayah kerja Anda."))
    return person


@requires(VIEW_PEOPLE)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(people_for(request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(filters.values()),
    }
    return render(request, "people/list.html", context)


def _detail(request: HttpRequest, person: Person, *, revealed: bool = False) -> HttpResponse:
    context = {
        "person": person,
        "path": region_path(person.village_id),
        "history": person_history(person),
        "revealed": revealed,
    }
    return render(request, "people/detail.html", context)


@requires(VIEW_PEOPLE)
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    return _detail(request, _person_or_404(request, person_id))


@requires(VIEW_FULL_NIK)
@require_POST
@never_cache
def person_reveal_nik(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show the full NIK once, and record that this user saw it."""
    person = _person_or_404(request, person_id)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.NIK_VIEW,
        object_type="person",
        object_id=str(person.pk),
        request=request,
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "people/_nik.html", {"person": person, "revealed": True})
    return _detail(request, person, revealed=True)


def _save_form(request: HttpRequest, form: PersonForm, person: Person | None) -> Person | None:
    """Run the service; on a rejection, put its messages on the form and return None."""
    assert isinstance(request.user, User)
    try:
        if person is None:
            return person_create(actor=request.user, **form.service_arguments())
        return person_update(actor=request.user, person=person, **form.service_arguments())
    except ValidationError as error:
        form.add_service_errors(error)
        return None


def _form_page(request: HttpRequest, form: PersonForm, person: Person | None) -> HttpResponse:
    info = None
    if form.is_bound and form.data.get("nik"):
        info = _nik_info(
            form.data.get("nik", ""), form.data.get("birth_date"), form.data.get("sex")
        )
    context = {"form": form, "person": person, "info": info}
    return render(request, "people/form.html", context, status=400 if form.errors else 200)


@requires(EDIT_PEOPLE)
def person_new(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _save_form(request, form, None)
        if person is not None:
            messages.success(request, _("%(name)s sudah disimpan.") % {"name": person.name})
            return redirect("people:detail", person_id=person.pk)
    return _form_page(request, form, None)


@requires(EDIT_PEOPLE)
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user)
        if form.is_valid() and _save_form(request, form, person) is not None:
            messages.success(
                request, _("Perubahan data %(name)s sudah disimpan.") % {"name": person.name}
            )
            return redirect("people:detail", person_id=person.pk)
        person.refresh_from_db()  # the service may have changed it in memory before refusing
    else:
        # The form holds the full NIK so it can be corrected: that is a view, audited as one.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.NIK_VIEW,
            object_type="person",
            object_id=str(person.pk),
            request=request,
            detail={"via": "edit_form"},
        )
        form = PersonForm(initial=PersonForm.initial_for(person), user=request.user)
    return _form_page(request, form, person)


def _nik_info(raw: str, birth_date: Any, sex: Any) -> dict[str, Any]:
    """What a typed NIK says: its areas by name, birth date, sex and findings in Indonesian."""
    try:
        born = PersonForm.base_fields["birth_date"].clean(birth_date) if birth_date else None
    except ValidationError:
        born = None  # the form says what is wrong with the date; the NIK is read on its own
    info = nik_read(raw, birth_date=born, sex=sex or None)
    areas = []
    if info.region_code:
        wanted = [info.province_code, info.regency_code, info.region_code]
        areas = list(Region.objects.filter(code__in=wanted).order_by("code"))
    return {
        "info": info,
        "areas": areas,
        "findings": [(f.severity, f.render(_)) for f in info.findings],
    }


@requires(EDIT_PEOPLE)
@require_GET
def nik_check(request: HttpRequest) -> HttpResponse:
    """The parse of a NIK as the operator types it (htmx partial)."""
    get = request.GET
    info = _nik_info(get.get("nik", ""), get.get("birth_date"), get.get("sex"))
    return render(request, "people/_nik_parse.html", {"info": info})


class _Echo:
    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # A name typed as "=HYPERLINK(...)" must not run as a formula when opened in Excel.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_EXPORT_HEADER = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "tempat_lahir",
    "kode_desa",
    "desa",
    "nomor_kk",
    "alamat",
    "pekerjaan",
]


def _export_rows(people: Any, full_nik: bool) -> Iterator[list[str]]:
    shown = (lambda v: v) if full_nik else mask_nik
    yield _EXPORT_HEADER
    columns = (
        "nik",
        "name",
        "sex",
        "birth_date",
        "birth_place",
        "village_id",
        "village__name",
        "kk",
        "address",
        "occupation",
    )
    for row in people.values_list(*columns).iterator(chunk_size=2000):
        nik, name, sex, born, place, code, village, kk, address, job = row
        yield [
            _cell(v)
            for v in (
                shown(nik),
                name,
                sex,
                born.isoformat(),
                place,
                code,
                village,
                shown(kk) if kk else "",
                address,
                job,
            )
        ]


@requires(EXPORT_PERSONAL_DATA)
@require_GET
def person_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """The list as CSV, streamed. Full NIK and KK only for roles that may see them.

    Phone numbers are never exported: no export use needs them.
    """
    form, filters = _filters(request)
    if form.errors:
        messages.error(request, _("Saringan tidak valid; perbaiki lalu ekspor lagi."))
        return redirect("people:list")
    people = people_for(request.user, **filters)
    full_nik = has_capability(request.user, VIEW_FULL_NIK)
    count = people.count()
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="person",
        request=request,
        detail={"count": count, "filters": filters, "full_nik": full_nik},
    )
    writer = csv.writer(_Echo())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _export_rows(people, full_nik)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="orang-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response

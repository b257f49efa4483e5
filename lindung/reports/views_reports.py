"""Printable reports under /laporan/: the index of every report, coverage by area as XLSX
and PDF, and the Paritrana profile (page, XLSX, PDF).

The budget position (contributions) and the claims register (claims) are built by their
own apps; the index links to them. The reports built here are aggregates: counts and
amounts per area, no name and no NIK. Every download is still written to the audit log,
like every other export.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lindung.accounts.permissions import (
    VIEW_BILLS,
    VIEW_CLAIMS,
    VIEW_DASHBOARD,
    has_capability,
    requires,
)
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.contributions import documents
from lindung.contributions.documents import Rupiah
from lindung.engine.budget import format_number, format_rupiah
from lindung.programs.models import Programme
from lindung.regions import codes
from lindung.reports import selectors
from lindung.reports.views_dashboard import programme_choice

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
MAX_INFORMAL = 100_000_000
# WeasyPrint needs seconds per page of a long table: above this many villages the PDF
# carries the kecamatan table and the XLSX the village rows.
PDF_MAX_VILLAGES = 100


class InformalForm(forms.Form):
    informal = forms.IntegerField(
        label=gettext_lazy("Jumlah pekerja informal di wilayah (Sakernas/BPS)"),
        required=False,
        min_value=1,
        max_value=MAX_INFORMAL,
        error_messages={
            "invalid": gettext_lazy("Jumlah pekerja informal harus bilangan bulat, mis. 45000."),
            "min_value": gettext_lazy("Jumlah pekerja informal harus lebih dari 0."),
            "max_value": gettext_lazy("Jumlah pekerja informal paling banyak 100.000.000."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "45000"}),
    )


def _informal(request: HttpRequest) -> tuple[InformalForm, int | None]:
    raw = request.GET.get("informal", "").strip().replace(".", "")
    form = InformalForm({"informal": raw} if raw else None)
    if raw and form.is_valid():
        return form, form.cleaned_data["informal"]
    return form, None


def _programmes(request: HttpRequest) -> list[Programme]:
    return selectors.dashboard_programmes(request.user)


def _strict_programme(request: HttpRequest) -> Programme | None:
    """The programme a download names; None (with a message) when it names none the user
    sees: a download never falls back to another programme."""
    programmes = _programmes(request)
    wanted = request.GET.get("programme", "").strip()
    found = next((p for p in programmes if wanted.isdigit() and p.pk == int(wanted)), None)
    if found is None:
        messages.error(
            request,
            _("Pilih program yang ada di wilayah kerja Anda sebelum mengunduh laporan."),
        )
    return found


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        messages.error(request, _("Format unduhan tidak dikenal; pilih XLSX atau PDF."))
        return None
    return fmt


def _download(
    request: HttpRequest,
    report: documents.Report,
    *,
    fmt: str,
    name: str,
    kind: str,
    detail: dict[str, Any],
) -> HttpResponse:
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=kind,
        request=request,
        detail={
            "format": fmt,
            "report": report.title,
            "rows": sum(len(t.rows) for t in report.tables),
            "personal_data": False,
            **detail,
        },
    )
    body = documents.xlsx(report) if fmt == "xlsx" else documents.pdf(report)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def _back(programme: Programme | None) -> HttpResponse:
    url = reverse("reports:index")
    return redirect(f"{url}?programme={programme.pk}" if programme else url)


# -- the index ----------------------------------------------------------------------------------


@requires(VIEW_DASHBOARD)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    programmes = _programmes(request)
    programme = programme_choice(request, programmes) if programmes else None
    context = {
        "programmes": programmes,
        "programme": programme,
        "shows_money": has_capability(request.user, VIEW_BILLS),
        "shows_claims": has_capability(request.user, VIEW_CLAIMS),
    }
    return render(request, "reports/report_index.html", context)


# -- coverage by area -----------------------------------------------------------------------------


def _area_row(a: selectors.AreaRow, *, with_villages: bool) -> list[Any]:
    row: list[Any] = [a.code, a.name]
    if with_villages:
        row.append(a.villages)
    return [
        *row,
        a.target,
        a.active,
        a.coverage_text or "—",
        a.registered,
        a.determined,
        a.ended,
    ]


def _slices(title: str, heading: str, slices: list[selectors.Slice]) -> documents.Table:
    return documents.Table(
        title,
        [heading, _("Peserta aktif"), _("Persen")],
        [[s.label, s.n, s.share_text or "—"] for s in slices],
        footer=[_("Jumlah"), sum(s.n for s in slices), ""],
    )


def coverage_report(
    user: object, programme: Programme, *, on: Any = None, pdf: bool = False
) -> documents.Report:
    """Members against target for the user's area: a summary, one row per kecamatan (or
    per village for a kecamatan user), one per village (in a PDF only up to
    PDF_MAX_VILLAGES), and who the members are."""
    day = on or timezone.localdate()
    see = selectors.scope_of(user)
    tally = selectors.member_tally(user, programme, day)
    home = selectors.home_area(user, programme)
    cover = selectors.coverage(see, programme, tally, home)
    people = selectors.profile(tally, home)
    total = cover.total
    level = cover.level_label
    area_headers = [_("Kode"), level]
    numbers = [
        _("Target"),
        _("Aktif"),
        _("Cakupan"),
        _("Terdaftar BPJS"),
        _("Belum terdaftar"),
        _("Berhenti"),
    ]
    with_villages = cover.drillable
    lines: list[str] = []
    tables = [
        documents.Table(
            _("Ringkasan"),
            [_("Ukuran"), _("Nilai")],
            [
                [_("Peserta aktif"), total.active],
                [_("Target"), total.target if total.target is not None else "—"],
                [_("Cakupan terhadap target"), total.coverage_text or "—"],
                [_("Terdaftar di BPJS (KPJ)"), total.registered],
                [_("Ditetapkan, belum terdaftar"), total.determined],
                [_("Berhenti"), total.ended],
                [
                    _("Tempat yang dibiayai penetapan terakhir"),
                    cover.budget_places if cover.budget_places is not None else "—",
                ],
            ],
        ),
        documents.Table(
            _("Per %(level)s") % {"level": level.lower()},
            [*area_headers, *([_("Desa")] if with_villages else []), *numbers],
            [_area_row(a, with_villages=with_villages) for a in cover.areas],
            footer=[
                "",
                _("Jumlah"),
                *([total.villages] if with_villages else []),
                total.target,
                total.active,
                total.coverage_text or "—",
                total.registered,
                total.determined,
                total.ended,
            ],
        ),
    ]
    if with_villages and pdf and total.villages > PDF_MAX_VILLAGES:
        lines.append(
            _("Rincian %(n)s desa/kelurahan ada di unduhan XLSX laporan ini.")
            % {"n": format_number(total.villages)}
        )
    elif with_villages:
        villages = selectors.coverage(see, programme, tally, home, level=codes.VILLAGE)
        names = {a.code: a.name for a in cover.areas}
        width = codes.LENGTHS[cover.child_level]
        tables.append(
            documents.Table(
                _("Per desa/kelurahan"),
                [_("Kode"), _("Desa/kelurahan"), level, *numbers],
                [
                    [
                        a.code,
                        a.name,
                        names.get(a.code[:width], ""),
                        *_area_row(a, with_villages=False)[2:],
                    ]
                    for a in villages.areas
                ],
            )
        )
    tables += [
        _slices(_("Jenis kelamin"), _("Jenis kelamin"), people.sex),
        _slices(_("Kelompok umur"), _("Umur (tahun)"), people.age),
        _slices(_("Pekerjaan"), _("Pekerjaan"), people.occupation),
    ]
    return documents.Report(
        _("Cakupan peserta per wilayah"),
        lines=[
            f"{programme.name} · {programme.legal_basis}",
            _("Wilayah: %(area)s (%(code)s)") % {"area": cover.focus_name, "code": home},
            _target_note(programme),
            _("Umur dihitung pada %(day)s.") % {"day": day.strftime("%d-%m-%Y")},
            *lines,
        ],
        tables=tables,
    )


def _target_note(programme: Programme) -> str:
    if programme.quota_kind == "village":
        return _("Target = kuota %(n)s peserta per desa/kelurahan x jumlah desa.") % {
            "n": format_number(programme.quota_size or 0)
        }
    if programme.quota_kind == "district":
        return _("Target = kuota %(n)s peserta per kecamatan.") % {
            "n": format_number(programme.quota_size or 0)
        }
    return _("Program tanpa kuota wilayah: target = tempat yang dibiayai penetapan terakhir.")


@requires(VIEW_DASHBOARD)
@require_GET
def coverage_export(request: HttpRequest) -> HttpResponseBase:
    programme = _strict_programme(request)
    fmt = _format(request)
    if programme is None or fmt is None:
        return _back(programme)
    report = coverage_report(request.user, programme, pdf=fmt == "pdf")
    return _download(
        request,
        report,
        fmt=fmt,
        name="cakupan-peserta",
        kind="coverage_report",
        detail={"programme": programme.pk, "area": selectors.home_area(request.user, programme)},
    )


# -- the Paritrana profile ------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A profile value as the page prints it."""
    if value is None:
        return "—"
    if isinstance(value, Rupiah):
        return format_rupiah(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def paritrana_report(data: selectors.Paritrana) -> documents.Report:
    def figures(title: str, rows: list[selectors.Figure]) -> documents.Table:
        return documents.Table(
            title,
            [_("Ukuran"), _("Nilai"), _("Keterangan")],
            [[f.label, "—" if f.value is None else f.value, f.note] for f in rows],
        )

    programme = data.programme
    return documents.Report(
        _("Profil program untuk Paritrana Award"),
        lines=[
            f"{programme.name} · {programme.legal_basis}",
            _("Wilayah: %(area)s") % {"area": programme.owner.name},
            _("Angka dari data Lindung pada %(day)s; yang tidak tersedia ditandai —.")
            % {"day": data.on.strftime("%d-%m-%Y")},
        ],
        tables=[
            figures(_("Regulasi"), data.regulation),
            documents.Table(
                _("Keputusan penetapan peserta"),
                [_("Nomor"), _("Tentang"), _("Jenis"), _("Ditetapkan"), _("Berlaku mulai")],
                [
                    [d.number, d.title, d.get_kind_display(), d.signed_on, d.effective_on]
                    for d in data.decrees
                ],
            ),
            figures(_("Cakupan"), data.coverage),
            figures(_("Inovasi"), data.innovation),
        ],
    )


def _profile_or_back(
    request: HttpRequest, programme: Programme | None
) -> tuple[selectors.Paritrana | None, InformalForm]:
    form, informal = _informal(request)
    if programme is None:
        return None, form
    return selectors.paritrana(request.user, programme, informal=informal), form


@requires(VIEW_DASHBOARD)
@require_GET
def paritrana(request: HttpRequest) -> HttpResponse:
    programmes = _programmes(request)
    programme = programme_choice(request, programmes) if programmes else None
    data, form = _profile_or_back(request, programme)
    sections = []
    if data is not None:
        sections = [
            (title, [(f.label, shown(f.value), f.note) for f in rows])
            for title, rows in (
                (_("Regulasi"), data.regulation),
                (_("Cakupan"), data.coverage),
                (_("Inovasi"), data.innovation),
            )
        ]
    context = {
        "programmes": programmes,
        "programme": programme,
        "data": data,
        "sections": sections,
        "form": form,
        "informal": form.cleaned_data.get("informal")
        if form.is_bound and form.is_valid()
        else None,
    }
    return render(request, "reports/report_paritrana.html", context)


@requires(VIEW_DASHBOARD)
@require_GET
def paritrana_export(request: HttpRequest) -> HttpResponseBase:
    programme = _strict_programme(request)
    fmt = _format(request)
    form, informal = _informal(request)
    if form.is_bound and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        fmt = None
    if programme is None or fmt is None:
        return _back(programme)
    data = selectors.paritrana(request.user, programme, informal=informal)
    return _download(
        request,
        paritrana_report(data),
        fmt=fmt,
        name="profil-paritrana",
        kind="paritrana_profile",
        detail={"programme": programme.pk, "area": selectors.home_area(request.user, programme)},
    )


urlpatterns: list[URLPattern] = [
    path("laporan/", index, name="index"),
    path("laporan/cakupan/unduh/", coverage_export, name="coverage_export"),
    path("laporan/paritrana/", paritrana, name="paritrana"),
    path("laporan/paritrana/unduh/", paritrana_export, name="paritrana_export"),
]

"""The dashboard at /dasbor/: members against target by area (a tile grid coloured by
coverage, bars against the target, the table), who the members are (sex, age band,
occupation), proposals in the pipeline, claims and, for roles with VIEW_BILLS, the money.

Every role opens it; what it counts is limited to the user's area by `selectors` (a
kecamatan sees its villages, a village itself). `?programme=` picks the programme (default:
the first active one the user sees), `?wilayah=` a kecamatan to drill down to its villages.
A wrong choice says so and shows the default instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.accounts.permissions import VIEW_BILLS, VIEW_DASHBOARD, has_capability, requires
from lindung.claims.models import ClaimStatus
from lindung.programs.models import Programme
from lindung.reports import charts, selectors

OCCUPATIONS_CHARTED = 8


def programme_choice(request: HttpRequest, programmes: list[Programme]) -> Programme:
    """The programme of `?programme=`, or the first one with a message saying why."""
    wanted = request.GET.get("programme", "").strip()
    if not wanted:
        return programmes[0]
    found = next((p for p in programmes if wanted.isdigit() and p.pk == int(wanted)), None)
    if found is None:
        messages.error(
            request,
            _(
                "Program %(wanted)s tidak ditemukan di antara program aktif di wilayah kerja "
                "Anda; yang ditampilkan %(name)s."
            )
            % {"wanted": wanted[:20], "name": programmes[0].name},
        )
        return programmes[0]
    return found


def _link(programme: Programme, code: str) -> str:
    return "?" + urlencode({"programme": programme.pk, "wilayah": code})


def dashboard_charts(data: selectors.Dashboard) -> dict[str, Any]:
    """The SVG pictures of the page; the tables beside them carry the same numbers."""
    cover = data.coverage
    level = cover.level_label.lower()
    drill = cover.drillable

    def href(code: str) -> str | None:
        return _link(data.programme, code) if drill else None

    people = data.profile
    jobs = [(s.label, s.n) for s in people.occupation[:OCCUPATIONS_CHARTED]]
    rest = sum(s.n for s in people.occupation[OCCUPATIONS_CHARTED:])
    if rest:
        jobs.append((_("Lainnya"), rest))
    return {
        "tiles": charts.tile_grid(
            _("Cakupan peserta per %(level)s") % {"level": level},
            _(
                "Satu kotak per %(level)s di %(area)s, makin gelap makin dekat ke target; "
                "angka yang sama ada di tabel di bawahnya."
            )
            % {"level": level, "area": cover.focus_name},
            [charts.Tile(a.name, a.coverage, a.active, href(a.code)) for a in cover.areas],
        ),
        "legend": charts.legend(),
        "bars": charts.target_bars(
            _("Peserta aktif dan target per %(level)s") % {"level": level},
            _(
                "Batang hijau: peserta aktif; kotak bergaris: target. Angka: aktif / target. "
                "Angka yang sama ada di tabel."
            ),
            [charts.Bar(a.name, a.active, a.target, href(a.code)) for a in cover.areas],
        ),
        "sex": charts.share_bars(
            _("Peserta aktif menurut jenis kelamin"),
            _("Jumlah dan persentase peserta aktif laki-laki dan perempuan."),
            [(s.label, s.n) for s in people.sex],
        ),
        "age": charts.share_bars(
            _("Peserta aktif menurut kelompok umur"),
            _("Jumlah dan persentase peserta aktif per kelompok umur (tahun) pada %(day)s.")
            % {"day": data.on.strftime("%d-%m-%Y")},
            [(s.label, s.n) for s in people.age],
        ),
        "occupation": charts.share_bars(
            _("Peserta aktif menurut pekerjaan"),
            _("Jumlah dan persentase peserta aktif per pekerjaan, yang terbanyak lebih dulu."),
            jobs,
        ),
    }


@requires(VIEW_DASHBOARD)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    programmes = selectors.dashboard_programmes(request.user)
    if not programmes:
        return render(request, "reports/dashboard.html", {"programmes": []})
    programme = programme_choice(request, programmes)
    focus = request.GET.get("wilayah", "").strip()[:20]
    if focus:
        problem = selectors.focus_problem(request.user, programme, focus)
        if problem:
            messages.error(request, problem)
            focus = ""
    data = selectors.dashboard(request.user, programme, focus=focus or None)
    home = selectors.home_area(request.user, programme)
    context = {
        "programmes": programmes,
        "programme": programme,
        "data": data,
        "charts": dashboard_charts(data),
        "home": home,
        "drilled": data.coverage.focus != home,
        "shows_money": has_capability(request.user, VIEW_BILLS),
        "claim_statuses": ClaimStatus.choices,
        "paid_status": ClaimStatus.PAID,
    }
    return render(request, "reports/dashboard.html", context)


urlpatterns: list[URLPattern] = [
    path("dasbor/", dashboard, name="dashboard"),
]

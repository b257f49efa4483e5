from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lindung.contributions import forecast
from lindung.regions.models import Region

# The words a Kemendagri name may already start with, by level: regencies are stored as
# "Kabupaten Seluma" or "Kota Bengkulu", the other levels without their kind. Only the
# level's own words count: "Kota Manna" is a kecamatan.
_LEVEL_WORDS: dict[int, tuple[str, ...]] = {
    Region.Level.PROVINCE: ("Provinsi",),
    Region.Level.REGENCY: ("Kabupaten", "Kota"),
    Region.Level.DISTRICT: ("Kecamatan",),
    Region.Level.VILLAGE: ("Desa", "Kelurahan"),
}


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database's state when it answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {
                "status": "error",
                "database": {
                    "ok": False,
                    "vendor": connection.vendor,
                    "error": exc.__class__.__name__,
                },
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {"ok": True, "vendor": connection.vendor}})


def scope_title(area: Region) -> str:
    """The area with its kind said once: "Kabupaten Seluma", "Kecamatan Kota Manna"."""
    if area.name.split(" ", 1)[0] in _LEVEL_WORDS[area.level]:
        return area.name
    return f"{area.get_kind_display()} {area.name}"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Budget lines running out reach the people who can act on them.
    may_act = forecast.may_acknowledge(request.user)
    warnings = list(forecast.open_warnings_for(request.user)[:20]) if may_act else []
    scope = getattr(request.user, "scope", None)
    return render(
        request,
        "core/home.html",
        {
            "warnings": warnings,
            "may_acknowledge": may_act,
            "next": request.get_full_path(),
            "scope_title": scope_title(scope) if scope is not None else "",
        },
    )

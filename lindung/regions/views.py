"""Browsing the areas a user may see: their scope area, its children, counts of people."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lindung.accounts.scoping import can_see_area, scope_code
from lindung.regions import codes, selectors
from lindung.regions.models import Region

PER_PAGE = 50


@dataclass(frozen=True)
class Crumb:
    region: Region
    linked: bool


@dataclass(frozen=True)
class ChildRow:
    region: Region
    villages: int
    people: int


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The user's scope area; the list of provinces for a nationwide admin."""
    code = getattr(request.user, "scope_id", None)
    if code is None:
        return _area_page(request, None)
    return _area_page(
        request, get_object_or_404(selectors.visible_regions(request.user), code=code)
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    if not codes.is_code(code):
        raise Http404
    area = get_object_or_404(selectors.visible_regions(request.user), code=code)
    return _area_page(request, area)


def _area_page(request: HttpRequest, area: Region | None) -> HttpResponse:
    user = request.user
    search = request.GET.get("q", "").strip()[:100]
    level = codes.PROVINCE if area is None else area.level + 1  # the children's level
    has_children = level <= codes.VILLAGE
    show_villages = level < codes.VILLAGE
    show_people = codes.DISTRICT <= level <= codes.VILLAGE
    page = Paginator(selectors.child_regions(user, area, search=search), PER_PAGE).get_page(
        request.GET.get("page")
    )
    villages = selectors.village_counts(user, area) if show_villages else {}
    people = selectors.person_counts(user, area) if show_people else {}
    context = {
        "area": area,
        "crumbs": [Crumb(a, can_see_area(user, a.code)) for a in area.ancestors()] if area else [],
        "nationwide": _is_nationwide(user),
        "page": page,
        "rows": [
            ChildRow(child, villages.get(child.code, 0), people.get(child.code, 0))
            for child in page.object_list
        ],
        "search": search,
        "query": urlencode({"q": search}) if search else "",
        "has_children": has_children,
        "show_villages": show_villages,
        "show_people": show_people,
        "village_total": selectors.village_total(user, area) if has_children else None,
        "person_total": selectors.person_total(user, area) if area else None,
    }
    return render(request, "regions/area.html", context)


def _is_nationwide(user: object) -> bool:
    try:
        return scope_code(user) is None
    except PermissionError:
        return False

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lindung.accounts.permissions import VIEW_AUDIT_LOG, requires
from lindung.audit.display import detail_items, names_for
from lindung.audit.forms import AuditFilterForm
from lindung.audit.selectors import audit_events_for

PAGE_SIZE = 50


@requires(VIEW_AUDIT_LOG)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for(request.user, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    names = names_for(event.detail for event in page)
    rows = [(event, detail_items(event.detail, event.object_type, names)) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )

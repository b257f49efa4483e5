"""Determination pages: periods waiting for penetapan, the effect before committing, and
what a committed determination did.

Thin: `determination` computes and writes; selectors scope. Anyone who sees the programme
may look at the effect; only DETERMINE commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts import scoping
from lindung.accounts.permissions import DETERMINE, VIEW_MEMBERS, has_capability, requires
from lindung.core.lists import acting_user
from lindung.core.widgets import DateInput
from lindung.membership.determination import Plan, determination_commit, determination_preview
from lindung.membership.models import (
    ACTIVE_STATUSES,
    Determination,
    Membership,
    WaitingEntry,
    WaitingStatus,
)
from lindung.programs.models import BudgetLine, BudgetStatus, ProposalPeriod
from lindung.proposals.models import Proposal, ProposalStatus
from lindung.proposals.selectors import periods_for


def determinations_for(user: object) -> QuerySet[Determination]:
    return scoping.visible(
        user, Determination.objects.select_related("programme", "period", "budget_line")
    )


def _first_of_next_month() -> date:
    today = timezone.localdate()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


class DeterminationForm(forms.Form):
    budget_line = forms.ModelChoiceField(
        label=gettext_lazy("Pos anggaran"),
        queryset=BudgetLine.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tanpa batas anggaran (hanya kuota)"),
    )
    months = forms.IntegerField(
        label=gettext_lazy("Jumlah bulan yang dibiayai"), min_value=1, max_value=12, initial=12
    )
    coverage_start = forms.DateField(
        label=gettext_lazy("Perlindungan mulai (tanggal 1)"),
        # A date input shows only ISO dates; the Indonesian format would leave it empty.
        widget=DateInput(),
    )

    def __init__(self, *args: Any, period: ProposalPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["budget_line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = BudgetLine.objects.filter(programme_id=period.programme_id).exclude(
            status__in=[BudgetStatus.CANCELLED, BudgetStatus.CLOSED]
        )


@requires(VIEW_MEMBERS)
def determination_list(request: HttpRequest) -> HttpResponse:
    periods = (
        periods_for(request.user)
        .annotate(
            eligible=Count("proposals", filter=Q(proposals__status=ProposalStatus.ELIGIBLE)),
        )
        .select_related("determination")
    )
    context = {"periods": periods, "can_determine": has_capability(request.user, DETERMINE)}
    return render(request, "membership/determination_list.html", context)


@requires(VIEW_MEMBERS)
def determination_period(request: HttpRequest, period_id: int) -> HttpResponse:
    period = periods_for(request.user).filter(pk=period_id).first()
    if period is None:
        raise Http404
    done = Determination.objects.filter(period=period).first()
    if done is not None:
        return redirect(done)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = DeterminationForm(
        data, period=period, initial={"coverage_start": _first_of_next_month()}
    )
    plan: Plan | None = None
    if form.is_valid():
        values = {
            "period": period,
            "months": form.cleaned_data["months"],
            "coverage_start": form.cleaned_data["coverage_start"],
            "budget_line": form.cleaned_data["budget_line"],
        }
        try:
            if request.method == "POST":
                if not has_capability(request.user, DETERMINE):
                    raise PermissionDenied(_("Peran Anda tidak boleh melakukan penetapan."))
                determination = determination_commit(actor=acting_user(request), **values)
                messages.success(request, _("Penetapan tersimpan."))
                return redirect(determination)
            plan = determination_preview(**values)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
    context = {
        "period": period,
        "form": form,
        "plan": plan,
        "eligible": Proposal.objects.filter(period=period, status=ProposalStatus.ELIGIBLE).count(),
        "can_determine": has_capability(request.user, DETERMINE),
    }
    return render(request, "membership/determination_period.html", context)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@requires(VIEW_MEMBERS)
def determination_detail(request: HttpRequest, determination_id: int) -> HttpResponse:
    determination = determinations_for(request.user).filter(pk=determination_id).first()
    if determination is None:
        raise Http404
    # Members active now (replacements included, those who left not) and who still waits.
    members = scoping.visible(
        request.user,
        Membership.objects.filter(determination=determination, status__in=ACTIVE_STATUSES),
    )
    waiting = scoping.visible(
        request.user,
        WaitingEntry.objects.filter(determination=determination, status=WaitingStatus.WAITING),
    )
    villages = (
        members.order_by("village_id")
        .values("village_id", "village__name", "village__parent__name")
        .annotate(n=Count("id"))
    )
    waiting_by_village = dict(
        waiting.order_by()
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    context = {
        "determination": determination,
        "counts": determination.counts,
        "members": members.count(),
        "waiting": waiting.count(),
        "villages": [
            {**v, "waiting": waiting_by_village.get(v["village_id"], 0)} for v in villages
        ],
    }
    return render(request, "membership/determination_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("penetapan/", determination_list, name="determinations"),
    path("penetapan/periode/<int:period_id>/", determination_period, name="determine"),
    path("penetapan/<int:determination_id>/", determination_detail, name="determination"),
]

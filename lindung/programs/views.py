"""Programme pages. Thin: selectors read (already scoped), services write and decide.

Anything outside the user's area answers 404, as if it did not exist; a role that may
not write gets 403 on every write URL before anything is looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.accounts.permissions import (
    MANAGE_BUDGET,
    MANAGE_PROGRAMMES,
    VIEW_PROGRAMMES,
    requires,
)
from lindung.core.lists import acting_user as _actor
from lindung.core.lists import page_of as _page
from lindung.engine.budget import Contribution
from lindung.programs import planner, selectors, services
from lindung.programs.forms import (
    AdjustmentForm,
    BudgetLineForm,
    MonthField,
    NextYearForm,
    OccupationForm,
    PeriodForm,
    PlannerForm,
    ProgrammeForm,
    RateForm,
    ServiceForm,
)
from lindung.programs.models import (
    BudgetLine,
    Occupation,
    Programme,
    ProposalPeriod,
    RateAdjustment,
    RateSchedule,
)

M = TypeVar("M", bound=models.Model)


def _programme_or_404(request: HttpRequest, programme_id: int) -> Programme:
    programme = selectors.programme_for(request.user, programme_id)
    if programme is None:
        raise Http404(_("Program tidak ditemukan di wilayah kerja Anda."))
    return programme


def _part_or_404(request: HttpRequest, model: type[M], programme: Programme, pk: int) -> M:
    part = selectors.part_for(request.user, model, programme, pk)
    if part is None:
        raise Http404(_("Data tidak ditemukan di program ini."))
    return part


def _form_view(
    request: HttpRequest,
    form: ServiceForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], str],
    success: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Validate, run the service, put its refusals on the form; the shared form page.
    `done` gives the page to go to from what the service saved."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, success)
            return redirect(done(saved))
    status = 400 if form.errors else 200
    return render(request, "programs/form.html", {"form": form, **context}, status=status)


# -- programmes ----------------------------------------------------------------------------


@requires(VIEW_PROGRAMMES)
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = _page(request, selectors.programmes_for(request.user, q=q))
    return render(request, "programs/list.html", {"page": page, "q": q})


def _contribution_for(programme: Programme, month: Any) -> tuple[Contribution | None, str]:
    try:
        return services.monthly_contribution(programme=programme, month=month), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


@requires(VIEW_PROGRAMMES)
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    month_field = MonthField(required=False)
    try:
        month = month_field.clean(request.GET.get("bulan")) or planner.this_month()
    except ValidationError:
        month = planner.this_month()
    contribution, problem = _contribution_for(programme, month)
    context = {
        "programme": programme,
        "occupations": list(programme.occupations.all()),
        "rates": selectors.rates_of(programme),
        "adjustments": selectors.adjustments_of(programme),
        "periods": selectors.periods_of(programme),
        "budget_lines": selectors.budget_lines_of(programme)[:10],
        "budget_years": selectors.budget_by_year(programme),
        "history": selectors.programme_history(programme, limit=20),
        "month": month,
        "contribution": contribution,
        "contribution_problem": problem,
    }
    return render(request, "programs/detail.html", context)


@requires(VIEW_PROGRAMMES)
@require_GET
def programme_history(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    page = _page(request, selectors.programme_history(programme, limit=None))
    return render(request, "programs/history.html", {"programme": programme, "page": page})


@requires(MANAGE_PROGRAMMES)
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, user=request.user)
    return _form_view(
        request,
        form,
        lambda data: services.programme_create(actor=_actor(request), **data),
        done=Programme.get_absolute_url,
        success=_("Program dibuat dengan tarif nasional; periksa tarifnya di bawah."),
        context={"title": _("Program baru"), "back": "programs:list"},
    )


@requires(MANAGE_PROGRAMMES)
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, user=request.user, editing=True)
    else:
        form = ProgrammeForm(
            initial=ProgrammeForm.initial_for(programme), user=request.user, editing=True
        )
    return _form_view(
        request,
        form,
        lambda data: services.programme_update(actor=_actor(request), programme=programme, **data),
        done=Programme.get_absolute_url,
        success=_("Perubahan program disimpan."),
        context={"programme": programme, "title": _("Ubah program")},
    )


# -- rates, adjustments, budget lines, periods ---------------------------------------------


def _part_form(
    request: HttpRequest,
    programme_id: int,
    pk: int | None,
    *,
    model: type[M],
    form_class: type[ServiceForm],
    create: Callable[..., Any],
    update: Callable[..., Any],
    instance_arg: str,
    titles: tuple[str, str],
    done: Callable[[Programme], str] = Programme.get_absolute_url,
) -> HttpResponse:
    """Add (pk None) or change one part of a programme through its service."""
    programme = _programme_or_404(request, programme_id)
    instance = None if pk is None else _part_or_404(request, model, programme, pk)
    if request.method == "POST":
        form = form_class(request.POST)
    else:
        form = form_class(initial=form_class.initial_for(instance) if instance else None)

    def save(data: dict[str, Any]) -> Any:
        if instance is None:
            return create(actor=_actor(request), programme=programme, **data)
        return update(actor=_actor(request), **{instance_arg: instance}, **data)

    return _form_view(
        request,
        form,
        save,
        done=lambda _saved: done(programme),
        success=_("Disimpan."),
        context={"programme": programme, "title": titles[0] if instance is None else titles[1]},
    )


@requires(MANAGE_PROGRAMMES)
def rate_form(request: HttpRequest, programme_id: int, rate_id: int | None = None) -> HttpResponse:
    return _part_form(
        request,
        programme_id,
        rate_id,
        model=RateSchedule,
        form_class=RateForm,
        create=services.rate_create,
        update=services.rate_update,
        instance_arg="rate",
        titles=(_("Tarif baru"), _("Ubah tarif")),
    )


@requires(MANAGE_PROGRAMMES)
def adjustment_form(
    request: HttpRequest, programme_id: int, adjustment_id: int | None = None
) -> HttpResponse:
    return _part_form(
        request,
        programme_id,
        adjustment_id,
        model=RateAdjustment,
        form_class=AdjustmentForm,
        create=services.adjustment_create,
        update=services.adjustment_update,
        instance_arg="adjustment",
        titles=(_("Penyesuaian tarif baru"), _("Ubah penyesuaian tarif")),
    )


@requires(MANAGE_PROGRAMMES)
def period_form(
    request: HttpRequest, programme_id: int, period_id: int | None = None
) -> HttpResponse:
    return _part_form(
        request,
        programme_id,
        period_id,
        model=ProposalPeriod,
        form_class=PeriodForm,
        create=services.period_create,
        update=services.period_update,
        instance_arg="period",
        titles=(_("Periode usulan baru"), _("Ubah periode usulan")),
    )


def _budget_list_url(programme: Programme) -> str:
    return reverse("programs:budget_list", args=[programme.pk])


@requires(MANAGE_BUDGET)
def budget_line_form(
    request: HttpRequest, programme_id: int, line_id: int | None = None
) -> HttpResponse:
    return _part_form(
        request,
        programme_id,
        line_id,
        model=BudgetLine,
        form_class=BudgetLineForm,
        create=services.budget_line_create,
        update=services.budget_line_update,
        instance_arg="line",
        titles=(_("Pos anggaran baru"), _("Ubah pos anggaran")),
        done=_budget_list_url,
    )


@requires(VIEW_PROGRAMMES)
@require_GET
def budget_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(request, programme_id)
    context = {
        "programme": programme,
        "page": _page(request, selectors.budget_lines_of(programme)),
        "budget_years": selectors.budget_by_year(programme),
    }
    return render(request, "programs/budget_list.html", context)


# -- occupations ---------------------------------------------------------------------------


@requires(VIEW_PROGRAMMES)
@require_GET
def occupation_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.occupations())
    return render(request, "programs/occupations.html", {"page": page})


@requires(MANAGE_PROGRAMMES)
def occupation_form(request: HttpRequest, occupation_id: int | None = None) -> HttpResponse:
    instance = None
    if occupation_id is not None:
        instance = selectors.occupations().filter(pk=occupation_id).first()
        if instance is None:
            raise Http404(_("Pekerjaan tidak ditemukan."))
    if request.method == "POST":
        form = OccupationForm(request.POST)
    else:
        form = OccupationForm(initial=OccupationForm.initial_for(instance) if instance else None)

    def save(data: dict[str, Any]) -> Occupation:
        if instance is None:
            return services.occupation_create(actor=_actor(request), **data)
        return services.occupation_update(actor=_actor(request), occupation=instance, **data)

    title = _("Pekerjaan baru") if instance is None else _("Ubah pekerjaan")
    return _form_view(
        request,
        form,
        save,
        done=lambda _saved: reverse("programs:occupations"),
        success=_("Disimpan."),
        context={"title": title, "back": "programs:occupations"},
    )


# -- planner -------------------------------------------------------------------------------


def _rate(request: HttpRequest, form: PlannerForm | NextYearForm) -> tuple[int, str]:
    data = form.cleaned_data
    programme = None
    if data.get("programme"):
        programme = _programme_or_404(request, data["programme"])
    return planner.monthly_rate(
        rate=data.get("monthly_rate"), programme=programme, month=data.get("month")
    )


@requires(VIEW_PROGRAMMES)
@require_GET
def planner_page(request: HttpRequest) -> HttpResponse:
    """Both planners on one page; each is a GET form, so a result can be bookmarked."""
    asked_next_year = "ny-continuing" in request.GET
    # A link may preset the rate source only (`?programme=1`): a form to fill, not an error.
    asked_plan = any(request.GET.get(k) for k in ("participants", "months", "amount"))
    plan_form = PlannerForm(
        request.GET if asked_plan and not asked_next_year else None,
        user=request.user,
        initial=request.GET.dict(),
    )
    next_form = NextYearForm(
        request.GET if asked_next_year else None,
        user=request.user,
        prefix="ny",
        initial={"months": 12},
    )
    context: dict[str, Any] = {"plan_form": plan_form, "next_form": next_form}
    form: PlannerForm | NextYearForm = next_form if asked_next_year else plan_form
    if form.is_bound and form.is_valid():
        try:
            context |= _planner_result(request, form)
        except ValidationError as error:
            form.add_error(None, error)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "programs/planner.html", context, status=status)


def _planner_result(request: HttpRequest, form: PlannerForm | NextYearForm) -> dict[str, Any]:
    rate, source = _rate(request, form)
    data = form.cleaned_data
    other_costs = data.get("other_costs") or 0
    if isinstance(form, NextYearForm):
        result = planner.run_next_year(
            continuing=data["continuing"],
            new=data["new"],
            months=data["months"],
            monthly_rate=rate,
            other_costs=other_costs,
        )
        text = planner.describe_next_year(result, data["continuing"], data["new"])
    else:
        result = planner.run_plan(
            participants=data.get("participants"),
            months=data.get("months"),
            amount=data.get("amount"),
            monthly_rate=rate,
            other_costs=other_costs,
        )
        text = planner.describe(result)
    return {"result": result, "sentence": text, "rate_source": source}

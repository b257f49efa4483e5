"""The public status check at /cek/: no login, one question, one answer.

GET shows the form; POST answers it. Thin: `public` admits the lookup (rate limit), reads the
answer and records it; this module renders and pads the time taken. Every response carries
no-store, same-origin referrer and noindex, and the answer page repeats nothing that was typed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import public
from .models import LookupOutcome

View = Callable[[HttpRequest], HttpResponse]


class CheckForm(forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("NIK (16 angka di KTP)"),
        max_length=40,
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "max_length": gettext_lazy("NIK terlalu panjang; ketik 16 angka sesuai KTP.")
        },
    )
    birth_date = forms.CharField(
        label=gettext_lazy("Tanggal lahir"),
        max_length=30,
        required=False,
        # Phones show a date picker; a browser without one shows a text box, and the
        # server reads 17-08-1980 as well.
        widget=forms.TextInput(
            attrs={"type": "date", "autocomplete": "off", "placeholder": "17-08-1980"}
        ),
        help_text=gettext_lazy(
            "Sesuai KTP. Bila tidak ada pilihan tanggal, tulis seperti 17-08-1980."
        ),
        error_messages={
            "max_length": gettext_lazy("Tanggal lahir terlalu panjang; tulis seperti 17-08-1980.")
        },
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_nik(self) -> str:
        return public.clean_nik(self.cleaned_data.get("nik") or "", today=self.today)

    def clean_birth_date(self) -> date:
        return public.clean_birth_date(self.cleaned_data.get("birth_date") or "", today=self.today)


def _private(view: View) -> View:
    """No cache may keep an answer, no link may pass the address on, no search engine lists it."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        response = view(request)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapped)


@_private
@require_http_methods(["GET", "HEAD", "POST"])
def public_check(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method != "POST":
        return render(request, "reports/public_check.html", {"form": CheckForm(today=today)})
    started = time.monotonic()
    admission = public.lookup_admit(client=public.client_key(public.client_network(request)))
    if admission.lookup is None:
        return _too_many(request, admission)
    form = CheckForm(request.POST, today=today)
    if form.is_valid():
        answers = public.lookup_answer(
            lookup=admission.lookup,
            nik=form.cleaned_data["nik"],
            birth_date=form.cleaned_data["birth_date"],
        )
        response = render(request, "reports/public_answer.html", {"answers": answers})
    else:
        public.lookup_finish(lookup=admission.lookup, outcome=LookupOutcome.INVALID)
        response = render(request, "reports/public_check.html", {"form": form})
    public.pad_response(started)
    return response


def _too_many(request: HttpRequest, admission: public.Admission) -> HttpResponse:
    retry_at = admission.retry_at or timezone.now()
    seconds = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
    response = render(
        request,
        "reports/public_busy.html",
        {
            "retry_at": timezone.localtime(retry_at),
            "minutes": math.ceil(seconds / 60),
            "busy": admission.busy,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


urlpatterns: list[URLPattern] = [
    path("cek/", public_check, name="public_check"),
]

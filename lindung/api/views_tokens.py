"""The page where a signed-in user makes and revokes their own API tokens. A new key is
shown once, on the page that made it, and never again (only its SHA-256 is kept)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.permissions import forbidden
from lindung.api import tokens
from lindung.api.tokens import IssuedToken
from lindung.core.lists import acting_user


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nama token"),
        max_length=tokens.MAX_NAME,
        help_text=gettext_lazy("Untuk apa token ini, mis. “Aplikasi SIKS Dinsos”."),
        error_messages={"required": gettext_lazy("Beri nama token, mis. nama aplikasinya.")},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = TokenForm(request.POST or None)
    issued: IssuedToken | None = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.token_create(
                actor=user, user=user, name=form.cleaned_data["name"], request=request
            )
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            for field, errors in _error_dict(error).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": tokens.tokens_of(user),
        "max_active": tokens.MAX_ACTIVE_PER_USER,
    }
    status = 400 if form.errors else 200
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = acting_user(request)
    token = tokens.tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise Http404(_("Token tidak ditemukan di antara token Anda."))
    try:
        tokens.token_revoke(actor=user, token=token, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Token %(prefix)s… (%(name)s) dicabut; aplikasi yang memakainya tidak dapat "
                "masuk lagi."
            )
            % {"prefix": token.prefix, "name": token.name},
        )
    return redirect("api:tokens")


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}

"""The API's language and its error messages.

The web pages stay Indonesian whatever the browser says (`core.middleware`); an API client
is a program whose author chooses, so the API follows `Accept-Language`: English when asked
for and the catalogue has it, Indonesian otherwise. DRF's own messages for the common
failures are replaced by Lindung's, which say what to do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def language_of(request: Any) -> str:
    """The first supported language of the request's Accept-Language, else Indonesian."""
    supported = {code for code, _name in settings.LANGUAGES}
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for tag, _quality in parse_accept_lang_header(header):
        base = tag.split("-")[0].lower()
        if base in supported:
            return base
    return str(settings.LANGUAGE_CODE)


class LanguageMixin:
    """Activates the request's language before authentication, so that every message of
    the response, errors included, is in it; says which in `Content-Language`."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
        return response


def _replacement(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        # A service's refusal: field -> messages, or messages about the whole request.
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Data tidak ditemukan di wilayah kerja Anda."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(
            str(exc) or _("Peran Anda tidak mempunyai izin untuk ini.")
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return exceptions.NotAuthenticated(
            _(
                "Sertakan token API di header Authorization: “Bearer <token>”. Token dibuat "
                "di halaman Token API."
            )
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return exceptions.MethodNotAllowed(
            "", _("Metode ini tidak dapat dipakai di alamat ini; lihat skema API.")
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return exceptions.UnsupportedMediaType(
            "", _("Kirim data sebagai JSON dengan header Content-Type: application/json.")
        )
    if isinstance(exc, exceptions.ParseError):
        return exceptions.ParseError(
            _("Isi permintaan bukan JSON yang sah; periksa tanda kutip dan koma.")
        )
    if isinstance(exc, exceptions.NotAcceptable):
        return exceptions.NotAcceptable(_("API ini hanya menjawab dalam JSON."))
    if isinstance(exc, exceptions.PermissionDenied) and exc.get_codes() == "permission_denied":
        default = str(exceptions.PermissionDenied.default_detail)
        if str(exc.detail) == default:
            return exceptions.PermissionDenied(_("Peran Anda tidak mempunyai izin untuk ini."))
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Lindung's messages for the common failures."""
    replacement = _replacement(exc)
    if replacement is not exc and hasattr(exc, "auth_header"):
        replacement.auth_header = exc.auth_header  # type: ignore[attr-defined]
    return drf_exception_handler(replacement, context)

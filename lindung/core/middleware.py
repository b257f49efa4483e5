from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    """Bahasa Indonesia unless the user picked another language in Lindung itself.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many officials'
    browsers are set to English; Lindung's users should not have to find out why their
    dates read "May". The choice made with the language switch (a cookie) still wins.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other work next (another request, a job run inline): it
            # must not keep this user's language.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response

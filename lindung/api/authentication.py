"""`Authorization: Bearer <key>` (or `Token <key>`) for the API, checked against `ApiToken`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from lindung.accounts.models import User
from lindung.api.models import ApiToken
from lindung.api.tokens import token_authenticate

KEYWORDS = frozenset({b"bearer", b"token"})


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # no token at all: 401 "not authenticated" unless another way works
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Header Authorization harus berbentuk “Bearer <token>”, satu token tanpa spasi.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token = token_authenticate(key)
        if token is None:
            # One answer for every failure: an unknown key, a revoked one and an inactive
            # user look the same to whoever holds the key.
            raise AuthenticationFailed(
                _("Token API tidak dikenal, sudah dicabut, atau penggunanya tidak aktif.")
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="lindung"'


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the OpenAPI schema describes `ApiTokenAuthentication`."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "Token API dari halaman Token API atau `lindung api_token create`; "
                    "kirim sebagai `Authorization: Bearer lnd_…`."
                )
            ),
        }

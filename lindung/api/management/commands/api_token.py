"""`lindung api_token create --user NAME --name TEXT [--json]`: a new API token for a user,
its key printed once; `lindung api_token list [--user NAME] [--json]`: tokens (never their
keys); `lindung api_token revoke --id N [--json]`: revoke one.

Run by the server's operator, so it may manage anyone's tokens; creation and revocation
are audited like those on the token page. Refusals stop with an Indonesian message, exit
code 2, and nothing written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.api import tokens
from lindung.api.models import ApiToken


class Command(BaseCommand):
    help = _("Token API: buat, daftar, atau cabut.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("Buat token untuk seorang pengguna."))
        create.add_argument("--user", metavar="NAMA", required=True, help=_("Nama pengguna."))
        create.add_argument("--name", metavar="TEKS", required=True, help=_("Nama token."))
        listing = actions.add_parser("list", help=_("Daftar token (tanpa kuncinya)."))
        listing.add_argument("--user", metavar="NAMA", help=_("Hanya token pengguna ini."))
        revoke = actions.add_parser("revoke", help=_("Cabut satu token."))
        revoke.add_argument("--id", metavar="ID", required=True, help=_("ID token."))
        for sub in (create, listing, revoke):
            sub.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload, text = getattr(self, f"_{options['action']}")(options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(json.dumps(payload) if options["json"] else text)

    def _create(self, options: dict[str, Any]) -> tuple[dict[str, Any], str]:
        user = _user(options["user"])
        issued = tokens.token_create(actor=None, user=user, name=options["name"])
        payload = {**_row(issued.token), "key": issued.key}
        text = _(
            "Token %(id)s “%(name)s” untuk %(user)s dibuat. Simpan kuncinya sekarang; kunci ini "
            "tidak dapat ditampilkan lagi:\n%(key)s"
        ) % {**payload}
        return payload, text

    def _list(self, options: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        found = ApiToken.objects.select_related("user").order_by("user__username", "-id")
        if options["user"]:
            found = found.filter(user=_user(options["user"]))
        rows = [_row(token) for token in found]
        if not rows:
            return rows, _("Belum ada token API.")
        lines = [
            f"{r['id']}\t{r['user']}\t{r['prefix']}…\t{r['name']}\t"
            + (_("dicabut %(when)s") % {"when": r["revoked_at"]} if r["revoked_at"] else _("aktif"))
            for r in rows
        ]
        return rows, "\n".join(lines)

    def _revoke(self, options: dict[str, Any]) -> tuple[dict[str, Any], str]:
        text = str(options["id"]).strip()
        token = None
        if text.isdigit() and len(text) <= 18:
            token = ApiToken.objects.select_related("user").filter(pk=int(text)).first()
        if token is None:
            raise ValidationError(_("Token %(id)s tidak ada.") % {"id": options["id"]})
        tokens.token_revoke(actor=None, token=token)
        payload = _row(token)
        return payload, _("Token %(id)s “%(name)s” milik %(user)s dicabut.") % payload


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError(_("Pengguna %(user)s tidak ada.") % {"user": username})
    return user


def _row(token: ApiToken) -> dict[str, Any]:
    def stamp(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": token.pk,
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "created_at": stamp(token.created_at),
        "last_used_at": stamp(token.last_used_at),
        "revoked_at": stamp(token.revoked_at),
    }

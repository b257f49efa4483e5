"""`lindung claim list [--programme ID] [--status S] [--benefit JKK|JKM] [--json]`: the
register with its totals; `lindung claim open --member ID --benefit JKK|JKM --date
YYYY-MM-DD --reporter NAME [--place TEXT]`: open a case; `lindung claim status --claim ID
--to complete|submitted|paid|rejected [--reference NO] [--date YYYY-MM-DD] [--reason TEXT]`:
move a case on.

`--user NAME` acts as that user (their role and area apply, to writes and to what `list`
shows); without it the command acts as the system and sees every case. NIKs are masked.
Refusals stop with an Indonesian message, exit code 2, and nothing written.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.claims import selectors, services
from lindung.claims.models import Claim, ClaimBenefit, ClaimStatus
from lindung.membership.models import Membership
from lindung.people.nik import mask_nik
from lindung.programs.models import Programme

_MOVES = ("complete", "submitted", "paid", "rejected")


class _System:
    """Who `list` reads as without `--user`: everything, like the admin."""

    is_active = True
    is_authenticated = True
    role = "admin"
    scope_id = None


class Command(BaseCommand):
    help = _("Register klaim JKK/JKM: daftar, buka kasus, ubah status.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help=_("Daftar kasus dan rekapnya."))
        listing.add_argument("--programme", metavar="ID", help=_("ID program."))
        listing.add_argument("--status", choices=ClaimStatus.values, default="")
        listing.add_argument("--benefit", choices=ClaimBenefit.values, default="")
        opening = actions.add_parser("open", help=_("Buka kasus klaim untuk satu peserta."))
        opening.add_argument("--member", metavar="ID", required=True, help=_("ID peserta."))
        opening.add_argument("--benefit", choices=ClaimBenefit.values, required=True)
        opening.add_argument("--date", metavar="TTTT-BB-HH", required=True)
        opening.add_argument("--reporter", required=True, help=_("Nama pelapor."))
        opening.add_argument("--place", default="", help=_("Tempat kejadian (wajib untuk JKK)."))
        opening.add_argument("--description", default="", help=_("Uraian kejadian."))
        moving = actions.add_parser("status", help=_("Ubah status satu kasus."))
        moving.add_argument("--claim", metavar="ID", required=True, help=_("ID kasus."))
        moving.add_argument("--to", choices=_MOVES, required=True)
        moving.add_argument("--reference", default="", help=_("Nomor klaim BPJS (submitted)."))
        moving.add_argument("--date", metavar="TTTT-BB-HH", help=_("Tanggal pengajuan/putusan."))
        moving.add_argument("--reason", default="", help=_("Alasan ditolak (rejected)."))
        for sub in (listing, opening, moving):
            sub.add_argument("--user", metavar="NAMA", help=_("Bertindak sebagai pengguna ini."))
            sub.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = _user(options["user"])
            if options["action"] == "list":
                payload = _list(actor, options)
            elif options["action"] == "open":
                payload = _case(_open(actor, options))
            else:
                payload = _case(_move(actor, options))
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_message(error), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(payload, default=str))
        elif options["action"] == "list":
            for row in payload["claims"]:
                paid = f"{row['paid']:,}".replace(",", ".")
                self.stdout.write(
                    f"{row['id']:>6}  {row['benefit']}  {row['event_date']}  "
                    f"{row['status']:<10}  {row['name']}  Rp{paid}"
                )
            self.stdout.write(
                _("%(count)s kasus, dibayar BPJS Rp%(paid)s.")
                % {
                    "count": payload["totals"]["count"],
                    "paid": f"{payload['totals']['paid']:,}".replace(",", "."),
                }
            )
        else:
            self.stdout.write(
                _("Kasus %(id)s (%(benefit)s, %(name)s): %(status)s.")
                % {k: payload[k] for k in ("id", "benefit", "name", "status")}
            )


def _list(actor: User | None, options: dict[str, Any]) -> dict[str, Any]:
    programme_id = None
    if options["programme"]:
        programme_id = _id(options["programme"], _("ID program"))
        if not Programme.objects.filter(pk=programme_id).exists():
            raise ValidationError(_("Program %(id)s tidak ada.") % {"id": programme_id})
    claims = selectors.claims_for(
        actor or _System(),
        programme_id=programme_id,
        status=options["status"],
        benefit=options["benefit"],
    )
    totals = selectors.register_totals(claims)
    return {
        "claims": [
            {
                "id": c.pk,
                "benefit": c.benefit,
                "status": c.status,
                "source": c.source,
                "member": c.membership_id,
                "name": c.membership.name,
                "nik": mask_nik(c.membership.nik),
                "village": c.membership.village_id,
                "event_date": c.event_date.isoformat(),
                "bpjs_reference": c.bpjs_reference,
                "expected": int(getattr(c, "expected_total", 0)),
                "paid": int(getattr(c, "paid_total", 0)),
            }
            for c in claims
        ],
        "totals": totals.as_dict(),
    }


def _case(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "benefit": claim.benefit,
        "status": claim.status,
        "source": claim.source,
        "member": claim.membership_id,
        "name": claim.membership.name,
        "event_date": claim.event_date.isoformat(),
        "version": claim.version,
        "documents": {d.code: d.received_on for d in claim.documents.order_by("id")},
        "components": {
            c.kind: {"expected": c.expected_amount, "paid": c.paid_amount}
            for c in claim.components.order_by("id")
        },
    }


def _open(actor: User | None, options: dict[str, Any]) -> Claim:
    member = Membership.objects.filter(pk=_id(options["member"], _("ID peserta"))).first()
    if member is None:
        raise ValidationError(_("Peserta %(id)s tidak ada.") % {"id": options["member"]})
    return services.claim_open(
        actor=actor,
        membership=member,
        benefit=options["benefit"],
        event_date=_date(options["date"]),
        event_place=options["place"],
        description=options["description"],
        reporter_name=options["reporter"],
    )


def _move(actor: User | None, options: dict[str, Any]) -> Claim:
    found = Claim.objects.select_related("membership").filter(
        pk=_id(options["claim"], _("ID kasus"))
    )
    claim = found.first()
    if claim is None:
        raise ValidationError(_("Kasus %(id)s tidak ada.") % {"id": options["claim"]})
    day = _date(options["date"]) if options["date"] else None
    common: dict[str, Any] = {"actor": actor, "claim": claim, "expected_version": claim.version}
    target = options["to"]
    if target == "complete":
        return services.claim_complete(**common)
    if target == "submitted":
        return services.claim_submit(
            **common, bpjs_reference=options["reference"], submitted_on=day
        )
    if target == "paid":
        return services.claim_pay(**common, decided_on=day)
    return services.claim_reject(**common, reason=options["reason"], decided_on=day)


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _id(text: str, label: str) -> int:
    if not text.strip().isdigit():
        raise ValidationError(
            _("%(label)s harus angka; yang diketik: %(text)r.") % {"label": label, "text": text}
        )
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            _("Tanggal %(text)r tidak sah; tulis TTTT-BB-HH, mis. 2025-11-14.") % {"text": text}
        ) from None


def _user(name: str | None) -> User | None:
    if name is None:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise ValidationError(_("Pengguna %(name)s tidak ada atau tidak aktif.") % {"name": name})
    return user

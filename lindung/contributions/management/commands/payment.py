"""`lindung payment record --programme ID --budget-line ID --sp2d NUMBER --date YYYY-MM-DD
--amount N --bill ID[:AMOUNT] ... [--json]`: record one SP2D (a bill without an amount gets
what it still owes); `lindung payment void --payment ID --reason TEXT`: void one.

`--user NAME` records who did it (their role must allow recording payments); without it
the payment is recorded as the system's. Refusals stop with an Indonesian message, exit
code 2, and nothing written.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.contributions import payments
from lindung.contributions.models import Bill, Payment
from lindung.engine.budget import PlanError, parse_rupiah
from lindung.programs.models import BudgetLine, Programme


class Command(BaseCommand):
    help = _("Pembayaran iuran (SP2D): catat atau batalkan.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        record = actions.add_parser("record", help=_("Catat satu SP2D."))
        record.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        record.add_argument(
            "--budget-line", metavar="ID", required=True, help=_("ID pos anggaran yang membayar.")
        )
        record.add_argument("--sp2d", metavar="NOMOR", required=True, help=_("Nomor SP2D."))
        record.add_argument("--date", metavar="TTTT-BB-HH", required=True, help=_("Tanggal SP2D."))
        record.add_argument("--amount", metavar="RP", required=True, help=_("Jumlah SP2D."))
        record.add_argument(
            "--bill",
            metavar="ID[:RP]",
            action="append",
            required=True,
            help=_("Tagihan yang dibayar, dengan jumlahnya (bawaan: seluruh tunggakannya)."),
        )
        record.add_argument("--note", default="", help=_("Catatan."))
        void = actions.add_parser("void", help=_("Batalkan satu SP2D dengan alasan."))
        void.add_argument("--payment", metavar="ID", required=True, help=_("ID pembayaran."))
        void.add_argument("--reason", required=True, help=_("Alasan pembatalan."))
        for sub in (record, void):
            sub.add_argument("--user", metavar="NAMA", help=_("Nama pengguna yang mencatat."))
            sub.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = _user(options["user"])
            if options["action"] == "record":
                payment = self._record(actor, options)
            else:
                found = Payment.objects.filter(pk=_id(options["payment"], _("ID pembayaran")))
                target = found.select_related("programme").first()
                if target is None:
                    raise ValidationError(
                        _("Pembayaran %(id)s tidak ada.") % {"id": options["payment"]}
                    )
                payment = payments.payment_void(
                    actor=actor, payment=target, reason=options["reason"]
                )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_message(error), returncode=2) from None
        payload = {
            "payment": payment.pk,
            "sp2d_number": payment.sp2d_number,
            "sp2d_date": payment.sp2d_date.isoformat(),
            "amount": payment.amount,
            "budget_line": payment.budget_line_id,
            "voided": payment.voided,
            "allocations": {
                str(a.bill_id): a.amount for a in payment.allocations.order_by("bill_id")
            },
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
        elif payment.voided:
            self.stdout.write(_("SP2D %(sp2d_number)s dibatalkan.") % payload)
        else:
            self.stdout.write(
                _("SP2D %(sp2d_number)s sebesar Rp%(amount)s dicatat untuk %(bills)s tagihan.")
                % {**payload, "bills": len(payload["allocations"])}  # type: ignore[arg-type]
            )

    def _record(self, actor: User | None, options: dict[str, Any]) -> Payment:
        programme = Programme.objects.filter(pk=_id(options["programme"], _("ID program"))).first()
        if programme is None:
            raise ValidationError(_("Program %(id)s tidak ada.") % {"id": options["programme"]})
        line = BudgetLine.objects.filter(pk=_id(options["budget_line"], _("ID pos anggaran")))
        budget_line = line.first()
        if budget_line is None:
            raise ValidationError(
                _("Pos anggaran %(id)s tidak ada.") % {"id": options["budget_line"]}
            )
        return payments.payment_record(
            actor=actor,
            programme=programme,
            budget_line=budget_line,
            sp2d_number=options["sp2d"],
            sp2d_date=_date(options["date"]),
            amount=_money(options["amount"], _("Jumlah SP2D")),
            allocations=_allocations(options["bill"]),
            note=options["note"],
        )


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


def _money(text: str, label: str) -> int:
    try:
        return parse_rupiah(text, label=label)
    except PlanError as error:
        raise ValidationError(error.render(_)) from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            _("Tanggal %(text)r tidak sah; tulis TTTT-BB-HH, mis. 2025-11-14.") % {"text": text}
        ) from None


def _allocations(specs: list[str]) -> list[tuple[Bill, int]]:
    """`12` (all it still owes) or `12:134400` -> (bill, amount); bills read in one query."""
    parsed = []
    for spec in specs:
        bill_text, _sep, amount_text = spec.partition(":")
        amount = _money(amount_text, _("Jumlah untuk tagihan")) if amount_text else None
        parsed.append((_id(bill_text, _("ID tagihan")), amount))
    bills = Bill.objects.in_bulk([pk for pk, _amount in parsed])
    missing = [str(pk) for pk, _amount in parsed if pk not in bills]
    if missing:
        raise ValidationError(_("Tagihan %(ids)s tidak ada.") % {"ids": ", ".join(missing)})
    paid = payments.paid_by_bill(bills)
    return [
        (bills[pk], amount if amount is not None else bills[pk].total - paid.get(pk, 0))
        for pk, amount in parsed
    ]


def _user(name: str | None) -> User | None:
    if name is None:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise ValidationError(_("Pengguna %(name)s tidak ada atau tidak aktif.") % {"name": name})
    return user

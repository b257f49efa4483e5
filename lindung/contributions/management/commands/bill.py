"""`lindung bill --programme ID --month YYYY-MM [--approve] [--budget-line ID] [--json]`:
draft (or draft again) a programme's bill for a month, and approve it when asked.

Bad input stops with an Indonesian message, exit code 2, and nothing written; an approved
month is refused, never made again.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.contributions.billing import bill_approve, bill_draft
from lindung.contributions.months import month_label, parse_month
from lindung.engine.budget import format_rupiah
from lindung.programs.models import BudgetLine, Programme


def _number(value: str, what: str) -> int:
    if not value.isdigit():
        raise CommandError(
            _("%(what)s harus angka, bukan %(value)s.") % {"what": what, "value": repr(value)},
            returncode=2,
        )
    return int(value)


class Command(BaseCommand):
    help = _("Buat draf tagihan iuran bulanan sebuah program, dan setujui bila diminta.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        parser.add_argument(
            "--month", metavar="YYYY-MM", required=True, help=_("Bulan yang ditagih.")
        )
        parser.add_argument(
            "--approve",
            action="store_true",
            help=_("Setujui tagihan setelah draf dibuat (tidak dapat diubah lagi)."),
        )
        parser.add_argument(
            "--budget-line",
            metavar="ID",
            help=_("Pos anggaran yang dibebani (bawaan: pos anggaran tahun bulan itu)."),
        )
        parser.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        programme_id = _number(options["programme"], _("ID program"))
        programme = Programme.objects.filter(pk=programme_id).first()
        if programme is None:
            raise CommandError(
                _("Program %(id)s tidak ada.") % {"id": options["programme"]}, returncode=2
            )
        budget_line = None
        if options["budget_line"]:
            line_id = _number(options["budget_line"], _("ID pos anggaran"))
            budget_line = BudgetLine.objects.filter(pk=line_id, programme=programme).first()
            if budget_line is None:
                raise CommandError(
                    _("Pos anggaran %(id)s tidak ada di program ini.")
                    % {"id": options["budget_line"]},
                    returncode=2,
                )
        try:
            month = parse_month(options["month"])
            # Draft and approval together or not at all: a refused approval leaves no draft.
            with transaction.atomic():
                bill = bill_draft(
                    actor=None, programme=programme, month=month, budget_line=budget_line
                )
                if options["approve"]:
                    bill = bill_approve(actor=None, bill=bill, version=bill.version)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        payload = {
            "bill": bill.pk,
            "programme": programme.pk,
            "month": f"{bill.month:%Y-%m}",
            "status": bill.status,
            "members": bill.members,
            "adjustment_lines": bill.adjustment_lines,
            "adjustment_total": bill.adjustment_total,
            "jkk": bill.jkk,
            "jkm": bill.jkm,
            "jht": bill.jht,
            "total": bill.total,
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            _(
                "Tagihan %(month)s (%(status)s): %(members)s peserta, %(adjustment_lines)s "
                "baris koreksi (%(adjustment_total)s), jumlah %(total)s."
            )
            % {
                **payload,
                "month": month_label(bill.month),
                "status": bill.get_status_display(),
                "adjustment_total": format_rupiah(bill.adjustment_total),
                "total": format_rupiah(bill.total),
            }
        )

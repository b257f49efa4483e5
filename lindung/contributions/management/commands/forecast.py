"""`lindung forecast --programme ID [--target N] [--json]`: a programme's budget position per
line, its arrears per month, the forecast from the first month not yet billed and the open
budget warnings. (Named `forecast` because `lindung budget` is the budget planner.)"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.contributions import forecast, payments
from lindung.contributions.models import BudgetWarning
from lindung.contributions.months import month_label
from lindung.engine.budget import format_rupiah
from lindung.programs.models import Programme


class Command(BaseCommand):
    help = _("Posisi anggaran, tunggakan, perkiraan dan peringatan anggaran sebuah program.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        parser.add_argument(
            "--target",
            metavar="N",
            help=_("Target peserta tahun depan (bawaan: peserta aktif + daftar tunggu)."),
        )
        parser.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["programme"]
        programme = Programme.objects.filter(pk=int(text)).first() if text.isdigit() else None
        if programme is None:
            raise CommandError(
                _("Program %(id)s tidak ada. Lihat nomor program di halaman Program.")
                % {"id": text},
                returncode=2,
            )
        target = options["target"]
        if target is not None and not target.isdigit():
            raise CommandError(
                _("Target harus bilangan bulat, mis. 2500; yang diketik: %(text)r.")
                % {"text": target},
                returncode=2,
            )
        positions = forecast.budget_position(programme)
        arrears = payments.arrears_by_month(programme)
        outlook = forecast.programme_forecast(
            programme, target=int(target) if target is not None else None
        )
        warnings = list(
            BudgetWarning.objects.filter(programme=programme, acknowledged_at__isnull=True)
            .select_related("budget_line")
            .order_by("-month", "-id")
        )
        if options["json"]:
            payload = {
                "programme": programme.pk,
                "position": [p.as_dict() for p in positions],
                "arrears": [
                    {
                        "bill": a.bill_id,
                        "month": a.month.isoformat(),
                        "billed": a.billed,
                        "paid": a.paid,
                        "outstanding": a.outstanding,
                    }
                    for a in arrears
                ],
                "forecast": outlook.as_dict(),
                "warnings": [
                    {
                        "id": w.pk,
                        "budget_line": w.budget_line_id,
                        "month": w.month.isoformat(),
                        "months_left": w.months_left,
                        "remaining": w.remaining,
                        "monthly_cost": w.monthly_cost,
                    }
                    for w in warnings
                ],
            }
            self.stdout.write(json.dumps(payload))
            return
        for p in positions:
            self.stdout.write(
                _(
                    "%(line)s: untuk iuran %(available)s, ditagih %(billed)s, dibayar %(paid)s, "
                    "sisa %(remaining)s, belum dibayar %(unpaid)s."
                )
                % {
                    "line": p.line,
                    "available": format_rupiah(p.for_contributions),
                    "billed": format_rupiah(p.billed),
                    "paid": format_rupiah(p.paid),
                    "remaining": format_rupiah(p.remaining),
                    "unpaid": format_rupiah(p.unpaid),
                }
            )
        owed = sum(a.outstanding for a in arrears)
        self.stdout.write(_("Tunggakan: %(owed)s.") % {"owed": format_rupiah(owed)})
        self.stdout.write(
            _(
                "Mulai %(month)s: %(active)s peserta aktif, iuran %(cost)s per bulan; cukup "
                "%(months)s bulan; %(carry)s peserta terbiayai sampai akhir tahun; daftar "
                "tunggu %(waiting)s."
            )
            % {
                "month": month_label(outlook.month),
                "active": outlook.active,
                "cost": format_rupiah(outlook.monthly_cost or 0),
                "months": outlook.months_left if outlook.months_left is not None else "-",
                "carry": outlook.carry_to_year_end
                if outlook.carry_to_year_end is not None
                else "-",
                "waiting": outlook.waiting,
            }
        )
        for w in warnings:
            self.stdout.write(_("PERINGATAN: %(text)s") % {"text": forecast.warning_text(w)})

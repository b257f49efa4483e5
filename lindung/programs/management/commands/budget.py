"""`lindung budget plan ...` and `lindung budget next-year ...`: the budget planner."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.engine.budget import Plan, PlanError, parse_rupiah
from lindung.programs import planner
from lindung.programs.models import Programme


class Command(BaseCommand):
    help = _("Perencana anggaran: peserta x bulan x iuran terhadap jumlah uang.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser(
            "plan",
            help=_("Dua dari peserta, bulan dan jumlah uang menghasilkan yang ketiga."),
        )
        plan.add_argument("--participants", metavar="N", help=_("Jumlah peserta."))
        plan.add_argument("--months", metavar="M", help=_("Jumlah bulan."))
        plan.add_argument("--amount", metavar="RP", help=_("Jumlah uang, mis. Rp480.000.000."))
        nxt = actions.add_parser("next-year", help=_("Kebutuhan anggaran tahun depan."))
        nxt.add_argument("--continuing", metavar="N", required=True, help=_("Peserta lanjutan."))
        nxt.add_argument("--new", metavar="N", required=True, help=_("Peserta baru."))
        nxt.add_argument("--months", metavar="M", default="12", help=_("Jumlah bulan (12)."))
        for sub in (plan, nxt):
            sub.add_argument("--rate", metavar="RP", help=_("Iuran per peserta per bulan."))
            sub.add_argument("--other-costs", metavar="RP", help=_("Biaya lain."))
            sub.add_argument("--programme", metavar="ID", help=_("Ambil iuran dari program."))
            sub.add_argument("--month", metavar="TTTT-BB", help=_("Bulan tarif program."))
            sub.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload = self._run(options)
        except (PlanError, ValidationError) as error:
            raise CommandError(_message(error), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(payload["text"])

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        rate, source = planner.monthly_rate(
            rate=_money(options["rate"], _("Iuran per bulan")),
            programme=_programme(options["programme"]),
            month=_month(options["month"]),
        )
        other_costs = _money(options["other_costs"], _("Biaya lain")) or 0
        result: Plan
        if options["action"] == "plan":
            result = planner.run_plan(
                participants=_count(options["participants"], _("Jumlah peserta")),
                months=_count(options["months"], _("Jumlah bulan")),
                amount=_money(options["amount"], _("Jumlah uang")),
                monthly_rate=rate,
                other_costs=other_costs,
            )
            text = planner.describe(result)
        else:
            continuing = _count(options["continuing"], _("Peserta lanjutan")) or 0
            new = _count(options["new"], _("Peserta baru")) or 0
            result = planner.run_next_year(
                continuing=continuing,
                new=new,
                months=_count(options["months"], _("Jumlah bulan")) or 0,
                monthly_rate=rate,
                other_costs=other_costs,
            )
            text = planner.describe_next_year(result, continuing, new)
        return {**result.as_dict(), "rate_source": source, "text": text}


def _message(error: PlanError | ValidationError) -> str:
    if isinstance(error, PlanError):
        return planner.error_text(error)
    return " ".join(error.messages)


def _count(text: str | None, label: str) -> int | None:
    if text is None:
        return None
    cleaned = text.strip().replace(".", "")
    if not cleaned.lstrip("-").isdigit():
        raise ValidationError(
            _("%(label)s harus bilangan bulat, mis. 2020; yang diketik: %(text)r.")
            % {"label": label, "text": text}
        )
    return int(cleaned)


def _money(text: str | None, label: str) -> int | None:
    return None if text is None else parse_rupiah(text, label=label)


def _month(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationError(
            _("Bulan %(text)r tidak sah; tulis TTTT-BB, mis. 2026-02.") % {"text": text}
        ) from None


def _programme(text: str | None) -> Programme | None:
    if text is None:
        return None
    programme = Programme.objects.filter(pk=int(text)).first() if text.isdigit() else None
    if programme is None:
        raise ValidationError(
            _("Program %(id)s tidak ada. Lihat nomor program di halaman Program.") % {"id": text}
        )
    return programme

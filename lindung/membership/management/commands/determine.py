"""`lindung determine --programme ID --period ID`: rank the period's eligible proposals into
places within the quotas (and the budget line, if given) and commit them as members and a
waiting list. `--dry-run` shows the effect and writes nothing. Bad arguments stop with an
Indonesian message, exit code 2, and nothing written.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.membership.determination import Plan, determination_commit, determination_preview
from lindung.programs.models import BudgetLine, Programme, ProposalPeriod


class Command(BaseCommand):
    help = _("Penetapan peserta: urutkan usulan layak, isi kuota dan anggaran, sisanya antre.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        parser.add_argument("--period", metavar="ID", required=True, help=_("ID periode usulan."))
        parser.add_argument("--budget-line", metavar="ID", help=_("ID pos anggaran (batas biaya)."))
        parser.add_argument(
            "--months", metavar="N", default="12", help=_("Bulan yang dibiayai (1-12, bawaan 12).")
        )
        parser.add_argument(
            "--start", metavar="YYYY-MM", help=_("Bulan mulai perlindungan (bawaan: bulan depan).")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Tampilkan dampak saja."))
        parser.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(pk=_number(options["programme"], "programme")).first()
        if programme is None:
            raise CommandError(
                _("Program %(id)s tidak ada.") % {"id": options["programme"]}, returncode=2
            )
        period = ProposalPeriod.objects.filter(
            pk=_number(options["period"], "period"), programme=programme
        ).first()
        if period is None:
            raise CommandError(
                _("Periode %(id)s tidak ada di program ini.") % {"id": options["period"]},
                returncode=2,
            )
        line = None
        if options["budget_line"]:
            line = BudgetLine.objects.filter(
                pk=_number(options["budget_line"], "budget-line"), programme=programme
            ).first()
            if line is None:
                raise CommandError(
                    _("Pos anggaran %(id)s tidak ada di program ini.")
                    % {"id": options["budget_line"]},
                    returncode=2,
                )
        values: dict[str, Any] = {
            "period": period,
            "months": _number(options["months"], "months"),
            "coverage_start": _month(options["start"]),
            "budget_line": line,
        }
        try:
            if options["dry_run"]:
                plan = determination_preview(**values)
                payload: dict[str, Any] = {"committed": False, **plan.counts()}
            else:
                determination = determination_commit(actor=None, **values)
                payload = {
                    "committed": True,
                    "determination_id": determination.pk,
                    **determination.counts,
                }
                plan = None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(self._text(payload, plan))

    def _text(self, payload: dict[str, Any], plan: Plan | None) -> str:
        line = (
            _(
                "%(determined)s dari %(eligible)s usulan layak ditetapkan, %(waiting_list)s masuk "
                "daftar tunggu."
            )
            % payload
        )
        if plan is not None:
            return _("Uji coba, tidak ada yang disimpan: ") + line
        return line


def _number(value: str, option: str) -> int:
    if not str(value).isdigit():
        raise CommandError(
            _("--%(option)s harus angka; yang diberikan: %(value)s.")
            % {"option": option, "value": value},
            returncode=2,
        )
    return int(value)


def _month(value: str | None) -> date:
    if not value:
        today = date.today()
        return date(today.year + today.month // 12, today.month % 12 + 1, 1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise CommandError(
            _("--start harus berbentuk TAHUN-BULAN, misalnya 2027-01; yang diberikan: %(value)s.")
            % {"value": value},
            returncode=2,
        ) from None

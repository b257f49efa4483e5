"""`lindung members end-of-month [--month YYYY-MM] [--programme ID] [--replace]`: end the
members who passed their programme's age limit (and fill their places from the waiting
list); `lindung members exits --snapshot ID`: propose exits for the active members found in
a death or move extract.

Both are safe to run again: a second run ends nobody new and proposes nothing twice. Bad
input stops with an Indonesian message, exit code 2, and nothing written.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.membership.services import (
    ConflictError,
    exits_from_snapshot,
    members_end_of_month,
    replacements_fill_all,
)
from lindung.programs.models import Programme
from lindung.references.models import Snapshot

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Command(BaseCommand):
    help = _("Kepesertaan: batas usia akhir bulan dan usulan berhenti dari data Dukcapil.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        month = actions.add_parser(
            "end-of-month",
            help=_("Hentikan peserta yang melewati batas usia program pada bulan ini."),
        )
        month.add_argument(
            "--month", metavar="YYYY-MM", help=_("Bulan yang diproses (bawaan: bulan ini).")
        )
        month.add_argument("--programme", metavar="ID", help=_("Hanya program ini."))
        month.add_argument(
            "--replace",
            action="store_true",
            help=_("Isi tempat yang kosong dari daftar tunggu wilayah kuota yang sama."),
        )
        month.add_argument("--json", action="store_true", help=_("Keluaran JSON."))
        exits = actions.add_parser(
            "exits", help=_("Usulkan berhenti peserta aktif yang ada di data kematian/pindah.")
        )
        exits.add_argument(
            "--snapshot", metavar="ID", required=True, help=_("ID data pembanding Dukcapil.")
        )
        exits.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "exits":
                self._exits(options)
            else:
                self._end_of_month(options)
        except (ValidationError, ConflictError) as error:
            message = getattr(error, "message", None) or " ".join(getattr(error, "messages", []))
            raise CommandError(message, returncode=2) from None

    def _end_of_month(self, options: dict[str, Any]) -> None:
        month = _month(options["month"])
        programme = _programme(options["programme"]) if options["programme"] else None
        counts = members_end_of_month(actor=None, month=month, programme=programme)
        payload: dict[str, Any] = {**counts, "replaced": 0, "without_candidate": 0}
        if options["replace"]:
            chosen = [programme] if programme else Programme.objects.order_by("pk")
            for each in chosen:
                filled = replacements_fill_all(actor=None, programme=each)
                payload["replaced"] += filled["replaced"]
                payload["without_candidate"] += filled["without_candidate"]
        if options["json"]:
            payload["by_programme"] = {str(k): v for k, v in payload["by_programme"].items()}
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            _(
                "Bulan %(month)s: %(ended)s peserta melewati batas usia dan berhenti mulai "
                "%(effective_on)s."
            )
            % payload
        )
        if options["replace"]:
            self.stdout.write(
                _(
                    "%(replaced)s tempat diisi dari daftar tunggu; %(without_candidate)s tempat "
                    "tanpa calon di wilayah kuotanya."
                )
                % payload
            )

    def _exits(self, options: dict[str, Any]) -> None:
        value = options["snapshot"]
        snapshot = Snapshot.objects.filter(pk=_number(value, _("ID data pembanding"))).first()
        if snapshot is None:
            raise CommandError(_("Data pembanding %(id)s tidak ada.") % {"id": value}, returncode=2)
        counts = exits_from_snapshot(actor=None, snapshot=snapshot)
        if options["json"]:
            self.stdout.write(json.dumps({"snapshot_id": snapshot.pk, **counts}))
            return
        self.stdout.write(
            _(
                "%(snapshot)s: %(matched)s peserta aktif ditemukan = %(created)s usulan "
                "berhenti baru + %(already)s sudah diusulkan + %(pending_elsewhere)s menunggu "
                "keputusan dari data lain + %(moved_within)s pindah di dalam wilayah program."
            )
            % {"snapshot": snapshot, **counts}
        )


def _number(value: str, label: str) -> int:
    if not value.isdigit():
        raise CommandError(
            _("%(label)s harus angka; yang diberikan: %(value)s.")
            % {"label": label, "value": value},
            returncode=2,
        )
    return int(value)


def _month(value: str | None) -> date:
    this_month = timezone.localdate().replace(day=1)
    if value is None:
        return this_month
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise CommandError(
            _("Bulan %(value)s tidak terbaca; tulis tahun dan bulan, mis. 2026-01.")
            % {"value": value},
            returncode=2,
        )
    month = date(int(match[1]), int(match[2]), 1)
    if month > this_month:
        raise CommandError(
            _("Bulan %(value)s belum tiba; batas usia diproses pada bulannya atau sesudahnya.")
            % {"value": value},
            returncode=2,
        )
    return month


def _programme(value: str) -> Programme:
    programme = Programme.objects.filter(pk=_number(value, _("ID program"))).first()
    if programme is None:
        raise CommandError(_("Program %(id)s tidak ada.") % {"id": value}, returncode=2)
    if programme.max_age is None:
        raise CommandError(
            _("Program %(name)s tidak punya batas usia maksimal; tidak ada yang diproses.")
            % {"name": programme.name},
            returncode=2,
        )
    return programme

"""`lindung member_counts --check | --rebuild`: compare the member counts the database keeps
for the dashboard (`lindung.reports.counts`) with a fresh count, or count them again.

The triggers keep the counts in step with every write, so `--check` should always say they
match; it is there for an auditor's doubt and after restoring a backup of only some tables.
`--check` exits 1 when they differ; `--rebuild` locks memberships against writes while it
counts (a few seconds at a million members)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from lindung.reports import counts


class Command(BaseCommand):
    help = _("Periksa atau hitung ulang jumlah peserta yang disimpan untuk dasbor.")

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--check", action="store_true", help=_("Bandingkan dengan hitungan baru.")
        )
        action.add_argument(
            "--rebuild", action="store_true", help=_("Hitung ulang dari data peserta.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            counts.rebuild(connection)
            self.stdout.write(_("Jumlah peserta untuk dasbor sudah dihitung ulang."))
            return
        found = counts.drift(connection)
        if found.none:
            self.stdout.write(_("Jumlah peserta yang disimpan sesuai dengan hitungan baru."))
            return
        raise CommandError(
            _(
                "Jumlah yang disimpan berbeda dari hitungan baru: %(counts)d kunci per desa, "
                "%(births)d kunci per bulan lahir. Jalankan `lindung member_counts --rebuild`."
            )
            % {"counts": found.counts, "births": found.births}
        )

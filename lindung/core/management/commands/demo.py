"""`lindung demo`: build the demo database and serve it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from lindung.core import demo
from lindung.engine.budget import format_number, format_rupiah


class Command(BaseCommand):
    help = _("Membangun basis data demo (Kabupaten Seluma) lalu menyajikan situsnya.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help=_("Bangun saja, jangan sajikan.")
        )
        parser.add_argument("--json", action="store_true", help=_("Cetak ringkasan sebagai JSON."))
        parser.add_argument("--addr", default="127.0.0.1:8000", help=_("Alamat situs (host:port)."))
        parser.add_argument(
            "--people", type=int, default=30_000, help=_("Jumlah penduduk sintetis.")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Benih data sintetis."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1:
            raise CommandError(_("--people harus bilangan bulat positif."), returncode=2)
        self._fresh_database()
        call_command("migrate", verbosity=0, interactive=False)
        summary = demo.build_demo(people=options["people"], seed=options["seed"])
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self._print_summary(summary, options["addr"])
        if not options["no_serve"]:
            self._serve(options["addr"])

    def _fresh_database(self) -> None:
        """Rebuild a SQLite demo file from scratch; never wipe a database with other data."""
        db = settings.DATABASES["default"]
        if connection.vendor == "sqlite" and str(db["NAME"]) != ":memory:":
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
            return
        call_command("migrate", verbosity=0, interactive=False)
        if not demo.database_is_empty():
            raise CommandError(
                _(
                    "Basis data %(name)s sudah berisi data. Demo hanya dibangun di basis data "
                    "kosong atau di berkas SQLite (DATABASE_URL=sqlite:///var/demo.sqlite3)."
                )
                % {"name": db["NAME"]},
                returncode=2,
            )

    def _print_summary(self, summary: dict[str, Any], addr: str) -> None:
        w = self.stdout.write
        w(self.style.SUCCESS(_("Demo Lindung siap (%(s)s detik).") % {"s": summary["seconds"]}))
        w(
            _("%(name)s: %(d)s kecamatan, %(v)s desa/kelurahan, %(p)s orang.")
            % {
                "name": summary["regency"]["name"],
                "d": summary["districts"],
                "v": summary["villages"],
                "p": format_number(summary["people"]),
            }
        )
        link = summary["linkage"]
        w(
            _(
                "Pencocokan daftar usulan: %(left)s baris -> %(match)s cocok, %(review)s perlu "
                "ditelaah, %(no_match)s tidak ditemukan (%(s)s detik). Berkas: %(folder)s"
            )
            % {
                **{k: format_number(link[k]) for k in ("left", "match", "review", "no_match")},
                "s": link["seconds"],
                "folder": Path(link["files"]["result"]).parent,
            }
        )
        board = summary["dashboard"]
        w(
            _(
                "Peserta aktif %(active)s dari target %(target)s; iuran ditagih %(billed)s, "
                "dibayar %(paid)s; %(claims)s klaim, dibayar BPJS %(claims_paid)s."
            )
            % {
                "active": format_number(board["active"]),
                # A programme without a quota has no target: print a dash, not a crash.
                "target": "—" if board["target"] is None else format_number(board["target"]),
                "billed": format_rupiah(board["billed"]),
                "paid": format_rupiah(board["paid"]),
                "claims": format_number(board["claims"]),
                "claims_paid": format_rupiah(board["claims_paid_amount"]),
            }
        )
        w(
            _(
                "Dasbor: http://%(addr)s/dasbor/ · cek status publik tanpa login: "
                "http://%(addr)s/cek/ · API: http://%(addr)s/api/schema/"
            )
            % {"addr": addr}
        )
        w("")
        w(
            _("Masuk di http://%(addr)s/ dengan salah satu akun ini (kata sandi: %(pw)s):")
            % {"addr": addr, "pw": demo.PASSWORD}
        )
        for u in summary["users"]:
            w(f"  {u['username']:<18} {u['role']:<11} {u['scope'] or _('seluruh Indonesia')}")
        w("")

    def _serve(self, addr: str) -> None:
        # The demo is plain HTTP on this machine: production's HTTPS-only settings would
        # redirect every request away, so they are relaxed for this one local server.
        settings.SECURE_SSL_REDIRECT = False
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False
        settings.SECURE_HSTS_SECONDS = 0
        # Verification runs started from the site wait for a worker: run one beside it.
        worker = subprocess.Popen([sys.executable, "-m", "lindung.cli", "db_worker"])
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

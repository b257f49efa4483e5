"""`lindung invoice import --bill ID --number N --total T [--issued YYYY-MM-DD] [--file PATH]`:
BPJS's invoice for an approved bill, compared with it.

Prints rows = matched + amount + bpjs_only + duplicate + invalid, and how many of our
billed members BPJS did not bill. Bad input stops with an Indonesian message, exit code 2,
and nothing written.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.contributions.models import Bill
from lindung.contributions.reconciliation import MAX_BYTES, invoice_import


class Command(BaseCommand):
    help = _("Tagihan BPJS: impor dan cocokkan dengan tagihan kita.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        read = actions.add_parser(
            "import", help=_("Catat tagihan BPJS (dan daftar pesertanya) untuk satu tagihan.")
        )
        read.add_argument("--bill", metavar="ID", type=int, required=True, help=_("ID tagihan."))
        read.add_argument("--number", required=True, help=_("Nomor tagihan BPJS."))
        read.add_argument(
            "--total", required=True, help=_("Jumlah tagihan BPJS dalam rupiah utuh.")
        )
        read.add_argument("--issued", metavar="YYYY-MM-DD", help=_("Tanggal tagihan BPJS."))
        read.add_argument(
            "--file", metavar="BERKAS", help=_("Daftar peserta dari BPJS (CSV atau XLSX).")
        )
        read.add_argument(
            "--as",
            dest="username",
            metavar="PENGGUNA",
            help=_("Atas nama pengguna ini (peran dan wilayahnya berlaku)."),
        )
        read.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        bill = Bill.objects.select_related("programme").filter(pk=options["bill"]).first()
        if bill is None:
            raise CommandError(
                _("Tagihan %(id)s tidak ada.") % {"id": options["bill"]}, returncode=2
            )
        data, file_name = self._file(options["file"])
        try:
            invoice = invoice_import(
                actor=self._actor(options["username"]),
                bill=bill,
                number=options["number"],
                total=self._total(options["total"]),
                issued_on=self._day(options["issued"]),
                data=data,
                file_name=file_name,
            )
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            raise CommandError(text, returncode=2) from None
        open_count = invoice.differences.count()
        payload = {
            "invoice_id": invoice.pk,
            "bill_id": bill.pk,
            "number": invoice.number,
            "total": invoice.total,
            "bill_total": bill.total,
            "differences": open_count,
            "counts": invoice.counts,
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            _("Tagihan BPJS #%(id)s (%(number)s): %(n)s selisih.")
            % {"id": invoice.pk, "number": invoice.number, "n": open_count}
        )
        if data is not None:
            self.stdout.write(
                _(
                    "%(rows)s baris = %(matched)s cocok + %(amount)s jumlah berbeda + "
                    "%(bpjs_only)s hanya di BPJS + %(duplicate)s ganda + %(invalid)s tidak "
                    "terbaca; %(ours_only)s peserta kita tidak ditagih BPJS."
                )
                % invoice.counts
            )

    def _file(self, value: str | None) -> tuple[bytes | None, str]:
        if not value:
            return None, ""
        path = Path(value)
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path}, returncode=2)
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                _("Berkas %(path)s lebih besar dari 200 MB; minta BPJS membaginya.")
                % {"path": path},
                returncode=2,
            )
        return path.read_bytes(), path.name

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("Pengguna %(name)s tidak ada atau tidak aktif.") % {"name": username},
                returncode=2,
            )
        return user

    def _total(self, value: str) -> int:
        text = value.strip()
        if not text.isdigit():
            raise CommandError(
                _("--total harus rupiah utuh tanpa titik atau sen, mis. 134400."), returncode=2
            )
        return int(text)

    def _day(self, value: str | None) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                _("--issued harus tanggal YYYY-MM-DD, mis. 2025-11-05."), returncode=2
            ) from None

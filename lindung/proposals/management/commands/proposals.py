"""`lindung proposals import FILE --programme ID ...`: proposals from a spreadsheet;
`lindung proposals verify --batch ID`: their automatic verification, run here and now.

Every row of the file ends in exactly one outcome, so rows = accepted + rejected + duplicates
(duplicates: people this village already proposed in the period, reported apart). Bad input
stops with an Indonesian message, exit code 2, and nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.models import Batch, Source
from lindung.proposals.services import IntakeError, batch_import, sender_for
from lindung.verification.services import verification_execute, verification_run


class Command(BaseCommand):
    help = _("Usulan pekerja dari desa: impor berkas usulan.")

    def add_arguments(self, parser: CommandParser) -> None:
        # One sub-command per step of intake.
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("import", help=_("Impor berkas usulan (XLSX, XLS, ODS, CSV)."))
        run.add_argument("file", metavar="BERKAS", help=_("Berkas usulan."))
        run.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        run.add_argument(
            "--period", metavar="ID", help=_("ID periode usulan (bawaan: periode yang dibuka).")
        )
        run.add_argument(
            "--village",
            metavar="KODE",
            help=_("Semua baris untuk desa ini; tanpa ini tiap baris perlu kolom kode_wilayah."),
        )
        run.add_argument(
            "--as",
            dest="username",
            metavar="PENGGUNA",
            help=_("Impor atas nama pengguna ini (wilayah dan periode terbuka berlaku)."),
        )
        run.add_argument("--json", action="store_true", help=_("Keluaran JSON."))
        check = actions.add_parser(
            "verify", help=_("Verifikasi otomatis satu kiriman atau satu periode, sekarang.")
        )
        target = check.add_mutually_exclusive_group(required=True)
        target.add_argument("--batch", metavar="ID", help=_("ID kiriman usulan."))
        target.add_argument(
            "--period", metavar="ID", help=_("ID periode usulan: semua usulan yang belum ditelaah.")
        )
        check.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options)
            return
        try:
            batch, created = self._import(options)
        except (IntakeError, PermissionDenied) as error:
            raise CommandError(getattr(error, "message", str(error)), returncode=2) from None
        payload = {
            "rows": batch.row_count,
            "accepted": batch.accepted_count,
            "rejected": batch.rejected_count,
            "duplicates": batch.duplicate_count,
            "batch_id": batch.pk,
            "created": created,
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        if not created:
            self.stdout.write(_("Berkas ini sudah pernah diimpor; tidak ada yang dibuat lagi."))
        self.stdout.write(
            _(
                "Kiriman #%(batch_id)s: %(rows)s baris = %(accepted)s diterima + %(rejected)s "
                "ditolak + %(duplicates)s sudah diusulkan."
            )
            % payload
        )

    def _verify(self, options: dict[str, Any]) -> None:
        if options["batch"] is not None:
            batch = Batch.objects.filter(pk=_number(options["batch"], _("ID kiriman"))).first()
            if batch is None:
                raise CommandError(
                    _("Kiriman %(id)s tidak ada.") % {"id": options["batch"]}, returncode=2
                )
            run = verification_run(actor=None, batch=batch, background=False)
        else:
            period = ProposalPeriod.objects.filter(
                pk=_number(options["period"], _("ID periode"))
            ).first()
            if period is None:
                raise CommandError(
                    _("Periode %(id)s tidak ada.") % {"id": options["period"]}, returncode=2
                )
            run = verification_run(actor=None, period=period, background=False)
        run = verification_execute(run.pk)
        if run.error:
            raise CommandError(run.error, returncode=2)
        payload = {"run_id": run.pk, **run.counts, "seconds": run.seconds}
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        counts = {k: run.counts.get(k, 0) for k in ("proposals", "ok", "warn", "review", "reject")}
        self.stdout.write(
            _(
                "Verifikasi #%(run)s: %(proposals)s usulan = %(ok)s bersih + %(warn)s peringatan "
                "+ %(review)s perlu diperiksa petugas + %(reject)s dengan alasan tolak "
                "(%(seconds)s detik)."
            )
            % {"run": run.pk, "seconds": run.seconds.get("total", 0), **counts}
        )

    def _import(self, options: dict[str, Any]) -> tuple[Batch, bool]:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path}, returncode=2)
        programme = _programme(options["programme"])
        sender = sender_for(
            actor=_user(options["username"]),
            programme=programme,
            period=_period(options["period"], programme),
            village_code=options["village"],
        )
        result = batch_import(sender=sender, data=path, file_name=path.name, source=Source.COMMAND)
        return result.batch, result.created


def _number(value: str, label: str) -> int:
    if not value.isdigit():
        raise CommandError(
            _("%(label)s harus angka; yang diberikan: %(value)s.")
            % {"label": label, "value": value},
            returncode=2,
        )
    return int(value)


def _programme(value: str) -> Programme:
    programme = Programme.objects.filter(pk=_number(value, _("ID program"))).first()
    if programme is None:
        raise CommandError(_("Program %(id)s tidak ada.") % {"id": value}, returncode=2)
    return programme


def _period(value: str | None, programme: Programme) -> ProposalPeriod | None:
    if value is None:
        return None
    period = programme.proposal_periods.filter(pk=_number(value, _("ID periode"))).first()
    if period is None:
        raise CommandError(
            _("Periode usulan %(id)s tidak ada di program %(name)s.")
            % {"id": value, "name": programme.name},
            returncode=2,
        )
    return period


def _user(username: str | None) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("Pengguna %(name)s tidak ada atau tidak aktif.") % {"name": username}, returncode=2
        )
    return user

"""`lindung registration export --programme ID --output FILE`: the collective registration
file for BPJS Ketenagakerjaan; `lindung registration import FILE --programme ID`: BPJS's
result file, applied.

The export file is written next to its target and renamed into place inside the database
transaction that marks the members sent: either both happen or neither. The import prints
rows = registered + rejected + unchanged + unknown + invalid. Bad input stops with an
Indonesian message, exit code 2, and nothing written.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.membership.registration import (
    FORMATS,
    MAX_BYTES,
    registration_export,
    registration_import_result,
)
from lindung.programs.models import Programme

_COUNTS = ("rows", "registered", "rejected", "unchanged", "unknown", "invalid", "missing")


class Command(BaseCommand):
    help = _("Pendaftaran kolektif peserta ke BPJS Ketenagakerjaan: kirim berkas, impor hasil.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser(
            "export", help=_("Buat berkas pendaftaran untuk peserta yang belum dikirim.")
        )
        send.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        send.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            default="xlsx",
            help=_("xlsx atau csv."),
        )
        send.add_argument(
            "--include-sent",
            action="store_true",
            help=_("Kirim ulang semua peserta yang belum mendapat KPJ."),
        )
        send.add_argument(
            "--output", metavar="BERKAS", required=True, help=_("Berkas yang akan ditulis.")
        )
        self._common(send)
        read = actions.add_parser("import", help=_("Impor berkas hasil pendaftaran dari BPJS."))
        read.add_argument("file", metavar="BERKAS", help=_("Berkas hasil (XLSX, XLS, ODS, CSV)."))
        read.add_argument("--programme", metavar="ID", required=True, help=_("ID program."))
        self._common(read)

    def _common(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as",
            dest="username",
            metavar="PENGGUNA",
            help=_("Atas nama pengguna ini (peran dan wilayahnya berlaku)."),
        )
        parser.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "export":
                payload = self._export(options)
            else:
                payload = self._import(options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        except PermissionDenied as error:
            raise CommandError(str(error), returncode=2) from None
        except OSError as error:
            raise CommandError(
                _("Berkas tidak bisa ditulis: %(why)s. Tidak ada yang dicatat sebagai terkirim.")
                % {"why": error.strerror or error},
                returncode=2,
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(payload))
        elif options["action"] == "export":
            self.stdout.write(
                _("Berkas pendaftaran #%(export_id)s: %(members)s peserta, ditulis ke %(file)s.")
                % payload
            )
        else:
            if payload["already_imported"]:
                self.stdout.write(_("Berkas ini sudah pernah diimpor; tidak ada yang diubah."))
            self.stdout.write(
                _(
                    "Hasil #%(import_id)s: %(rows)s baris = %(registered)s terdaftar + "
                    "%(rejected)s ditolak + %(unchanged)s tidak berubah + %(unknown)s tidak "
                    "dikenal + %(invalid)s tidak terbaca; %(missing)s peserta yang dikirim belum "
                    "ada hasilnya."
                )
                % payload
            )

    def _export(self, options: dict[str, Any]) -> dict[str, Any]:
        output = Path(options["output"])
        if output.exists():
            raise CommandError(
                _("Berkas %(path)s sudah ada; pilih nama lain agar berkas lama tidak tertimpa.")
                % {"path": output},
                returncode=2,
            )
        if not output.parent.is_dir():
            raise CommandError(
                _("Folder %(path)s tidak ada.") % {"path": output.parent}, returncode=2
            )
        programme = _programme(options["programme"])
        actor = _user(options["username"])
        with transaction.atomic():
            export, body, _name = registration_export(
                actor=actor,
                programme=programme,
                file_format=options["file_format"],
                include_sent=options["include_sent"],
            )
            _write_atomically(output, body)
        return {
            "export_id": export.pk,
            "members": export.member_count,
            "file": str(output),
            "format": export.file_format,
        }

    def _import(self, options: dict[str, Any]) -> dict[str, Any]:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path}, returncode=2)
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                _("Berkas %(path)s lebih besar dari 50 MB.") % {"path": path}, returncode=2
            )
        programme = _programme(options["programme"])
        result = registration_import_result(
            actor=_user(options["username"]),
            programme=programme,
            data=path.read_bytes(),
            file_name=path.name,
        )
        upload = result.upload
        counts = {key: int(upload.counts.get(key, 0)) for key in _COUNTS}
        return {"import_id": upload.pk, **counts, "already_imported": not result.created}


def _write_atomically(path: Path, body: bytes) -> None:
    """The whole file or none: a temporary file beside it, renamed over it at the end."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _programme(value: str) -> Programme:
    if not value.isdigit():
        raise CommandError(
            _("ID program harus angka; yang diberikan: %(value)s.") % {"value": value},
            returncode=2,
        )
    programme = Programme.objects.filter(pk=int(value)).first()
    if programme is None:
        raise CommandError(_("Program %(id)s tidak ada.") % {"id": value}, returncode=2)
    return programme


def _user(username: str | None) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("Pengguna %(name)s tidak ada atau tidak aktif.") % {"name": username}, returncode=2
        )
    return user

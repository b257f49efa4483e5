"""`lindung references import --kind KIND FILE`: import a reference extract as a snapshot."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.references import services
from lindung.references.models import ReferenceKind

DEFAULT_SOURCES = {
    ReferenceKind.WELFARE: "DTSEN",
    ReferenceKind.BPJS: "BPJS Ketenagakerjaan",
    ReferenceKind.PROGRAMME: "Program lain",
    ReferenceKind.EXCLUSION: "BKD",
    ReferenceKind.DEATH: "Dukcapil",
    ReferenceKind.MOVE: "Dukcapil",
}


class Command(BaseCommand):
    help = _("Data pembanding: impor ekstrak DTSEN/DTKS/P3KE, peserta BPJS, pengecualian, dll.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help=_("Impor satu berkas CSV/XLSX sebagai snapshot."))
        load.add_argument("file", metavar="FILE", help=_("Berkas CSV, XLSX, XLS atau ODS."))
        load.add_argument(
            "--kind", required=True, choices=ReferenceKind.values, help=_("Jenis data.")
        )
        load.add_argument("--source", help=_("Sumber data, mis. DTSEN, DTKS, P3KE, BKD."))
        load.add_argument(
            "--extracted-on", metavar="TTTT-BB-HH", help=_("Tanggal data (bawaan: hari ini).")
        )
        load.add_argument(
            "--area",
            metavar="KODE",
            help=_("Wilayah cakupan, mis. 17.05 (bawaan: dari kolom kode desa di berkas)."),
        )
        load.add_argument(
            "--mapping",
            metavar="JSON",
            help=_('Pemetaan kolom, mis. \'{"nik": "No KTP", "nama": "Nama"}\', atau berkas JSON.'),
        )
        load.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path}, returncode=2)
        kind = options["kind"]
        try:
            snapshot = services.snapshot_import(
                actor=None,
                kind=kind,
                source=options["source"] or DEFAULT_SOURCES[kind],
                extracted_on=_date(options["extracted_on"]),
                area_code=options["area"] or _area_of(path, kind),
                file=path,
                filename=path.name,
                mapping=_mapping(options["mapping"]),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        payload = {
            "snapshot_id": snapshot.pk,
            "kind": snapshot.kind,
            "area": snapshot.area_id,
            "rows": snapshot.row_count,
            "accepted": snapshot.accepted_count,
            "rejected": snapshot.rejected_count,
            "reused": snapshot.reused,
            "seconds": round(time.perf_counter() - started, 2),
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        if snapshot.reused:
            self.stdout.write(
                _("Berkas ini sudah pernah diimpor sebagai snapshot %(id)d; tidak ada yang baru.")
                % {"id": snapshot.pk}
            )
        self.stdout.write(
            _("Snapshot %(id)d: %(rows)d baris = %(accepted)d diterima + %(rejected)d ditolak.")
            % {
                "id": snapshot.pk,
                "rows": snapshot.row_count,
                "accepted": snapshot.accepted_count,
                "rejected": snapshot.rejected_count,
            }
        )


def _date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Tanggal data %(text)s tidak bisa dibaca; tulis TTTT-BB-HH, mis. 2025-06-30.")
            % {"text": text},
            returncode=2,
        ) from None


def _mapping(text: str | None) -> dict[str, str | None] | None:
    if not text:
        return None
    try:
        source = text if text.lstrip().startswith("{") else Path(text).read_text()
        value = json.loads(source)
    except (OSError, ValueError):
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str | None) for v in value.values()):
        raise CommandError(
            _('--mapping harus JSON {"bidang": "judul kolom"}, mis. {"nik": "No KTP"}.'),
            returncode=2,
        )
    return value


def _area_of(path: Path, kind: str) -> str:
    try:
        code = services.area_of_file(path, kind=kind)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages), returncode=2) from None
    if code is None:
        raise CommandError(
            _("Wilayah cakupan tidak bisa dibaca dari berkas; sebutkan dengan --area, mis. 17.05."),
            returncode=2,
        )
    # An extract is a regency's (or a province's) list even when its rows happen to lie in
    # one kecamatan; verification uses extracts that cover the programme's whole area, so a
    # narrower guess would leave the extract unused. --area says otherwise when needed.
    return code[:5] if len(code) > 5 else code

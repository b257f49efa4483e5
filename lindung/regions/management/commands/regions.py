"""`lindung regions load [--only CODE] [--json]` and `lindung regions show CODE [--json]`."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.regions import codes
from lindung.regions.models import Region
from lindung.regions.services import RegionDataError, regions_load


class Command(BaseCommand):
    help = _("Memuat dan menampilkan wilayah Kemendagri.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help=_("Muat data wilayah Kemendagri ke basis data."))
        load.add_argument(
            "--only", metavar="KODE", help=_("Hanya wilayah ini, induknya dan isinya.")
        )
        load.add_argument("--json", action="store_true", help=_("Keluaran JSON."))
        show = actions.add_parser("show", help=_("Tampilkan satu wilayah."))
        show.add_argument("code", metavar="KODE", help=_("Kode wilayah, mis. 17.05.01.2001."))
        show.add_argument("--json", action="store_true", help=_("Keluaran JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options["only"], as_json=options["json"])
        else:
            self._show(options["code"], as_json=options["json"])

    def _load(self, only: str | None, *, as_json: bool) -> None:
        started = time.perf_counter()
        try:
            result = regions_load(only=only)
        except RegionDataError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        seconds = round(time.perf_counter() - started, 3)
        if as_json:
            payload = {"only": only, "seconds": seconds, "levels": result.as_dict()}
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            _("%(created)d wilayah baru, %(updated)d diperbarui, %(unchanged)d tetap; %(s)s detik.")
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "s": seconds,
            }
        )

    def _show(self, code: str, *, as_json: bool) -> None:
        area = _region(code)
        ancestors = area.ancestors()
        facts = {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "level_label": area.get_level_display(),
            "kind": area.kind.value,
            "kind_label": area.get_kind_display(),
            "full_name": area.full_name(),
            "ancestors": [{"code": a.code, "name": a.name} for a in ancestors],
            "children": area.children.count(),
            "villages": area.village_count(),
        }
        if as_json:
            self.stdout.write(json.dumps(facts, ensure_ascii=False))
            return
        lines = [
            f"{area.code} {area.name}",
            _("Jenis: %(kind_label)s (tingkat %(level_label)s)") % facts,
            _("Nama lengkap: %(full_name)s") % facts,
            *(
                _("Di dalam: %(code)s %(name)s") % {"code": a.code, "name": a.name}
                for a in ancestors
            ),
            _("Wilayah di bawahnya: %(children)d, desa/kelurahan: %(villages)d") % facts,
        ]
        self.stdout.write("\n".join(lines))


def _region(code: str) -> Region:
    if not codes.is_code(code):
        raise CommandError(
            _("Kode wilayah %(code)r tidak sah. Contoh: 17, 17.05, 17.05.01 atau 17.05.01.2001.")
            % {"code": code},
            returncode=2,
        )
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise CommandError(
            _(
                "Wilayah %(code)s tidak ada di basis data. Periksa kodenya, atau muat data wilayah "
                "dengan: lindung regions load"
            )
            % {"code": code},
            returncode=2,
        ) from None

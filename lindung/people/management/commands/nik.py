"""`lindung nik NIK`: read a NIK and say what is wrong with it; exit 1 when it is not valid."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.people.models import Sex
from lindung.people.nik import NikInfo, parse_nik
from lindung.regions.codes import ancestor_codes
from lindung.regions.models import Region

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Command(BaseCommand):
    help = _(
        "Membaca NIK: kode wilayah, tanggal lahir, jenis kelamin, nomor urut, dan kesalahannya. "
        "Keluar dengan kode 1 bila NIK tidak valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nik", help=_("NIK 16 angka."))
        parser.add_argument(
            "--birth-date", help=_("Tanggal lahir yang tercatat (YYYY-MM-DD), dicocokkan ke NIK.")
        )
        parser.add_argument(
            "--sex", help=_("Jenis kelamin yang tercatat (L/P), dicocokkan ke NIK.")
        )
        parser.add_argument("--json", action="store_true", help=_("Cetak hasil sebagai JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        birth_date = _birth_date_option(options["birth_date"])
        sex = _sex_option(options["sex"])
        names: dict[str, str] = {}
        regions_loaded = _regions_loaded()

        def district_exists(code: str) -> bool:
            wanted = [*ancestor_codes(code), code]
            names.update(Region.objects.filter(code__in=wanted).values_list("code", "name"))
            return code in names

        info = parse_nik(
            options["nik"],
            birth_date=birth_date,
            sex=sex,
            region_exists=district_exists if regions_loaded else None,
        )
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(info, names, regions_loaded), ensure_ascii=False))
        else:
            self._print(info, names, regions_loaded)
        if not info.valid:
            raise CommandError(_("NIK tidak valid."), returncode=1)

    def _print(self, info: NikInfo, names: dict[str, str], regions_loaded: bool) -> None:
        rows = [
            (_("NIK"), info.nik),
            (_("Hasil"), _("valid") if info.valid else _("tidak valid")),
        ]
        if info.region_code:
            rows.append((_("Kode wilayah"), info.region_code))
            if area := _area_names(info.region_code, names):
                rows.append((_("Wilayah"), area))
        if info.birth_date:
            rows.append((_("Tanggal lahir"), date_format(info.birth_date, "j F Y")))
        if info.sex:
            rows.append((_("Jenis kelamin"), str(Sex(info.sex).label)))
        if info.serial is not None:
            rows.append((_("Nomor urut"), str(info.serial)))
        width = max(len(label) for label, _value in rows) + 2
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}{value}")
        for finding in info.findings:
            style = self.style.ERROR if finding.severity == "error" else self.style.WARNING
            kind = _("galat") if finding.severity == "error" else _("peringatan")
            self.stdout.write(style(f"[{finding.code}] {kind}: {finding.render(_)}"))
        if not regions_loaded and info.region_code:
            self.stdout.write(
                _(
                    "Catatan: kode wilayah tidak diperiksa karena data wilayah belum dimuat "
                    "(jalankan `lindung regions load`)."
                )
            )


def _regions_loaded() -> bool:
    # Before `migrate` the table is missing; reading a NIK needs no database, so carry on.
    table = Region._meta.db_table
    return table in connection.introspection.table_names() and Region.objects.exists()


def _birth_date_option(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--birth-date harus tanggal yang ada, ditulis YYYY-MM-DD (mis. 1990-11-22): %(v)s")
            % {"v": value},
            returncode=2,
        ) from None


def _sex_option(value: str | None) -> str | None:
    if value is None:
        return None
    sex = value.strip().upper()
    if sex not in Sex.values:
        raise CommandError(
            _("--sex harus L (laki-laki) atau P (perempuan): %(v)s") % {"v": value}, returncode=2
        )
    return sex


def _area_names(region_code: str, names: dict[str, str]) -> str:
    """'Kecamatan Sukaraja, Kabupaten Seluma, Provinsi Bengkulu', from the levels known."""
    province, regency, district = [*ancestor_codes(region_code), region_code]
    parts = []
    if district in names:
        parts.append(_("Kecamatan %(name)s") % {"name": names[district]})
    if regency in names:
        parts.append(names[regency])
    if province in names:
        parts.append(_("Provinsi %(name)s") % {"name": names[province]})
    return ", ".join(parts)


def _as_json(info: NikInfo, names: dict[str, str], regions_loaded: bool) -> dict[str, Any]:
    result = info.to_dict()
    result["findings"] = [
        {"code": f.code, "severity": f.severity, "message": f.render(_)} for f in info.findings
    ]
    result["region_checked"] = regions_loaded and info.region_code is not None
    area = _area_names(info.region_code, names) if info.region_code else ""
    result["region_name"] = area or None
    return result

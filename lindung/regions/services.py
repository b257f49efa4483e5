"""Loading the Kemendagri area fixture into the Region table."""

from __future__ import annotations

import csv
import functools
import gzip
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from lindung.regions import codes
from lindung.regions.models import Region

FIXTURE_NAME = "regions.csv.gz"
# 5,000 rows x 4 columns stays under every backend's bound-parameter limit.
BATCH_SIZE = 5000


class RegionDataError(ValueError):
    """The fixture or the requested code is unusable; the message says what to fix."""


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadResult:
    levels: dict[int, LevelCounts] = field(
        default_factory=lambda: {level: LevelCounts() for level in codes.LENGTHS}
    )

    @property
    def created(self) -> int:
        return sum(c.created for c in self.levels.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.levels.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.levels.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        names = {codes.PROVINCE: "provinsi", codes.REGENCY: "kabupaten_kota"}
        names |= {codes.DISTRICT: "kecamatan", codes.VILLAGE: "desa_kelurahan"}
        return {
            names[level]: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for level, c in self.levels.items()
        }


def fixture_path() -> Path:
    return Path(settings.LINDUNG_REGIONS_DATA) / FIXTURE_NAME


def read_fixture(path: Path) -> Mapping[str, str]:
    """`code -> name` from the gzip CSV, validated whole: every code well formed and unique,
    every name present and short enough, every parent present in the same file."""
    try:
        stat = path.stat()
        return _read(path, stat.st_mtime_ns, stat.st_size)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise RegionDataError(
            _(
                "Berkas wilayah %(path)s tidak bisa dibaca (%(error)s). Pastikan berkas itu CSV "
                "ber-gzip dengan kolom code,name."
            )
            % {"path": path, "error": exc}
        ) from exc


@functools.lru_cache(maxsize=1)
def _read(path: Path, mtime_ns: int, size: int) -> Mapping[str, str]:
    # Cached per version of the file: tests and the demo load small areas many times over.
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return MappingProxyType(_validated(csv.reader(fh), path))


def _validated(rows: Iterator[list[str]], path: Path) -> dict[str, str]:
    if next(rows, None) != ["code", "name"]:
        raise RegionDataError(
            _("Baris pertama berkas wilayah %(path)s harus berbunyi code,name.") % {"path": path}
        )
    areas: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        areas[_checked_code(row, line, areas)] = row[1].strip()
    for code in areas:
        parent = codes.parent_code(code)
        if parent is not None and parent not in areas:
            raise RegionDataError(
                _(
                    "Wilayah %(code)s di berkas wilayah tidak punya induk %(parent)s di berkas "
                    "yang sama. Tambahkan induknya atau hapus wilayah itu."
                )
                % {"code": code, "parent": parent}
            )
    return areas


def _checked_code(row: list[str], line: int, seen: dict[str, str]) -> str:
    where = {"line": line, "row": ",".join(row)}
    if len(row) != 2 or not codes.is_code(row[0]):
        raise RegionDataError(
            _(
                "Baris %(line)d berkas wilayah (%(row)s) bukan kode,nama yang sah. Kode harus "
                "berbentuk 17, 17.05, 17.05.01 atau 17.05.01.2001."
            )
            % where
        )
    if not row[1].strip() or len(row[1].strip()) > 100:
        raise RegionDataError(
            _(
                "Baris %(line)d berkas wilayah (%(row)s): nama wilayah harus diisi dan paling "
                "panjang 100 huruf."
            )
            % where
        )
    if row[0] in seen:
        raise RegionDataError(
            _("Baris %(line)d berkas wilayah: kode %(code)s muncul dua kali.")
            % {"line": line, "code": row[0]}
        )
    return row[0]


def _subset(areas: Mapping[str, str], only: str) -> Mapping[str, str]:
    if not codes.is_code(only):
        raise RegionDataError(
            _("Kode wilayah %(code)r tidak sah. Contoh: 17, 17.05, 17.05.01 atau 17.05.01.2001.")
            % {"code": only}
        )
    if only not in areas:
        raise RegionDataError(
            _("Kode wilayah %(code)s tidak ada di data Kemendagri.") % {"code": only}
        )
    keep = set(codes.ancestor_codes(only))
    return {c: n for c, n in areas.items() if c in keep or codes.contains(only, c)}


@transaction.atomic
def regions_load(*, only: str | None = None) -> LoadResult:
    """Upsert the fixture into Region: new areas created, renamed ones updated, nothing else
    touched. `only` limits the load to one area with its ancestors and descendants."""
    areas = read_fixture(fixture_path())
    if only is not None:
        areas = _subset(areas, only)
    existing = dict(_stored(only).values_list("code", "name"))
    result = LoadResult()
    to_create: list[Region] = []
    to_update: list[Region] = []
    # Sorted by level so parents reach the database before their children.
    for code in sorted(areas, key=lambda c: (c.count("."), c)):
        level, name = code.count(".") + 1, areas[code]
        counts = result.levels[level]
        if code not in existing:
            counts.created += 1
            to_create.append(_region(code, level, name))
        elif existing[code] != name:
            counts.updated += 1
            to_update.append(_region(code, level, name))
        else:
            counts.unchanged += 1
    Region.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Region.objects.bulk_create(
        to_update,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    return result


def _region(code: str, level: int, name: str) -> Region:
    return Region(code=code, parent_id=codes.parent_code(code), level=level, name=name)


def _stored(only: str | None) -> models.QuerySet[Region]:
    if only is None:
        return Region.objects.all()
    # A prefix match rather than `code__in`: 91,599 codes exceed SQLite's parameter limit.
    ancestors = models.Q(code__in=codes.ancestor_codes(only))
    return Region.objects.filter(
        ancestors | models.Q(code=only) | models.Q(code__startswith=f"{only}.")
    )

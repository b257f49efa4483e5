"""`lindung synth`: a synthetic population and a hand-typed village list, written to files."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.regions.codes import REGENCY, is_code, level_of
from lindung.synth.areas import Regency, UnknownRegency, load_regency
from lindung.synth.population import DEFAULT_REFERENCE_DATE, generate_population
from lindung.synth.village_list import make_village_list
from lindung.synth.writers import FORMATS, write_table


@dataclass(frozen=True)
class _Request:
    regency: Regency
    people: int
    seed: int
    out: Path
    list_size: int
    formats: tuple[str, ...]
    reference_date: date


class Command(BaseCommand):
    help = _(
        "Membuat penduduk sintetis di desa-desa nyata satu kabupaten/kota, beserta daftar usulan "
        "desa yang diketik tangan (dengan salah ketik) dan kunci jawabannya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regency", required=True, help=_("Kode kabupaten/kota, mis. 17.05."))
        parser.add_argument("--people", required=True, help=_("Jumlah penduduk."))
        parser.add_argument("--seed", default="1", help=_("Benih acak; sama benih, sama hasil."))
        parser.add_argument("--out", required=True, help=_("Folder tujuan."))
        parser.add_argument(
            "--list-size", help=_("Jumlah baris daftar usulan desa (bawaan: 5%% penduduk).")
        )
        parser.add_argument(
            "--format",
            default="csv,parquet",
            help=_("Format berkas, dipisah koma: csv, xlsx, parquet (bawaan: csv,parquet)."),
        )
        parser.add_argument(
            "--reference-date",
            default=DEFAULT_REFERENCE_DATE.isoformat(),
            help=_("Tanggal acuan umur, TTTT-BB-HH."),
        )
        parser.add_argument("--json", action="store_true", help=_("Ringkasan dalam JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        request = _parse(options)
        population = generate_population(
            request.regency.code, request.people, request.seed, request.reference_date
        )
        village_list, truth = make_village_list(
            population, request.list_size, request.seed, reference_date=request.reference_date
        )
        tables = {"people": population, "village_list": village_list, "village_list_truth": truth}
        files = _write_all(tables, request.out, request.formats)
        summary = {
            "regency": request.regency.code,
            "regency_name": request.regency.name,
            "people": population.num_rows,
            "families": pc.count_distinct(population["kk"]).as_py(),
            "villages": pc.count_distinct(population["kode_wilayah"]).as_py(),
            "list_rows": village_list.num_rows,
            "files": [str(f) for f in files],
            "seconds": round(time.perf_counter() - started, 2),
        }
        self.stdout.write(json.dumps(summary) if options["json"] else _report(summary))


def _parse(options: dict[str, Any]) -> _Request:
    people = _whole_number(options["people"], "--people", minimum=1)
    list_size = (
        max(1, round(people * 0.05))
        if options["list_size"] is None
        else _whole_number(options["list_size"], "--list-size", minimum=1)
    )
    if list_size > people:
        raise CommandError(
            _("--list-size (%(size)s) tidak boleh lebih dari --people (%(people)s).")
            % {"size": list_size, "people": people},
            returncode=2,
        )
    regency = _regency(options["regency"])
    seed = _whole_number(options["seed"], "--seed", minimum=0)
    formats = _formats(options["format"])
    reference_date = _reference_date(options["reference_date"])
    # Last, so that no folder is created for a request that is refused anyway.
    out = _output_dir(options["out"])
    return _Request(regency, people, seed, out, list_size, formats, reference_date)


def _regency(code: str) -> Regency:
    if not is_code(code) or level_of(code) != REGENCY:
        raise CommandError(
            _("%(code)s bukan kode kabupaten/kota. Tulis dua pasang angka, mis. 17.05 (Seluma).")
            % {"code": code},
            returncode=2,
        )
    try:
        return load_regency(code)
    except UnknownRegency:
        raise CommandError(
            _("Kabupaten/kota %(code)s tidak ada dalam data wilayah Kemendagri. Periksa kodenya.")
            % {"code": code},
            returncode=2,
        ) from None


def _whole_number(raw: str, option: str, minimum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise CommandError(
            _("%(option)s harus bilangan bulat paling kecil %(minimum)s, bukan %(raw)s.")
            % {"option": option, "minimum": minimum, "raw": raw},
            returncode=2,
        )
    return value


def _formats(raw: str) -> tuple[str, ...]:
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise CommandError(
            _("Format tidak dikenal: %(bad)s. Pilih dari %(known)s.")
            % {"bad": ", ".join(unknown) or raw, "known": ", ".join(FORMATS)},
            returncode=2,
        )
    return tuple(dict.fromkeys(names))


def _reference_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(
            _("--reference-date harus tanggal TTTT-BB-HH, mis. 2026-01-01, bukan %(raw)s.")
            % {"raw": raw},
            returncode=2,
        ) from None


def _output_dir(raw: str) -> Path:
    out = Path(raw)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(
            _("Folder %(out)s tidak bisa dibuat (%(reason)s). Pilih folder lain.")
            % {"out": out, "reason": error.strerror or error},
            returncode=2,
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise CommandError(
            _("Folder %(out)s tidak bisa ditulisi. Pilih folder lain.") % {"out": out},
            returncode=2,
        )
    return out


def _write_all(tables: dict[str, pa.Table], out: Path, formats: tuple[str, ...]) -> list[Path]:
    """All files or none: each is written under a temporary name, renamed only at the end."""
    targets = [(tables[name], out / f"{name}.{fmt}", fmt) for name in tables for fmt in formats]
    temporary = [out / f".{path.name}.{os.getpid()}.tmp" for _table, path, _fmt in targets]
    renamed: list[Path] = []
    try:
        for (table, _path, fmt), temp in zip(targets, temporary, strict=True):
            write_table(table, temp, fmt)
        for (_table, path, _fmt), temp in zip(targets, temporary, strict=True):
            temp.replace(path)
            renamed.append(path)
    except OSError as error:
        for leftover in (*temporary, *renamed):
            leftover.unlink(missing_ok=True)
        raise CommandError(
            _("Gagal menulis ke %(out)s: %(reason)s.") % {"out": out, "reason": error},
            returncode=2,
        ) from None
    return renamed


def _report(summary: dict[str, Any]) -> str:
    def count(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    lines = [
        _("%(name)s (%(code)s): %(people)s penduduk, %(families)s KK, %(villages)s desa/kelurahan.")
        % {
            "name": summary["regency_name"],
            "code": summary["regency"],
            "people": count(summary["people"]),
            "families": count(summary["families"]),
            "villages": count(summary["villages"]),
        },
        _("Daftar usulan desa: %(rows)s baris.") % {"rows": count(summary["list_rows"])},
        *summary["files"],
        _("Selesai dalam %(seconds)s detik.")
        % {"seconds": str(summary["seconds"]).replace(".", ",")},
    ]
    return "\n".join(lines)

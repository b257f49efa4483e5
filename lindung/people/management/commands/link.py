"""`lindung link`: find the persons of one list in another, or the duplicates inside one list."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.engine.linkage.files import read_table, write_csv_atomically
from lindung.engine.linkage.link import Thresholds, connect, dedupe, link
from lindung.engine.linkage.prepare import InputError


class Command(BaseCommand):
    help = _(
        "Mencocokkan orang di daftar kiri dengan data kanan (NIK sama lebih dulu, lalu Splink "
        "untuk yang lain), atau mencari baris ganda dalam satu daftar (--dedupe). Berkas CSV, "
        "XLSX atau Parquet dengan kolom id, nik, nama, tanggal_lahir, jenis_kelamin dan "
        "kode_wilayah (boleh tidak ada)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--left", required=True, help=_("Daftar yang dicari orangnya."))
        parser.add_argument("--right", help=_("Data pembanding (tidak dipakai dengan --dedupe)."))
        parser.add_argument("--out", required=True, help=_("Berkas CSV hasil."))
        parser.add_argument(
            "--dedupe", action="store_true", help=_("Cari baris ganda di --left saja.")
        )
        defaults = Thresholds()
        parser.add_argument(
            "--threshold-match",
            default=str(defaults.match),
            help=_("Peluang minimal untuk keputusan match (bawaan %(default)s)."),
        )
        parser.add_argument(
            "--threshold-review",
            default=str(defaults.review),
            help=_("Peluang minimal untuk keputusan review (bawaan %(default)s)."),
        )
        parser.add_argument("--json", action="store_true", help=_("Ringkasan dalam JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        thresholds = _thresholds(options["threshold_match"], options["threshold_review"])
        out = _output_path(options["out"])
        if not options["dedupe"] and not options["right"]:
            raise CommandError(_("Sebutkan --right, atau pakai --dedupe."), returncode=2)
        try:
            summary = _run(options, thresholds, out)
        except InputError as error:
            raise CommandError(str(error), returncode=2) from None
        summary["seconds"]["total"] = round(time.perf_counter() - started, 3)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(_report(summary, out))


def _run(options: dict[str, Any], thresholds: Thresholds, out: Path) -> dict[str, Any]:
    read_started = time.perf_counter()
    left = read_table(Path(options["left"]), _("kiri"))
    right = None if options["dedupe"] else read_table(Path(options["right"]), _("kanan"))
    read_seconds = round(time.perf_counter() - read_started, 3)
    con = connect()
    if right is None:
        deduped = dedupe(left, threshold=thresholds.match, con=con)
        table, counts, seconds = deduped.clusters, deduped.counts, deduped.seconds
    else:
        linked = link(left, right, thresholds=thresholds, con=con)
        table, counts, seconds = linked.best, linked.counts, linked.seconds
    write_started = time.perf_counter()
    try:
        write_csv_atomically(table, out)
    except OSError as error:
        raise CommandError(
            _("Gagal menulis %(out)s: %(reason)s.") % {"out": out, "reason": error},
            returncode=2,
        ) from None
    seconds = {
        "read": read_seconds,
        **{k: v for k, v in seconds.items() if k != "total"},
        "write": round(time.perf_counter() - write_started, 3),
    }
    return {"mode": "dedupe" if right is None else "link", **counts, "seconds": seconds}


def _probability(raw: str, option: str) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise CommandError(
            _("%(option)s harus angka antara 0 dan 1, mis. 0.99, bukan %(raw)s.")
            % {"option": option, "raw": raw},
            returncode=2,
        )
    return value


def _thresholds(match: str, review: str) -> Thresholds:
    high = _probability(match, "--threshold-match")
    low = _probability(review, "--threshold-review")
    if low > high:
        raise CommandError(
            _(
                "--threshold-review (%(low)s) tidak boleh lebih besar dari --threshold-match "
                "(%(high)s)."
            )
            % {"low": low, "high": high},
            returncode=2,
        )
    return Thresholds(match=high, review=low)


def _output_path(raw: str) -> Path:
    out = Path(raw)
    if not out.parent.is_dir():
        raise CommandError(
            _("Folder untuk %(out)s tidak ada; buat dulu foldernya.") % {"out": out},
            returncode=2,
        )
    return out


def _report(summary: dict[str, Any], out: Path) -> str:
    def count(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    seconds = str(summary["seconds"]["total"]).replace(".", ",")
    if summary["mode"] == "dedupe":
        body = _(
            "%(rows)s baris, %(clusters)s orang; %(dups)s orang tercatat lebih dari sekali."
        ) % {
            "rows": count(summary["rows"]),
            "clusters": count(summary["clusters"]),
            "dups": count(summary["clusters_with_duplicates"]),
        }
    else:
        body = _(
            "%(left)s baris kiri, %(right)s baris kanan; NIK sama: %(exact)s. "
            "Keputusan: %(match)s match, %(review)s review, %(no_match)s no_match."
        ) % {
            "left": count(summary["left"]),
            "right": count(summary["right"]),
            "exact": count(summary["exact_nik"]),
            "match": count(summary["match"]),
            "review": count(summary["review"]),
            "no_match": count(summary["no_match"]),
        }
    done = _("Hasil: %(out)s. Selesai dalam %(seconds)s detik.") % {
        "out": out,
        "seconds": seconds,
    }
    return f"{body}\n{done}"

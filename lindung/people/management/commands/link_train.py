"""`lindung link_train`: re-estimate the linkage model from synthetic lists; rewrites settings.json.

Only needed when the model in lindung/engine/linkage/model.py changes, or when the synthetic
typing mistakes change. Takes a few minutes; the result is committed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lindung.engine.linkage.model import SETTINGS_PATH
from lindung.engine.linkage.train import TrainingData, train, write_settings
from lindung.synth.areas import UnknownRegency
from lindung.synth.population import generate_population
from lindung.synth.village_list import make_village_list


class Command(BaseCommand):
    help = _(
        "Melatih ulang parameter m dan u model pencocokan dari data sintetis dan menulis "
        "settings.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regency", default="32.04", help=_("Kabupaten daftar usulan."))
        parser.add_argument(
            "--other-regency", default="73.71", help=_("Kabupaten lain di data pembanding.")
        )
        parser.add_argument("--people", type=int, default=200_000, help=_("Jumlah penduduk."))
        parser.add_argument(
            "--list-size", type=int, default=20_000, help=_("Jumlah baris daftar usulan.")
        )
        parser.add_argument("--seed", type=int, default=11, help=_("Benih acak."))
        parser.add_argument("--out", default=str(SETTINGS_PATH), help=_("Berkas settings.json."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        seed = options["seed"]
        try:
            population = generate_population(options["regency"], options["people"], seed)
            elsewhere = generate_population(
                options["other_regency"], options["people"] // 4, seed + 1
            )
        except UnknownRegency as error:
            raise CommandError(
                _("Kode kabupaten/kota tidak dikenal: %(code)s.") % {"code": error},
                returncode=2,
            ) from None
        village_list, truth = make_village_list(population, options["list_size"], seed + 2)
        data = TrainingData(village_list, population, truth, _renamed(elsewhere, "Q"))
        model = train(data, seed=seed)
        write_settings(model, Path(options["out"]))
        summary = {"out": options["out"], "seconds": round(time.perf_counter() - started, 1)}
        self.stdout.write(json.dumps(summary))


def _renamed(table: pa.Table, prefix: str) -> pa.Table:
    """Ids of a second population must not collide with the first ('P0000001' in both)."""
    ids = pa.array([prefix + str(value) for value in table["id"].to_pylist()], pa.string())
    return table.set_column(table.column_names.index("id"), "id", ids)

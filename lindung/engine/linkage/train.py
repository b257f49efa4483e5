"""Estimate the model's m and u probabilities from synthetic lists with known truth.

m (how often a level occurs for the same person) comes from the truth: every list row whose
person is in the population is a labelled pair. u (how often it occurs for two different
people) comes from random pairs between the list and people who are not on it, in the list's
regency and in another one, so "same NIK" and "other regency" get honest rates. Neither
depends on the sizes of the tables, so both are trained once and committed; the prior is set
per run (`model.settings`).

Synthetic lists never show some things real ones do (a person registered in another village,
two mistyped NIK digits), so every level keeps at least `M_FLOOR` of the m mass, and a level
no random pair reached gets the u of one pair in the sample. Re-train with
`lindung link_train` (see docs/linkage.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker

from lindung.engine.linkage.model import SETTINGS_PATH, untrained_settings
from lindung.engine.linkage.prepare import prepare

M_FLOOR = 0.01
U_PAIRS = 1e7
_LABEL = "person"


@dataclass(frozen=True)
class TrainingData:
    """A typed list, the population it was drawn from, its truth, and people from elsewhere."""

    village_list: pa.Table
    population: pa.Table
    truth: pa.Table
    elsewhere: pa.Table


def train(
    data: TrainingData, *, seed: int = 1, reference_date: date | None = None
) -> dict[str, Any]:
    """The trained Splink model (a settings dict with m and u) for lists like `data`."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    listed = pc.drop_null(data.truth["person_id"])
    strangers = pa.concat_tables(
        [data.population.filter(pc.invert(pc.is_in(data.population["id"], listed))), data.elsewhere]
    )
    for table, name in (
        (data.village_list, "daftar"),
        (data.population, "populasi"),
        (strangers, "bukan_daftar"),
    ):
        prepare(con, table, name, label=name, reference_date=reference_date)
    con.register("truth_input", data.truth)
    con.execute(
        f"""CREATE TABLE daftar_label AS
            SELECT d.*, t.person_id AS {_LABEL} FROM daftar d
            LEFT JOIN truth_input t ON d.unique_id = t.list_id;
            CREATE TABLE populasi_label AS SELECT *, unique_id AS {_LABEL} FROM populasi"""
    )
    db_api = DuckDBAPI(con)
    u_linker = Linker(
        [db_api.register("daftar"), db_api.register("bukan_daftar")],
        untrained_settings("link_only"),
        log_level=None,
    )
    u_linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=seed)
    m_linker = Linker(
        [db_api.register("daftar_label"), db_api.register("populasi_label")],
        u_linker.misc.save_model_to_json(),
        log_level=None,
    )
    m_linker.training.estimate_m_from_label_column(_LABEL)
    model: dict[str, Any] = m_linker.misc.save_model_to_json()
    con.close()
    return _with_floors(model)


def _with_floors(model: dict[str, Any]) -> dict[str, Any]:
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            level["m_probability"] = max(float(level.get("m_probability") or 0.0), M_FLOOR)
            level["u_probability"] = float(level.get("u_probability") or 1.0 / U_PAIRS)
    return model


def write_settings(model: dict[str, Any], path: Path = SETTINGS_PATH) -> None:
    model = {key: value for key, value in model.items() if key != "linker_uid"}
    path.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

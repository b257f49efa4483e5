"""Link a list of persons to a reference table, or find the duplicates inside one list.

Linking: a plain DuckDB join on NIK finds the exact pairs first; Splink scores them (so each
gets an explanation and a mistyped NIK that happens to be someone else's is caught), and only
the rows without a convincing exact pair go through Splink's fuzzy blocking against the
whole reference. Each left row keeps its best candidate; two thresholds turn the probability
into `match`, `review` or `no_match`. A row whose two best candidates both pass the match
threshold is sent to review: the reference itself holds a duplicate.

Dedupe: Splink scores the pairs sharing a NIK and the pairs its fuzzy blocking finds; its
connected components turn the pairs at or above the match threshold into clusters.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.clustering import cluster_pairwise_predictions_at_threshold

from lindung.engine.linkage import model
from lindung.engine.linkage.explain import explanation_sql, level_label_sql
from lindung.engine.linkage.prepare import prepare

# Share of left rows expected to be somewhere in the reference, and of list rows expected to
# have a duplicate; they set the prior, which must shrink as the tables grow.
LINK_MATCH_SHARE = 0.9
DEDUPE_SHARE = 0.05
_LEFT, _RIGHT = "kiri", "kanan"
NO_CANDIDATE = "Tidak ada data pembanding yang cukup mirip."


@dataclass(frozen=True)
class Thresholds:
    """Match probability at or above `match` is a match, at or above `review` a review."""

    match: float = 0.99
    review: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.match <= 1.0:
            raise ValueError("need 0 <= review <= match <= 1")


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)


@dataclass(frozen=True)
class LinkResult:
    """`best`: left_id, right_id, match_probability, decision, explanation; one row per left
    row in input order."""

    best: pa.Table
    counts: dict[str, int]
    seconds: dict[str, float]


@dataclass(frozen=True)
class DedupeResult:
    """`clusters`: id, cluster_id; one row per input row in input order."""

    clusters: pa.Table
    counts: dict[str, int]
    seconds: dict[str, float]


def connect(
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to `temp_directory` instead of running out of memory."""
    con = duckdb.connect()
    # Output order comes from explicit ORDER BYs; without this DuckDB keeps more in memory.
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    spill = temp_directory or tempfile.gettempdir()
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET enable_progress_bar = false")
    return con


def link(
    left: Any,
    right: Any,
    *,
    thresholds: Thresholds | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    reference_date: date | None = None,
) -> LinkResult:
    """Best reference row for each row of `left`; see the module docstring."""
    thresholds = thresholds or Thresholds()
    con = con or connect()
    timings = Timings()
    with timings.step("prepare"):
        n_left = prepare(con, left, "lhs", label="data kiri", reference_date=reference_date)
        n_right = prepare(con, right, "rhs", label="data kanan", reference_date=reference_date)
    with timings.step("exact_nik"):
        con.execute(
            """CREATE OR REPLACE TABLE exact_pairs AS
               SELECT l.unique_id AS left_id, r.unique_id AS right_id
               FROM lhs l JOIN rhs r ON l.nik = r.nik"""
        )
    db_api = DuckDBAPI(con)
    prior = min(0.5, LINK_MATCH_SHARE / max(n_right, 1))
    settings = model.settings("link_only", prior)
    with timings.step("score_exact"):
        _score_exact(
            con, db_api, model.settings("link_only", prior, blocking=model.exact_nik_rules())
        )
    with timings.step("score_rest"):
        _score_rest(con, db_api, settings, thresholds)
    with timings.step("decide"):
        best = _decide(con, thresholds, settings)
    exact = con.execute("SELECT count(DISTINCT left_id) FROM exact_pairs").fetchone()
    counts = {"left": n_left, "right": n_right, "exact_nik": int(exact[0]) if exact else 0}
    con.register("best_result", best)
    decided = dict(
        con.execute("SELECT decision, count(*) FROM best_result GROUP BY ALL").fetchall()
    )
    for decision in ("match", "review", "no_match"):
        counts[decision] = int(decided.get(decision, 0))
    timings.seconds["total"] = round(sum(timings.seconds.values()), 3)
    return LinkResult(best, counts, timings.seconds)


def _register(
    db_api: DuckDBAPI, con: duckdb.DuckDBPyConnection, sql: str, name: str, step: str
) -> Any:
    # Splink puts the table whose name sorts first on the `l` side of its joins; the
    # blocking rules that test only `l` expect the list there, hence "1" before "2".
    physical = f"{step}_{name}"
    con.execute(f"CREATE OR REPLACE TABLE {physical} AS {sql}")
    return db_api.register(physical, dataset_display_name=name, table_name=physical)


def _predict(
    db_api: DuckDBAPI,
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    tables: tuple[str, str],
    output: str,
) -> None:
    """Splink's scores for `tables` (left, right SQL) into `output`, oriented left to right."""
    registered = [
        _register(db_api, con, tables[0], _LEFT, f"{output}_1"),
        _register(db_api, con, tables[1], _RIGHT, f"{output}_2"),
    ]
    linker = Linker(registered, settings, log_level=None)
    scored = linker.inference.predict(warning_mode="never")
    weights = ", ".join(f"gamma_{c} , mw_{c}" for c in _comparison_names(settings))
    con.execute(
        f"""CREATE OR REPLACE TABLE {output} AS
            SELECT
                CASE WHEN source_dataset_l = '{_LEFT}' THEN unique_id_l ELSE unique_id_r END
                    AS left_id,
                CASE WHEN source_dataset_l = '{_LEFT}' THEN unique_id_r ELSE unique_id_l END
                    AS right_id,
                match_probability, match_weight, {weights}
            FROM {scored.physical_name}"""
    )
    # Splink's intermediate tables (blocked pairs, comparison vectors) would hold memory.
    db_api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]


def _comparison_names(settings: dict[str, Any]) -> list[str]:
    return [str(c["output_column_name"]) for c in settings["comparisons"]]


def _score_exact(
    con: duckdb.DuckDBPyConnection, db_api: DuckDBAPI, settings: dict[str, Any]
) -> None:
    _predict(
        db_api,
        con,
        settings,
        (
            "SELECT * FROM lhs WHERE unique_id IN (SELECT left_id FROM exact_pairs)",
            "SELECT * FROM rhs WHERE unique_id IN (SELECT right_id FROM exact_pairs)",
        ),
        "scored_exact",
    )


def _score_rest(
    con: duckdb.DuckDBPyConnection,
    db_api: DuckDBAPI,
    settings: dict[str, Any],
    thresholds: Thresholds,
) -> None:
    _predict(
        db_api,
        con,
        settings,
        (
            # A typo can turn a NIK into someone else's: an exact pair whose names disagree
            # is searched further, and the better candidate wins in `_decide`.
            f"""SELECT * FROM lhs WHERE unique_id NOT IN (
                    SELECT left_id FROM scored_exact
                    WHERE match_probability >= {thresholds.match} AND mw_nama > 0)""",
            "SELECT * FROM rhs",
        ),
        "scored_rest",
    )


def _decide(
    con: duckdb.DuckDBPyConnection, thresholds: Thresholds, settings: dict[str, Any]
) -> pa.Table:
    # `share`: the probability that the best candidate is the one, given that one of the
    # candidates is; two near-equal candidates (a duplicate in the reference) both get ~0.5.
    con.execute(
        """CREATE OR REPLACE TABLE ranked AS
           WITH pairs AS (
               SELECT DISTINCT ON (left_id, right_id) *
               FROM (FROM scored_exact UNION ALL BY NAME FROM scored_rest)
           ),
           odds AS (
               SELECT *, pow(2.0, match_weight - max(match_weight) OVER w) AS odds,
                   row_number() OVER (w ORDER BY match_probability DESC, right_id) AS rank
               FROM pairs WINDOW w AS (PARTITION BY left_id)
           )
           SELECT *, odds / sum(odds) OVER (PARTITION BY left_id) AS share FROM odds"""
    )
    return con.execute(
        f"""
        WITH decided AS (
            SELECT *, CASE
                WHEN match_probability >= {thresholds.match} AND share >= {thresholds.match}
                    THEN 'match'
                WHEN match_probability >= {thresholds.review} THEN 'review'
                ELSE 'no_match' END AS decision
            FROM ranked WHERE rank = 1
        )
        SELECT
            l.unique_id AS left_id,
            CASE WHEN d.decision <> 'no_match' THEN d.right_id END AS right_id,
            round(coalesce(d.match_probability, 0.0), 6) AS match_probability,
            coalesce(d.decision, 'no_match') AS decision,
            CASE WHEN d.right_id IS NULL THEN '{NO_CANDIDATE}'
                 WHEN d.decision = 'no_match'
                 THEN 'Calon terdekat ' || d.right_id || '. ' || {explanation_sql(settings, "d")}
                 ELSE {explanation_sql(settings, "d")} END AS explanation
        FROM lhs l LEFT JOIN decided d ON l.unique_id = d.left_id
        ORDER BY l.row_number
        """
    ).fetch_arrow_table()


def score_pairs(
    left: Any,
    right: Any,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    reference_date: date | None = None,
) -> pa.Table:
    """Every row of `left` against every row of `right`, without blocking: for each pair the
    level of each comparison (`level_nik`, `level_nama`, ...), its weight (`mw_*`), the
    probability, the explanation and whether the blocking rules would have found the pair.
    For small tables: tests, and showing a verifier one pair."""
    con = con or connect()
    prepare(con, left, "pair_lhs", label="data kiri", reference_date=reference_date)
    n_right = prepare(con, right, "pair_rhs", label="data kanan", reference_date=reference_date)
    db_api = DuckDBAPI(con)
    settings = model.settings("link_only", min(0.5, LINK_MATCH_SHARE / max(n_right, 1)))
    tables = [db_api.register(name, table_name=name) for name in ("pair_lhs", "pair_rhs")]
    linker = Linker(tables, settings, log_level=None)
    scored = linker.inference.score_pairs(
        tables[0], tables[1], include_found_by_blocking_rules=True
    )
    names = [str(c["output_column_name"]) for c in settings["comparisons"]]
    levels = ", ".join(
        f"{level_label_sql(c, 's')} AS level_{name}, s.mw_{name}"
        for c, name in zip(settings["comparisons"], names, strict=True)
    )
    return con.execute(
        f"""SELECT s.unique_id_l AS left_id, s.unique_id_r AS right_id, s.match_probability,
                   s.match_weight, {levels}, {explanation_sql(settings, "s")} AS explanation,
                   s.found_by_blocking_rules
            FROM {scored.physical_name} s ORDER BY left_id, right_id"""
    ).fetch_arrow_table()


def dedupe(
    table: Any,
    *,
    threshold: float = Thresholds().match,
    con: duckdb.DuckDBPyConnection | None = None,
    reference_date: date | None = None,
) -> DedupeResult:
    """Clusters of rows of `table` that are the same person; see the module docstring."""
    con = con or connect()
    timings = Timings()
    with timings.step("prepare"):
        n = prepare(con, table, "rows", label="data", reference_date=reference_date)
    with timings.step("exact_nik"):
        exact = con.execute(
            """SELECT count(*) FROM rows a JOIN rows b
               ON a.nik = b.nik AND a.unique_id < b.unique_id"""
        ).fetchone()
    db_api = DuckDBAPI(con)
    with timings.step("score"):
        # Same NIK is scored too: a mistyped NIK can be another listed person's.
        settings = model.settings(
            "dedupe_only",
            min(0.5, DEDUPE_SHARE / max(n, 1)),
            blocking=model.exact_nik_rules() + model.fuzzy_rules(),
        )
        linker = Linker(db_api.register("rows"), settings, log_level=None)
        scored = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        con.execute(
            f"""CREATE OR REPLACE TABLE edges AS
                SELECT unique_id_l, unique_id_r, match_probability FROM {scored.physical_name}"""
        )
    with timings.step("cluster"):
        clusters = cluster_pairwise_predictions_at_threshold(
            "rows",
            "edges",
            db_api,
            node_id_column_name="unique_id",
            edge_id_column_name_left="unique_id_l",
            edge_id_column_name_right="unique_id_r",
            threshold_match_probability=threshold,
        )
        result = con.execute(
            f"""SELECT r.unique_id AS id, c.cluster_id
                FROM rows r JOIN {clusters.physical_name} c USING (unique_id)
                ORDER BY r.row_number"""
        ).fetch_arrow_table()
    sizes = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE size > 1) FROM (
                SELECT count(*) AS size FROM {clusters.physical_name} GROUP BY cluster_id)"""
    ).fetchone()
    counts = {
        "rows": n,
        "exact_nik_pairs": int(exact[0]) if exact else 0,
        "clusters": int(sizes[0]) if sizes else 0,
        "clusters_with_duplicates": int(sizes[1]) if sizes else 0,
    }
    timings.seconds["total"] = round(sum(timings.seconds.values()), 3)
    return DedupeResult(result, counts, timings.seconds)

"""The same model on Splink's Spark backend, for national-scale references.

The columns are prepared in DuckDB (`prepare_for_spark` writes them as Parquet, which a
cluster reads from shared storage); Spark does the blocking and scoring with the committed
m and u translated to Spark SQL, and the best candidate per left row is chosen as in
`link.link`. Needs the `spark` extra (pyspark) and Java 17; see docs/linkage.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from lindung.engine.linkage import model
from lindung.engine.linkage.explain import explanation_sql
from lindung.engine.linkage.link import LINK_MATCH_SHARE, Thresholds
from lindung.engine.linkage.prepare import prepare


def prepare_for_spark(
    table: Any, path: Path, *, label: str, reference_date: date | None = None
) -> int:
    """Check and prepare `table` like `link` does and write it to `path` as Parquet."""
    con = duckdb.connect()
    count = prepare(con, table, "prepared", label=label, reference_date=reference_date)
    con.execute(f"COPY prepared TO '{path}' (FORMAT parquet)")
    con.close()
    return count


def spark_session(
    checkpoint_dir: str, app_name: str = "lindung-link", master: str = "local[2]"
) -> Any:
    """A local Spark session with Splink's similarity functions (Jaro-Winkler, Damerau)
    loaded; Splink checkpoints its intermediate tables into `checkpoint_dir`. On a cluster,
    build the session there with the same `spark.jars` and checkpoint directory."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    spark = (
        SparkSession.builder.appName(app_name)
        .master(master)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(checkpoint_dir)
    return spark


def link_on_spark(
    spark: Any,
    left_path: str,
    right_path: str,
    *,
    thresholds: Thresholds | None = None,
) -> Any:
    """A Spark DataFrame like `LinkResult.best`, from two `prepare_for_spark` files."""
    from splink import Linker, SparkAPI

    thresholds = thresholds or Thresholds()
    db_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
    left = spark.read.parquet(left_path)
    right = spark.read.parquet(right_path)
    prior = min(0.5, LINK_MATCH_SHARE / max(right.count(), 1))
    settings = model.settings(
        "link_only", prior, "spark", blocking=model.exact_nik_rules() + model.fuzzy_rules()
    )
    # As in link.py: the list must sort first to sit on the `l` side of the joins.
    tables = [
        db_api.register(left, table_name="t1_kiri", dataset_display_name="kiri"),
        db_api.register(right, table_name="t2_kanan", dataset_display_name="kanan"),
    ]
    scored = Linker(tables, settings, log_level=None).inference.predict(warning_mode="never")
    scored.as_spark_dataframe().createOrReplaceTempView("lindung_scored")
    left.createOrReplaceTempView("lindung_left")
    return spark.sql(_best_sql(settings, thresholds))


def _best_sql(settings: dict[str, Any], thresholds: Thresholds) -> str:
    return f"""
        WITH odds AS (
            SELECT *,
                pow(2.0, match_weight - max(match_weight) OVER (PARTITION BY unique_id_l)) AS odds,
                row_number() OVER (
                    PARTITION BY unique_id_l ORDER BY match_probability DESC, unique_id_r
                ) AS rank
            FROM lindung_scored
        ),
        ranked AS (
            SELECT *, odds / sum(odds) OVER (PARTITION BY unique_id_l) AS share FROM odds
        ),
        decided AS (
            SELECT *, unique_id_r AS right_id, CASE
                WHEN match_probability >= {thresholds.match} AND share >= {thresholds.match}
                    THEN 'match'
                WHEN match_probability >= {thresholds.review} THEN 'review'
                ELSE 'no_match' END AS decision
            FROM ranked WHERE rank = 1
        )
        SELECT l.unique_id AS left_id,
            CASE WHEN d.decision <> 'no_match' THEN d.right_id END AS right_id,
            round(coalesce(d.match_probability, 0.0), 6) AS match_probability,
            coalesce(d.decision, 'no_match') AS decision,
            {explanation_sql(settings, "d")} AS explanation
        FROM lindung_left l LEFT JOIN decided d ON l.unique_id = d.unique_id_l
    """

"""The committed model on Splink's Spark backend, in local mode. Runs only with pyspark and
Java installed (`uv sync --extra spark`); takes about half a minute, most of it JVM start-up."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from lindung.engine.linkage.link import link

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
        reason="pyspark or Java missing: install the spark extra and Java 17 to run this",
    ),
]

REFERENCE: list[dict[str, Any]] = [
    {
        "id": "R1",
        "nik": "3201010101900001",
        "nama": "Muhammad Rizki",
        "tanggal_lahir": "1990-01-01",
        "jenis_kelamin": "L",
        "kode_wilayah": "32.01.01.2001",
    },
    {
        "id": "R2",
        "nik": "3201014503850002",
        "nama": "Siti Aminah",
        "tanggal_lahir": "1985-03-05",
        "jenis_kelamin": "P",
        "kode_wilayah": "32.01.01.2001",
    },
]
LIST: list[dict[str, Any]] = [
    {
        "id": "L1",
        "nik": "3201010101900001",
        "nama": "M. Rizki",
        "tanggal_lahir": "01-01-1990",
        "jenis_kelamin": "L",
        "kode_wilayah": "32.01.01.2001",
    },
    {
        "id": "L2",
        "nik": "3201014503580002",
        "nama": "St. Aminah",
        "tanggal_lahir": "1985-05-03",
        "jenis_kelamin": "P",
        "kode_wilayah": None,
    },
    {
        "id": "L3",
        "nik": None,
        "nama": "Yohanes Tandi",
        "tanggal_lahir": "1970-07-07",
        "jenis_kelamin": "L",
        "kode_wilayah": "73.71.01.1001",
    },
]


def test_spark_gives_the_same_decisions_as_duckdb(tmp_path: Path):
    from lindung.engine.linkage.spark import link_on_spark, prepare_for_spark, spark_session

    left, right = pa.Table.from_pylist(LIST), pa.Table.from_pylist(REFERENCE)
    prepare_for_spark(left, tmp_path / "left.parquet", label="kiri")
    prepare_for_spark(right, tmp_path / "right.parquet", label="kanan")
    spark = spark_session(str(tmp_path / "checkpoints"), master="local[1]")
    try:
        rows = link_on_spark(
            spark, str(tmp_path / "left.parquet"), str(tmp_path / "right.parquet")
        ).collect()
    finally:
        spark.stop()
    on_spark = {r["left_id"]: (r["right_id"], r["decision"]) for r in rows}
    on_duckdb = {
        r["left_id"]: (r["right_id"], r["decision"]) for r in link(left, right).best.to_pylist()
    }
    assert (
        on_spark
        == on_duckdb
        == {
            "L1": ("R1", "match"),
            "L2": ("R2", "match"),
            "L3": (None, "no_match"),
        }
    )

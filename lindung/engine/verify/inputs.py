"""The verification's inputs as DuckDB views with fixed column names and types.

Callers pass Arrow tables (or anything DuckDB scans); optional columns may be left out and
read as NULL, so tests and scripts need only the columns a rule looks at. Nothing is copied:
each input is registered and read through a view.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from lindung.engine.verify.codes import VerifyInputError

_PROPOSAL_COLUMNS = {
    "proposal_id": "BIGINT",
    "nik": "VARCHAR",
    "nama": "VARCHAR",
    "tanggal_lahir": "DATE",
    "jenis_kelamin": "VARCHAR",
    "kode_wilayah": "VARCHAR",
    "domisili": "VARCHAR",
    "pekerjaan_id": "BIGINT",
    "pekerjaan": "VARCHAR",
    "period_id": "BIGINT",
    "programme_id": "BIGINT",
    "created_at": "TIMESTAMP",
}
_POSITION = "__position"
REFERENCE_COLUMNS = {
    "id": "BIGINT",
    "nik": "VARCHAR",
    "nama": "VARCHAR",
    "tanggal_lahir": "DATE",
    "jenis_kelamin": "VARCHAR",
    "kode_wilayah": "VARCHAR",
    "kk": "VARCHAR",
    "desil": "INTEGER",
    "kpj": "VARCHAR",
    "segmen": "VARCHAR",
    "aktif": "BOOLEAN",
    "kategori": "VARCHAR",
    "tanggal_kejadian": "DATE",
    "program": "VARCHAR",
}
_MEMBER_COLUMNS = {"id": "BIGINT", "nik": "VARCHAR", "programme_id": "BIGINT"}
_OTHER_PROPOSAL_COLUMNS = {
    "proposal_id": "BIGINT",
    "nik": "VARCHAR",
    "kode_wilayah": "VARCHAR",
    "period_id": "BIGINT",
}
# Which columns each input must have; the rest may be missing.
_REQUIRED = {
    "proposals": ("proposal_id", "nik", "nama"),
    "reference": ("id", "nik", "nama"),
    "members": ("nik", "programme_id"),
    "other_proposals": ("proposal_id", "nik", "kode_wilayah"),
}
_LABELS = {
    "proposals": "data usulan",
    "welfare": "data kesejahteraan",
    "bpjs": "data BPJS Ketenagakerjaan",
    "programme": "data program lain",
    "exclusion": "daftar pengecualian",
    "death": "data kematian",
    "members": "data peserta",
    "other_proposals": "data usulan desa lain",
}
SEX_SQL = """CASE upper(trim(CAST({column} AS VARCHAR)))
    WHEN 'L' THEN 'L' WHEN 'LAKI-LAKI' THEN 'L' WHEN 'LAKI LAKI' THEN 'L'
    WHEN 'P' THEN 'P' WHEN 'PEREMPUAN' THEN 'P' END"""
# A NIK good enough to join on: 16 digits, not all zeros.
NIK_JOIN_SQL = """CASE WHEN regexp_full_match({column}, '[0-9]{{16}}')
    AND {column} <> '0000000000000000' THEN {column} END"""


def register(con: duckdb.DuckDBPyConnection, table: Any, name: str, kind: str) -> None:
    """Register `table` as the view `name` with the columns of `kind`, missing ones NULL."""
    columns = {
        "proposals": _PROPOSAL_COLUMNS,
        "members": _MEMBER_COLUMNS,
        "other_proposals": _OTHER_PROPOSAL_COLUMNS,
    }.get(kind, REFERENCE_COLUMNS)
    given = _column_names(table)
    missing = [c for c in _REQUIRED.get(kind, _REQUIRED["reference"]) if c not in given]
    if missing:
        raise VerifyInputError(
            f"Kolom {', '.join(missing)} tidak ada di {_LABELS[kind]}; kolom yang dibutuhkan: "
            f"{', '.join(columns)}."
        )
    if kind == "proposals":
        # Results come back in input order; DuckDB scans in parallel and keeps no order.
        table = table if isinstance(table, pa.Table) else pa.table(table)
        table = table.append_column(_POSITION, pa.array(np.arange(table.num_rows)))
    con.register(f"{name}_input", table)
    selects = ", ".join(
        f"{_source_sql(column, type_, given)} AS {column}" for column, type_ in columns.items()
    )
    view = f"SELECT {selects} FROM {name}_input"
    if kind == "proposals":
        # Until addresses carry their own village, the proposing village is the domicile.
        view = f"""SELECT * REPLACE (coalesce(domisili, kode_wilayah) AS domisili)
                   FROM (SELECT {selects}, {_POSITION} AS position FROM {name}_input)"""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {view}")


def _source_sql(column: str, type_: str, given: list[str]) -> str:
    source = column
    # Programme snapshots carry the programme's name in `detail`.
    if column == "program" and column not in given and "detail" in given:
        source = "detail"
    elif column not in given:
        return f"NULL::{type_}"
    if type_ == "VARCHAR":
        return f"nullif(trim(CAST({source} AS VARCHAR)), '')"
    if type_ in ("DATE", "BOOLEAN", "TIMESTAMP"):
        return f"TRY_CAST({source} AS {type_})"
    return f"CAST({source} AS {type_})"


def check_proposals(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """The number of proposals; raises when an id is missing or used twice."""
    row = con.execute(
        f"""SELECT count(*), count(*) - count(proposal_id),
                   count(proposal_id) - count(DISTINCT proposal_id)
            FROM {name}"""
    ).fetchone()
    assert row is not None
    total, empty, repeated = (int(v) for v in row)
    if empty:
        raise VerifyInputError(f"{empty} usulan tanpa proposal_id; setiap usulan perlu ID.")
    if repeated:
        raise VerifyInputError(
            f"{repeated} proposal_id dipakai lebih dari sekali; setiap usulan perlu ID sendiri."
        )
    return total


def _column_names(table: Any) -> list[str]:
    if isinstance(table, pa.Table):
        return [str(c) for c in table.column_names]
    return [str(c) for c in getattr(table, "columns", [])]

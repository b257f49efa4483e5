"""Finding each proposal in the reference lists.

Welfare registry: the linkage engine (`engine.linkage.link`) for every proposal: exact NIK
first, Splink for the rest, so a mistyped NIK still finds the registry record; its decision
(match / review / no_match) drives NOT_IN_REGISTRY, DESIL_ABOVE_LIMIT and UNCERTAIN_MATCH.

BPJS, other programmes, exclusions, deaths: an exact join on the proposal's NIK and, when the
registry matched the proposal under another NIK, on the registry's NIK too (cheap, and it
catches a mistyped NIK of anyone in the registry). Every exact pair has its names compared;
the proposals with neither a good exact pair nor a registry match then go through the
linkage engine against the list, which finds people outside the registry whose NIK was
mistyped or left empty. Lists larger than `FUZZY_MAX_ROWS` get the exact joins only (see
docs/verification.md for the reasons and the cost).

Everything lands in one table, `verify_hits`: proposal_id, kind, ref_id, via ('nik',
'registry', 'linkage'), decision ('match' / 'review'), score, explanation, name_far.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from lindung.engine.linkage.link import Thresholds, link
from lindung.engine.names import normalize_names
from lindung.engine.verify.inputs import NIK_JOIN_SQL, SEX_SQL

FUZZY_MAX_ROWS = 2_000_000
# The engine's prior assumes 90 % of a list is in the reference, right for the registry;
# perhaps 5 % of proposals are on a BPJS, exclusion or death list, 18 times fewer. These
# thresholds ask the same odds of such a pair as 0.99 / 0.5 would under that prior.
LIST_THRESHOLDS = Thresholds(match=0.9995, review=0.95)
# "Very different" names: Jaro-Winkler below this on the normalised names and no word shared.
NAME_FAR_BELOW = 0.7
_LINK_COLUMNS = "id, nik, nama, tanggal_lahir, jenis_kelamin, kode_wilayah"
EXPLAIN_NIK = "NIK sama."
EXPLAIN_REGISTRY_NIK = (
    "NIK sama dengan NIK orang ini di data kesejahteraan (NIK yang diusulkan berbeda)."
)


def create_hits(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE OR REPLACE TEMP TABLE verify_hits (
               proposal_id BIGINT, kind VARCHAR, ref_id BIGINT, via VARCHAR, decision VARCHAR,
               score DOUBLE, explanation VARCHAR, name_far BOOLEAN)"""
    )


def normalise_proposal_names(con: duckdb.DuckDBPyConnection) -> None:
    """`verify_names`: proposal_id -> normalised name; each distinct name visits Python once."""
    _name_table(con, "SELECT DISTINCT nama FROM verify_prop", "verify_prop_names")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE verify_names AS
           SELECT p.proposal_id, n.norm AS nama_norm
           FROM verify_prop p LEFT JOIN verify_prop_names n ON p.nama = n.raw"""
    )


def _name_table(con: duckdb.DuckDBPyConnection, distinct_sql: str, target: str) -> None:
    raw = con.execute(distinct_sql).fetch_arrow_table().column(0).to_pylist()
    names = pa.table(
        {"raw": pa.array(raw, pa.string()), "norm": pa.array(normalize_names(raw), pa.string())}
    )
    con.register(f"{target}_input", names)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {target} AS FROM {target}_input")
    con.unregister(f"{target}_input")


def link_welfare(con: duckdb.DuckDBPyConnection, reference_date: date) -> dict[str, int]:
    """`verify_welfare`: one row per proposal with the registry's best candidate."""
    _link_view(con, "verify_ref_welfare", "verify_link_right")
    result = _link(con, "SELECT * FROM verify_link_left", reference_date)
    con.register("verify_welfare_input", result.best)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE verify_welfare AS
           SELECT CAST(b.left_id AS BIGINT) AS proposal_id,
                  CAST(b.right_id AS BIGINT) AS welfare_id,
                  b.match_probability AS score, b.decision, b.explanation,
                  w.nik AS welfare_nik, w.nama AS welfare_name, w.desil
           FROM verify_welfare_input b
           LEFT JOIN verify_ref_welfare w ON w.id = CAST(b.right_id AS BIGINT)"""
    )
    con.unregister("verify_welfare_input")
    con.execute(
        """INSERT INTO verify_hits
           SELECT proposal_id, 'welfare', welfare_id, 'linkage', decision, score, explanation,
                  NULL
           FROM verify_welfare WHERE decision IN ('match', 'review')"""
    )
    return {k: v for k, v in result.counts.items() if k in ("match", "review", "no_match")}


def create_candidate_niks(con: duckdb.DuckDBPyConnection) -> None:
    """`verify_niks`: the NIKs a proposal is looked up under; first its own."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE verify_niks AS
           SELECT proposal_id, nik, 'nik' AS via FROM verify_nik WHERE nik IS NOT NULL"""
    )


def add_registry_niks(con: duckdb.DuckDBPyConnection) -> None:
    """The registry's NIK for proposals it matched under another one."""
    registry_nik = NIK_JOIN_SQL.format(column="w.welfare_nik")
    con.execute(
        f"""INSERT INTO verify_niks
            SELECT * FROM (
                SELECT w.proposal_id, {registry_nik} AS nik, 'registry'
                FROM verify_welfare w JOIN verify_nik n USING (proposal_id)
                WHERE w.decision = 'match' AND {registry_nik} IS DISTINCT FROM n.nik)
            WHERE nik IS NOT NULL"""
    )


def exact_hits(con: duckdb.DuckDBPyConnection, kind: str, *, far_only: bool = False) -> None:
    """Pairs of a proposal and a record of `verify_ref_{kind}` sharing a NIK, with a name
    check; `far_only` keeps only the pairs whose names are very different."""
    source = f"verify_ref_{kind}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE verify_exact AS
            SELECT c.proposal_id, r.id AS ref_id, c.via, r.nama
            FROM verify_niks c
            JOIN (SELECT id, {NIK_JOIN_SQL.format(column="nik")} AS nik, nama FROM {source}) r
              ON r.nik = c.nik
            {"WHERE c.via = 'nik'" if far_only else ""}"""
    )
    _name_table(con, "SELECT DISTINCT nama FROM verify_exact", "verify_exact_names")
    far = f"""n.norm <> '' AND p.nama_norm <> ''
              AND jaro_winkler_similarity(n.norm, p.nama_norm) < {NAME_FAR_BELOW}
              AND len(list_intersect(string_split(n.norm, ' '),
                                     string_split(p.nama_norm, ' '))) = 0"""
    explanation = f"CASE e.via WHEN 'nik' THEN '{EXPLAIN_NIK}' ELSE '{EXPLAIN_REGISTRY_NIK}' END"
    con.execute(
        f"""INSERT INTO verify_hits
            SELECT * FROM (
                SELECT e.proposal_id, '{kind}', e.ref_id, e.via, 'match', NULL,
                       {explanation}, coalesce({far}, false) AS name_far
                FROM verify_exact e
                JOIN verify_names p USING (proposal_id)
                LEFT JOIN verify_exact_names n ON n.raw = e.nama
            ) {"WHERE name_far" if far_only else ""}"""
    )
    con.execute("DROP TABLE verify_exact; DROP TABLE verify_exact_names")


def fuzzy_hits(
    con: duckdb.DuckDBPyConnection, kind: str, reference_date: date, *, has_welfare: bool
) -> dict[str, int]:
    """The linkage engine for the proposals the exact joins could not settle: no good exact
    pair in `kind`, and no registry match (a registry match already gave the right NIK)."""
    rows = con.execute(f"SELECT count(*) FROM verify_ref_{kind}").fetchone()
    if not rows or rows[0] == 0 or rows[0] > FUZZY_MAX_ROWS:
        return {}
    placed = (
        "UNION ALL SELECT proposal_id FROM verify_welfare WHERE decision = 'match'"
        if has_welfare
        else ""
    )
    left = f"""SELECT * FROM verify_link_left WHERE id NOT IN (
                   SELECT proposal_id FROM verify_hits
                   WHERE kind = '{kind}' AND decision = 'match' AND NOT name_far
                   {placed})"""
    _link_view(con, f"verify_ref_{kind}", "verify_link_right")
    result = _link(con, left, reference_date, LIST_THRESHOLDS)
    con.register("verify_fuzzy_input", result.best)
    con.execute(
        f"""INSERT INTO verify_hits
            SELECT CAST(left_id AS BIGINT), '{kind}', CAST(right_id AS BIGINT), 'linkage',
                   decision, match_probability, explanation, NULL
            FROM verify_fuzzy_input WHERE decision IN ('match', 'review')"""
    )
    con.unregister("verify_fuzzy_input")
    return {k: v for k, v in result.counts.items() if k in ("left", "match", "review")}


def create_link_left(con: duckdb.DuckDBPyConnection) -> None:
    """The proposals as the linkage engine reads them: the NIK as cleaned by the NIK rules,
    the sex only when it is one the engine knows."""
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW verify_link_left AS
            SELECT p.proposal_id AS id, n.nik, p.nama, p.tanggal_lahir,
                   {SEX_SQL.format(column="p.jenis_kelamin")} AS jenis_kelamin, p.kode_wilayah
            FROM verify_prop p JOIN verify_nik n USING (proposal_id)"""
    )


def _link_view(con: duckdb.DuckDBPyConnection, source: str, target: str) -> None:
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {target} AS
            SELECT id, nik, nama, tanggal_lahir,
                   {SEX_SQL.format(column="jenis_kelamin")} AS jenis_kelamin, kode_wilayah
            FROM {source} WHERE id IS NOT NULL"""
    )


@dataclass(frozen=True)
class _Linked:
    best: pa.Table
    counts: dict[str, int]


def _link(
    con: duckdb.DuckDBPyConnection,
    left_sql: str,
    reference_date: date,
    thresholds: Thresholds | None = None,
) -> _Linked:
    """`link` of `left_sql` against `verify_link_right` in this connection, leaving none of
    its working tables behind (they hold the whole prepared reference)."""
    counts = con.execute(
        f"SELECT (SELECT count(*) FROM ({left_sql})), (SELECT count(*) FROM verify_link_right)"
    ).fetchone()
    if not counts or not counts[0] or not counts[1]:
        # Splink needs rows on both sides; with none there is nothing to find.
        best = con.execute(
            f"""SELECT CAST(id AS VARCHAR) AS left_id, NULL::VARCHAR AS right_id,
                       0.0::DOUBLE AS match_probability, 'no_match' AS decision,
                       NULL::VARCHAR AS explanation FROM ({left_sql})"""
        ).fetch_arrow_table()
        return _Linked(best, {"no_match": best.num_rows})
    with scratch(con):
        result = link(
            con.sql(left_sql).select(_LINK_COLUMNS),
            con.table("verify_link_right"),
            con=con,
            reference_date=reference_date,
            thresholds=thresholds,
        )
    return _Linked(result.best, result.counts)


@contextmanager
def scratch(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Drops every table and view (registered inputs included) created inside the block."""
    before = _objects(con)
    try:
        yield
    finally:
        for name, type_ in _objects(con) - before:
            con.execute(f"DROP {type_} IF EXISTS {name}")


def _objects(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    rows = con.execute(
        """SELECT table_name, 'TABLE' FROM duckdb_tables()
           UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal"""
    ).fetchall()
    return {(str(name), str(type_)) for name, type_ in rows}

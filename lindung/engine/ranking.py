"""Ranking eligible proposals into places and a waiting list: one DuckDB query, no Django.

Input, one row per eligible proposal (`candidates`):
  proposal_id BIGINT, nik VARCHAR, quota_area VARCHAR, desil SMALLINT (NULL = unknown),
  birth_date DATE, created_at TIMESTAMP
and, optionally, places already taken per quota area by active members (`taken`):
  quota_area VARCHAR, taken BIGINT.

Order: the programme's priority criteria in its order, then the earliest proposal, then the
lowest id, so the same input always gives the same ranking. Steps, all set-based:
1. a person proposed twice (two villages) keeps only their better-ranked proposal
   (`reason = 'duplicate'` for the other, which never gets a place nor a waiting rank);
2. within each quota area the first `quota - taken` get a place (`quota` None: all);
3. the budget pays for `capacity` places in all: the best-ranked across the whole programme
   keep their place, the rest lose it to the budget (`reason = 'budget'`);
4. everyone without a place gets a waiting rank within their quota area (1 = next).

Output columns: proposal_id, quota_area, area_rank, selected, reason ('' / 'quota' /
'budget' / 'duplicate'), waiting_rank (NULL when selected or duplicate).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

ORDER_BY = {
    "lowest_desil": "desil ASC NULLS LAST",
    "oldest": "birth_date ASC NULLS LAST",
    "youngest": "birth_date DESC NULLS LAST",
    "earliest_proposal": "created_at ASC",
}
CANDIDATE_COLUMNS = ("proposal_id", "nik", "quota_area", "desil", "birth_date", "created_at")


class RankingError(ValueError):
    """The input cannot be ranked; the message says why."""


def rank(
    candidates: pa.Table,
    *,
    priority: Sequence[str],
    quota: int | None,
    capacity: int | None,
    taken: pa.Table | None = None,
) -> pa.Table:
    """Places and waiting ranks for `candidates` (see the module text)."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.column_names]
    if missing:
        raise RankingError(f"kolom kandidat tidak ada: {', '.join(missing)}")
    unknown = [p for p in priority if p not in ORDER_BY]
    if unknown:
        raise RankingError(f"urutan prioritas tidak dikenal: {', '.join(unknown)}")
    if (quota is not None and quota < 0) or (capacity is not None and capacity < 0):
        raise RankingError("kuota dan kapasitas tidak boleh negatif")
    order = ", ".join([*(ORDER_BY[p] for p in priority), "created_at ASC", "proposal_id ASC"])
    taken = (
        taken
        if taken is not None
        else pa.table({"quota_area": pa.array([], pa.string()), "taken": pa.array([], pa.int64())})
    )
    con = duckdb.connect()
    try:
        con.register("candidates", candidates.select(list(CANDIDATE_COLUMNS)))
        con.register("taken_places", taken)
        return con.execute(
            f"""
            WITH people AS (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY nik ORDER BY {order}) AS nik_rank
                  FROM candidates
            ), ranked AS (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY quota_area ORDER BY {order})
                          AS area_rank
                  FROM people WHERE nik_rank = 1
            ), quota AS (
                SELECT r.*, ($quota IS NULL OR r.area_rank <= $quota - COALESCE(t.taken, 0))
                          AS in_quota
                  FROM ranked r LEFT JOIN taken_places t USING (quota_area)
            ), budget AS (
                SELECT *, in_quota AND ($capacity IS NULL OR ROW_NUMBER() OVER (
                              PARTITION BY in_quota ORDER BY {order}) <= $capacity) AS selected
                  FROM quota
            ), placed AS (
                SELECT proposal_id, quota_area, area_rank, selected,
                       CASE WHEN selected THEN '' WHEN in_quota THEN 'budget' ELSE 'quota' END
                          AS reason
                  FROM budget
            ), waiting AS (
                SELECT *, CASE WHEN NOT selected THEN ROW_NUMBER() OVER (
                              PARTITION BY quota_area, selected ORDER BY area_rank) END
                          AS waiting_rank
                  FROM placed
            )
            SELECT proposal_id, quota_area, area_rank, selected, reason, waiting_rank
              FROM waiting
            UNION ALL
            SELECT proposal_id, quota_area, NULL, FALSE, 'duplicate', NULL
              FROM people WHERE nik_rank > 1
            ORDER BY quota_area, area_rank NULLS LAST, proposal_id
            """,
            {"quota": quota, "capacity": capacity},
        ).fetch_arrow_table()
    finally:
        con.close()

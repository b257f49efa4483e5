"""A month's bill as one DuckDB query over Arrow tables; no Django.

A member counts for a whole month when their coverage is active on any day of it (no
pro-rating): coverage started on or before the month's last day, and the membership did
not end before the month began (`ended_on` is the first day no longer covered, so a member
ending on the 1st is not billed for that month; one dying on the 5th is).

Input:
- `members`: membership_id BIGINT, village VARCHAR, coverage_start DATE (NULL = never
  registered: not billed), ended_on DATE (NULL = active), sector VARCHAR (NULL = unknown),
  funding_source VARCHAR;
- `rates`: the programme's monthly rate per (sector, funding_source): sector VARCHAR (NULL
  row = unknown sector), funding_source VARCHAR, jkk, jkm, jht BIGINT (whole rupiah),
  as `programs.services.rate_table` gives it.

Output, one line per billed member: membership_id, village, jkk, jkm, jht, total. A
member whose (sector, funding source) has no rate raises BillingError naming how many:
a bill never silently leaves someone out.

`months_lines` does the same for several months at once (rates carry a `month` column);
`adjustment_lines` compares what months already approved should have cost, as the members
stand now, with what was billed for them, and gives the signed corrections.
"""

from __future__ import annotations

import calendar
from datetime import date

import duckdb
import pyarrow as pa

MEMBER_COLUMNS = (
    "membership_id",
    "village",
    "coverage_start",
    "ended_on",
    "sector",
    "funding_source",
)
RATE_COLUMNS = ("sector", "funding_source", "jkk", "jkm", "jht")


class BillingError(ValueError):
    """The bill cannot be made; the message says why, in Indonesian."""


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def bill_lines(members: pa.Table, rates: pa.Table, month: date) -> pa.Table:
    """The bill lines of `month` (any day of it) for `members` at `rates`."""
    for name, table, columns in (
        ("peserta", members, MEMBER_COLUMNS),
        ("tarif", rates, RATE_COLUMNS),
    ):
        missing = [c for c in columns if c not in table.column_names]
        if missing:
            raise BillingError(f"kolom {', '.join(missing)} tidak ada di data {name}")
    first, last = month_bounds(month)
    con = duckdb.connect()
    try:
        con.register("members", members.select(list(MEMBER_COLUMNS)))
        con.register("rates", rates.select(list(RATE_COLUMNS)))
        con.execute(
            """
            CREATE TEMP TABLE billed AS
            SELECT m.membership_id, m.village, r.jkk, r.jkm, r.jht,
                   r.jkk + r.jkm + r.jht AS total
              FROM members m
              LEFT JOIN rates r
                ON r.funding_source = m.funding_source
               AND r.sector IS NOT DISTINCT FROM m.sector
             WHERE m.coverage_start IS NOT NULL
               AND m.coverage_start <= $last
               AND (m.ended_on IS NULL OR m.ended_on > $first)
            """,
            {"first": first, "last": last},
        )
        unpriced = con.execute("SELECT count(*) FROM billed WHERE total IS NULL").fetchone()
        if unpriced and unpriced[0]:
            raise BillingError(
                f"{unpriced[0]} peserta tidak punya tarif untuk sektor dan sumber dananya pada "
                f"{first:%m/%Y}; lengkapi tarif program dulu."
            )
        return con.execute(
            "SELECT membership_id, village, jkk, jkm, jht, total FROM billed "
            "ORDER BY village, membership_id"
        ).fetch_arrow_table()
    finally:
        con.close()


MONTH_RATE_COLUMNS = ("month", *RATE_COLUMNS)
BILLED_COLUMNS = ("membership_id", "village", "month", "jkk", "jkm", "jht")


def months_lines(members: pa.Table, rates: pa.Table) -> pa.Table:
    """`bill_lines` for several months in one query: `rates` carries a `month` column (the
    first day of each month wanted) beside the usual ones. Output: membership_id, village,
    month, jkk, jkm, jht, total; what each member should have cost in each of those months
    as their record stands now."""
    for name, table, columns in (
        ("peserta", members, MEMBER_COLUMNS),
        ("tarif", rates, MONTH_RATE_COLUMNS),
    ):
        missing = [c for c in columns if c not in table.column_names]
        if missing:
            raise BillingError(f"kolom {', '.join(missing)} tidak ada di data {name}")
    con = duckdb.connect()
    try:
        con.register("members", members.select(list(MEMBER_COLUMNS)))
        con.register("rates", rates.select(list(MONTH_RATE_COLUMNS)))
        con.execute(
            """
            CREATE TEMP TABLE billed AS
            WITH months AS (SELECT DISTINCT CAST(month AS DATE) AS month FROM rates)
            SELECT m.membership_id, m.village, mo.month, r.jkk, r.jkm, r.jht,
                   r.jkk + r.jkm + r.jht AS total
              FROM members m
              JOIN months mo
                ON m.coverage_start <= last_day(mo.month)
               AND (m.ended_on IS NULL OR m.ended_on > mo.month)
              LEFT JOIN rates r
                ON CAST(r.month AS DATE) = mo.month
               AND r.funding_source = m.funding_source
               AND r.sector IS NOT DISTINCT FROM m.sector
             WHERE m.coverage_start IS NOT NULL
            """
        )
        unpriced = con.execute(
            "SELECT count(*), min(month) FROM billed WHERE total IS NULL"
        ).fetchone()
        if unpriced and unpriced[0]:
            raise BillingError(
                f"{unpriced[0]} baris peserta tidak punya tarif untuk sektor dan sumber dananya "
                f"pada {unpriced[1]:%m/%Y}; lengkapi tarif program dulu."
            )
        return con.execute(
            "SELECT membership_id, village, month, jkk, jkm, jht, total FROM billed "
            "ORDER BY village, membership_id, month"
        ).fetch_arrow_table()
    finally:
        con.close()


def adjustment_lines(expected: pa.Table, billed: pa.Table) -> pa.Table:
    """The corrections for months already billed, in one query.

    `expected`: what each (membership, month) should have cost (`months_lines` over the
    members as they stand now, for the months with an approved bill); `billed`: every line
    already approved for those months (regular and adjustment lines alike), columns
    membership_id, village, month, jkk, jkm, jht. Output, one signed line per (membership,
    month) where the two differ, per benefit: membership_id, village, month, jkk, jkm, jht,
    total. A member ended retroactively gets a negative line, one registered (or whose
    coverage start moved earlier) retroactively a positive one. The member's current
    village is used when they are still expected, else the village they were billed in.
    """
    for name, table in (("seharusnya", expected), ("sudah ditagih", billed)):
        missing = [c for c in BILLED_COLUMNS if c not in table.column_names]
        if missing:
            raise BillingError(f"kolom {', '.join(missing)} tidak ada di data {name}")
    con = duckdb.connect()
    try:
        con.register("expected", expected.select(list(BILLED_COLUMNS)))
        con.register("billed", billed.select(list(BILLED_COLUMNS)))
        return con.execute(
            """
            WITH e AS (
                SELECT membership_id, CAST(month AS DATE) AS month, any_value(village) AS village,
                       CAST(sum(jkk) AS BIGINT) AS jkk, CAST(sum(jkm) AS BIGINT) AS jkm,
                       CAST(sum(jht) AS BIGINT) AS jht
                  FROM expected GROUP BY 1, 2
            ), b AS (
                SELECT membership_id, CAST(month AS DATE) AS month, any_value(village) AS village,
                       CAST(sum(jkk) AS BIGINT) AS jkk, CAST(sum(jkm) AS BIGINT) AS jkm,
                       CAST(sum(jht) AS BIGINT) AS jht
                  FROM billed GROUP BY 1, 2
            ), d AS (
                SELECT coalesce(e.membership_id, b.membership_id) AS membership_id,
                       coalesce(e.village, b.village) AS village,
                       coalesce(e.month, b.month) AS month,
                       coalesce(e.jkk, 0) - coalesce(b.jkk, 0) AS jkk,
                       coalesce(e.jkm, 0) - coalesce(b.jkm, 0) AS jkm,
                       coalesce(e.jht, 0) - coalesce(b.jht, 0) AS jht
                  FROM e FULL OUTER JOIN b
                    ON e.membership_id = b.membership_id AND e.month = b.month
            )
            SELECT CAST(membership_id AS BIGINT) AS membership_id, village, month,
                   jkk, jkm, jht, jkk + jkm + jht AS total
              FROM d
             WHERE jkk <> 0 OR jkm <> 0 OR jht <> 0
             ORDER BY village, membership_id, month
            """
        ).fetch_arrow_table()
    finally:
        con.close()

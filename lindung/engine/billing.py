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

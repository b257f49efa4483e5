"""The member counts the dashboard reads, kept by the database itself.

`MemberCount` (per programme, village, status, sex, occupation) and `MemberBirthCount` (per
programme, kecamatan, status, birth month) change in the same statement as the memberships
they count, through triggers on `membership_membership`:

- PostgreSQL: one statement-level trigger per operation with transition tables. Each
  statement's rows are grouped once and the net change per key is upserted in key order (so
  two writers lock the rows they share in the same order); a statement that changes no
  counted column (a KPJ, a name) writes nothing.
- SQLite: row-level triggers (SQLite has no other kind), upserting one key per row. An update
  fires only when a counted column changed. A count is only ever decreased where its row
  exists, so emptying the tables in any order (the test runner's flush) leaves no negatives.

Every write path (the ORM, bulk inserts, COPY, a hand-run UPDATE) is counted, which no
service-level hook could promise. The price: a count row stays locked until its writer
commits, so two transactions changing members of the same village and status take turns
(the membership services already lock the programme, period or member they change).

`rebuild` counts everything again, set-based: the migration fills the tables with it, and
`lindung member_counts --rebuild` runs it; `drift` (`--check`) compares without writing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

MEMBERS = "membership_membership"
COUNTS = "reports_membercount"
BIRTHS = "reports_memberbirthcount"

COUNT_KEY = "programme_id, village_id, status, sex, occupation"
BIRTH_KEY = "programme_id, district_id, status, born"
_DISTRICT = {"postgresql": "LEFT(village_id, 8)", "sqlite": "SUBSTR(village_id, 1, 8)"}
_MONTH = {
    "postgresql": "CAST(DATE_TRUNC('month', birth_date) AS date)",
    "sqlite": "DATE(birth_date, 'start of month')",
}


def _birth_columns(vendor: str, prefix: str = "") -> str:
    district = _DISTRICT[vendor].replace("village_id", f"{prefix}village_id")
    month = _MONTH[vendor].replace("birth_date", f"{prefix}birth_date")
    return f"{prefix}programme_id, {district}, {prefix}status, {month}"


def _count_columns(prefix: str = "") -> str:
    return (
        f"{prefix}programme_id, {prefix}village_id, {prefix}status, {prefix}sex, "
        f"COALESCE({prefix}occupation_id, 0)"
    )


# -- PostgreSQL ----------------------------------------------------------------------------


def _pg_upsert(table: str, key: str, columns: str, sources: list[tuple[str, int]]) -> str:
    """One statement: the net change per key of the rows in `sources` (transition tables with
    their sign), applied in key order."""
    moved = " UNION ALL ".join(
        f"SELECT {columns}, {sign} FROM {source}" for source, sign in sources
    )
    return (
        f"INSERT INTO {table} AS c ({key}, n) "
        f"SELECT {key}, SUM(d) FROM ({moved}) AS moved({key}, d) "
        f"GROUP BY {key} HAVING SUM(d) <> 0 ORDER BY {key} "
        f"ON CONFLICT ({key}) DO UPDATE SET n = c.n + EXCLUDED.n;"
    )


def _pg_function(operation: str, sources: list[tuple[str, int]]) -> str:
    name = f"reports_count_members_{operation.lower()}"
    body = _pg_upsert(COUNTS, COUNT_KEY, _count_columns(), sources) + _pg_upsert(
        BIRTHS, BIRTH_KEY, _birth_columns("postgresql"), sources
    )
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$"
    )


_PG_TRIGGERS = {
    "INSERT": ("REFERENCING NEW TABLE AS new_rows", [("new_rows", 1)]),
    "UPDATE": (
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        [("new_rows", 1), ("old_rows", -1)],
    ),
    "DELETE": ("REFERENCING OLD TABLE AS old_rows", [("old_rows", -1)]),
}


def _postgresql_install() -> list[str]:
    statements = []
    for operation, (referencing, sources) in _PG_TRIGGERS.items():
        name = f"reports_count_members_{operation.lower()}"
        statements += [
            _pg_function(operation, sources),
            f"DROP TRIGGER IF EXISTS {name} ON {MEMBERS}",
            f"CREATE TRIGGER {name} AFTER {operation} ON {MEMBERS} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return statements


def _postgresql_remove() -> list[str]:
    statements = []
    for operation in _PG_TRIGGERS:
        name = f"reports_count_members_{operation.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {MEMBERS}",
            f"DROP FUNCTION IF EXISTS {name}()",
        ]
    return statements


# -- SQLite --------------------------------------------------------------------------------

_WATCHED = ("programme_id", "village_id", "status", "sex", "occupation_id", "birth_date")


def _sqlite_add(row: str) -> str:
    return "".join(
        f"INSERT INTO {table} ({key}, n) VALUES ({columns}, 1) "
        f"ON CONFLICT ({key}) DO UPDATE SET n = n + 1;"
        for table, key, columns in (
            (COUNTS, COUNT_KEY, _count_columns(f"{row}.")),
            (BIRTHS, BIRTH_KEY, _birth_columns("sqlite", f"{row}.")),
        )
    )


def _sqlite_take(row: str) -> str:
    return "".join(
        f"UPDATE {table} SET n = n - 1 WHERE ({key}) = ({columns});"
        for table, key, columns in (
            (COUNTS, COUNT_KEY, _count_columns(f"{row}.")),
            (BIRTHS, BIRTH_KEY, _birth_columns("sqlite", f"{row}.")),
        )
    )


def _sqlite_install() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _WATCHED)
    return [
        *_sqlite_remove(),
        f"CREATE TRIGGER reports_count_members_insert AFTER INSERT ON {MEMBERS} "
        f"BEGIN {_sqlite_add('NEW')} END",
        f"CREATE TRIGGER reports_count_members_update AFTER UPDATE OF {', '.join(_WATCHED)} "
        f"ON {MEMBERS} WHEN {changed} BEGIN {_sqlite_take('OLD')} {_sqlite_add('NEW')} END",
        f"CREATE TRIGGER reports_count_members_delete AFTER DELETE ON {MEMBERS} "
        f"BEGIN {_sqlite_take('OLD')} END",
    ]


def _sqlite_remove() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS reports_count_members_{operation}"
        for operation in ("insert", "update", "delete")
    ]


# -- both ----------------------------------------------------------------------------------


def install_sql(vendor: str) -> list[str]:
    """The statements that create the triggers on `vendor` (postgresql or sqlite)."""
    return {"postgresql": _postgresql_install, "sqlite": _sqlite_install}[vendor]()


def remove_sql(vendor: str) -> list[str]:
    return {"postgresql": _postgresql_remove, "sqlite": _sqlite_remove}[vendor]()


def _recount_sql(vendor: str) -> list[str]:
    return [
        f"DELETE FROM {COUNTS}",
        f"DELETE FROM {BIRTHS}",
        f"INSERT INTO {COUNTS} ({COUNT_KEY}, n) SELECT {_count_columns()}, COUNT(*) "
        f"FROM {MEMBERS} GROUP BY {_count_columns()}",
        f"INSERT INTO {BIRTHS} ({BIRTH_KEY}, n) SELECT {_birth_columns(vendor)}, COUNT(*) "
        f"FROM {MEMBERS} GROUP BY {_birth_columns(vendor)}",
    ]


@dataclass(frozen=True)
class Drift:
    """Keys whose kept count differed from a fresh count, per table."""

    counts: int
    births: int

    @property
    def none(self) -> bool:
        return self.counts == 0 and self.births == 0


def _drift_sql(vendor: str) -> tuple[str, str]:
    def differing(table: str, key: str, columns: str) -> str:
        fresh = f"SELECT {columns}, COUNT(*) FROM {MEMBERS} GROUP BY {columns}"
        kept = f"SELECT {key}, n FROM {table} WHERE n <> 0"
        only_fresh = f"SELECT * FROM ({fresh}) AS f EXCEPT SELECT * FROM ({kept}) AS k"
        only_kept = f"SELECT * FROM ({kept}) AS k EXCEPT SELECT * FROM ({fresh}) AS f"
        return (
            f"SELECT (SELECT COUNT(*) FROM ({only_fresh}) AS a) "
            f"+ (SELECT COUNT(*) FROM ({only_kept}) AS b)"
        )

    return (
        differing(COUNTS, COUNT_KEY, _count_columns()),
        differing(BIRTHS, BIRTH_KEY, _birth_columns(vendor)),
    )


def drift(connection: BaseDatabaseWrapper) -> Drift:
    """How many keys the kept counts have wrong (two GROUP BY scans of the memberships)."""
    counts_sql, births_sql = _drift_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(counts_sql)
        counts = int(cursor.fetchone()[0])
        cursor.execute(births_sql)
        births = int(cursor.fetchone()[0])
    return Drift(counts, births)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Count every membership again into both tables, in one transaction. Memberships are
    locked against writes meanwhile on PostgreSQL, so no change slips between the count and
    the triggers."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {MEMBERS} IN SHARE MODE")
        for statement in _recount_sql(connection.vendor):
            cursor.execute(statement)

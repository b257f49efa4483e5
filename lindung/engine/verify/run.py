"""`verify`: every proposal of a batch against the programme's rules and the reference data.

All inputs go into one DuckDB connection as registered Arrow tables; each rule is one query
producing finding rows; the findings are their UNION, returned as Arrow with a per-proposal
summary. Python only loops over the rules, and over distinct names for the normaliser.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lindung.engine.linkage.link import connect
from lindung.engine.verify import matching
from lindung.engine.verify import rules as checks
from lindung.engine.verify.codes import CODES, Rules, VerifyInputError
from lindung.engine.verify.inputs import check_proposals, register
from lindung.engine.verify.nik_sql import create_nik_table, nik_rules
from lindung.engine.verify.rule import FINDING_COLUMNS, Rule
from lindung.regions.codes import is_code

_FINDING_FIELDS: list[pa.Field[Any]] = [
    pa.field("proposal_id", pa.int64()),
    pa.field("code", pa.string()),
    pa.field("severity", pa.string()),
    pa.field("message", pa.string()),
    pa.field("evidence_kind", pa.string()),
    pa.field("evidence_id", pa.int64()),
    pa.field("score", pa.float64()),
    pa.field("explanation", pa.string()),
    pa.field("template", pa.string()),
    pa.field("params", pa.string()),
]
_SUMMARY_FIELDS: list[pa.Field[Any]] = [
    pa.field("proposal_id", pa.int64()),
    pa.field("outcome", pa.string()),
    pa.field("welfare_id", pa.int64()),
    pa.field("desil", pa.int32()),
]
FINDINGS_SCHEMA = pa.schema(_FINDING_FIELDS)
SUMMARY_SCHEMA = pa.schema(_SUMMARY_FIELDS)
OUTCOMES = ("ok", "warn", "review", "reject")


@dataclass(frozen=True)
class VerifyResult:
    """`findings`: one row per finding (columns of `FINDINGS_SCHEMA`), by proposal in input
    order; `summary`: one row per proposal in input order (`SUMMARY_SCHEMA`)."""

    findings: pa.Table
    summary: pa.Table
    counts: dict[str, int]
    seconds: dict[str, float]


@dataclass
class _Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)


def verify(
    proposals: Any,
    *,
    rules: Rules,
    welfare: Any | None = None,
    bpjs: Any | None = None,
    other_programmes: Any | None = None,
    exclusions: Any | None = None,
    deaths: Any | None = None,
    members: Any | None = None,
    other_proposals: Any | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> VerifyResult:
    """Findings for every row of `proposals`; see docs/verification.md.

    Raises `VerifyInputError` (an Indonesian sentence) for inputs that cannot be verified.
    """
    if not is_code(rules.region_code):
        raise VerifyInputError(f"Kode wilayah program tidak valid: {rules.region_code!r}.")
    if welfare is None and (rules.requires_registry or rules.max_desil is not None):
        raise VerifyInputError(
            "Program ini memeriksa data kesejahteraan (DTSEN/DTKS), tetapi datanya belum "
            "diberikan; impor data kesejahteraan wilayah ini dulu."
        )
    con = con or connect()
    timings = _Timings()
    references = {
        "welfare": welfare,
        "bpjs": bpjs,
        "programme": other_programmes,
        "exclusion": exclusions,
        "death": deaths,
    }
    present = {kind for kind, table in references.items() if table is not None}
    with matching.scratch(con):
        with timings.step("load"):
            count = _load(con, proposals, references, members, other_proposals)
        with timings.step("nik"):
            _prepare(con, rules)
        counts: dict[str, int] = {"proposals": count}
        with timings.step("welfare"):
            if "welfare" in present:
                counts |= _match_welfare(con, rules)
        with timings.step("references"):
            counts |= _match_lists(con, rules, present)
        with timings.step("rules"):
            _create_good_and_refs(con, present)
            _run_rules(con, _rules(rules, present, members, other_proposals), rules)
        with timings.step("summary"):
            findings, summary = _results(con)
    counts |= _counts(findings, summary)
    timings.seconds["total"] = round(sum(timings.seconds.values()), 3)
    return VerifyResult(findings, summary, counts, timings.seconds)


def _prepare(con: duckdb.DuckDBPyConnection, rules: Rules) -> None:
    create_nik_table(con, "verify_prop", "verify_nik", rules.reference_date)
    matching.normalise_proposal_names(con)
    matching.create_link_left(con)
    matching.create_hits(con)
    matching.create_candidate_niks(con)


def _match_welfare(con: duckdb.DuckDBPyConnection, rules: Rules) -> dict[str, int]:
    linked = matching.link_welfare(con, rules.reference_date)
    matching.exact_hits(con, "welfare", far_only=True)
    matching.add_registry_niks(con)
    return {f"welfare_{k}": v for k, v in linked.items()}


def _match_lists(con: duckdb.DuckDBPyConnection, rules: Rules, present: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in checks.REFERENCE_KINDS:
        if kind in present:
            matching.exact_hits(con, kind)
            fuzzy = matching.fuzzy_hits(
                con, kind, rules.reference_date, has_welfare="welfare" in present
            )
            counts |= {f"{kind}_linkage_{k}": v for k, v in fuzzy.items()}
    return counts


def _load(
    con: duckdb.DuckDBPyConnection,
    proposals: Any,
    references: dict[str, Any],
    members: Any | None,
    other_proposals: Any | None,
) -> int:
    register(con, proposals, "verify_prop", "proposals")
    count = check_proposals(con, "verify_prop")
    for kind, table in references.items():
        if table is None:
            continue
        register(con, table, f"verify_raw_{kind}", kind)
        # An extract without a status column lists participants: they count as active.
        active = "WHERE aktif IS NOT FALSE" if kind in ("bpjs", "programme") else ""
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW verify_ref_{kind} AS
                SELECT * FROM verify_raw_{kind} {active}"""
        )
    if members is not None:
        register(con, members, "verify_members", "members")
    if other_proposals is not None:
        register(con, other_proposals, "verify_other_proposals", "other_proposals")
    return count


def _create_good_and_refs(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    con.execute(
        """CREATE OR REPLACE TEMP TABLE verify_good AS
           SELECT DISTINCT ON (proposal_id, kind) * FROM verify_hits
           WHERE decision = 'match' AND NOT coalesce(name_far, false)
           ORDER BY proposal_id, kind,
                CASE via WHEN 'nik' THEN 0 WHEN 'registry' THEN 1 ELSE 2 END, ref_id"""
    )
    # Only the records some hit points at, so the union stays small next to the registry.
    unions = [
        f"""SELECT '{kind}' AS kind, id, nik, nama, tanggal_lahir FROM verify_ref_{kind}
            WHERE id IN (SELECT ref_id FROM verify_hits WHERE kind = '{kind}')"""
        for kind in sorted(present)
    ] or [
        "SELECT NULL::VARCHAR AS kind, NULL::BIGINT AS id, NULL::VARCHAR AS nik, "
        "NULL::VARCHAR AS nama, NULL::DATE AS tanggal_lahir WHERE false"
    ]
    con.execute(f"CREATE OR REPLACE TEMP TABLE verify_refs AS {' UNION ALL '.join(unions)}")


def _rules(
    rules: Rules, present: set[str], members: Any | None, other_proposals: Any | None
) -> list[Rule]:
    found: list[Rule | None] = [
        *nik_rules("verify_nik"),
        checks.age_rule(rules),
        checks.domicile_rule(rules),
        checks.duplicate_rule("welfare" in present),
        checks.proposed_elsewhere_rule() if other_proposals is not None else None,
        checks.member_rule() if members is not None else None,
        *checks.reference_rules(present),
        *(checks.welfare_rules(rules) if "welfare" in present else []),
        checks.occupation_rule(rules),
        checks.name_mismatch_rule(),
        checks.uncertain_match_rule(),
    ]
    return [rule for rule in found if rule is not None]


def _run_rules(con: duckdb.DuckDBPyConnection, found: list[Rule], rules: Rules) -> None:
    columns = ", ".join(FINDING_COLUMNS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE verify_findings AS
            SELECT {columns} FROM ({FINDINGS_EMPTY})"""
    )
    for rule in found:
        con.execute(
            f"""INSERT INTO verify_findings
                SELECT {columns} FROM ({rule.findings_sql(rules.severity(rule.code))})"""
        )


FINDINGS_EMPTY = """SELECT NULL::BIGINT AS proposal_id, NULL::VARCHAR AS code,
    NULL::VARCHAR AS severity, NULL::VARCHAR AS message, NULL::VARCHAR AS evidence_kind,
    NULL::BIGINT AS evidence_id, NULL::DOUBLE AS score, NULL::VARCHAR AS explanation,
    NULL::VARCHAR AS template, NULL::VARCHAR AS params WHERE false"""


def _results(con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    findings = con.execute(
        f"""SELECT f.* FROM verify_findings f
            JOIN (SELECT proposal_id, position AS pos FROM verify_prop) p
              USING (proposal_id)
            ORDER BY p.pos, list_position({codes}, f.code), f.evidence_kind, f.evidence_id"""
    ).fetch_arrow_table()
    welfare = (
        """LEFT JOIN (SELECT proposal_id, welfare_id, desil FROM verify_welfare
                      WHERE decision = 'match') w USING (proposal_id)"""
        if _exists(con, "verify_welfare")
        else "LEFT JOIN (SELECT NULL::BIGINT AS proposal_id, NULL::BIGINT AS welfare_id, "
        "NULL::INTEGER AS desil) w ON false"
    )
    summary = con.execute(
        f"""WITH worst AS (
                SELECT proposal_id, max(CASE severity WHEN 'reject' THEN 3 WHEN 'review' THEN 2
                                                      WHEN 'warn' THEN 1 ELSE 0 END) AS level
                FROM verify_findings GROUP BY proposal_id
            )
            SELECT p.proposal_id,
                ['ok', 'warn', 'review', 'reject'][coalesce(worst.level, 0) + 1] AS outcome,
                w.welfare_id, CAST(w.desil AS INTEGER) AS desil
            FROM (SELECT proposal_id, position AS pos FROM verify_prop) p
            LEFT JOIN worst USING (proposal_id) {welfare}
            ORDER BY p.pos"""
    ).fetch_arrow_table()
    return findings.cast(FINDINGS_SCHEMA), summary.cast(SUMMARY_SCHEMA)


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
    ).fetchone()
    return bool(row and row[0])


def _counts(findings: pa.Table, summary: pa.Table) -> dict[str, int]:
    by_outcome = _value_counts(summary.column("outcome"))
    by_code = _value_counts(findings.column("code"))
    return {
        "findings": findings.num_rows,
        **{outcome: by_outcome.get(outcome, 0) for outcome in OUTCOMES},
        **{code: by_code[code] for code in CODES if code in by_code},
    }


def _value_counts(column: pa.ChunkedArray[Any]) -> dict[str, int]:
    counted = pc.value_counts(column)
    values = counted.field("values").to_pylist()
    counts = counted.field("counts").to_pylist()
    return {str(v): int(c or 0) for v, c in zip(values, counts, strict=True)}

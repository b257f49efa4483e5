"""End to end on synthetic data: 3,000 proposals from a 50,000-person regency."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest

from lindung.engine.verify import Rules, verify
from lindung.engine.verify.scenario import ELIGIBLE_OCCUPATION_IDS, build_scenario
from lindung.synth import generate_population, make_village_list

RULES = Rules(
    region_code="17.05",
    reference_date=date(2025, 12, 31),
    min_age=18,
    max_age=65,
    requires_registry=True,
    max_desil=5,
    eligible_occupation_ids=ELIGIBLE_OCCUPATION_IDS,
)
FILLER = {"bpjs": 2_000, "exclusion": 500, "death": 500, "programme": 300}


@pytest.fixture(scope="module")
def checked():
    population = generate_population("17.05", 50_000, 3)
    village_list, truth = make_village_list(population, 3_000, 4)
    scenario = build_scenario(population, village_list, truth, seed=5, filler=FILLER)
    tables = {
        name: getattr(scenario, name)
        for name in (
            "welfare",
            "bpjs",
            "exclusions",
            "deaths",
            "other_programmes",
            "members",
            "other_proposals",
        )
    }
    result = verify(scenario.proposals, rules=RULES, **tables)
    con = duckdb.connect()
    con.register("findings", result.findings)
    con.register("expected", scenario.expected)
    con.register(
        "population", population.append_column("row", pa.array(range(population.num_rows)))
    )
    con.register("proposals", scenario.proposals)
    return con, result


def test_every_listed_problem_with_a_correctly_typed_nik_is_found(checked):
    # NOT_IN_REGISTRY rests on linkage finding nobody, which a look-alike can defeat.
    con, _ = checked
    missed = con.execute(
        """SELECT e.proposal_id, e.injected FROM expected e
           WHERE e.injected NOT IN ('NOT_IN_REGISTRY') AND e.corruptions NOT LIKE '%nik_%'
             AND NOT EXISTS (SELECT 1 FROM findings f
                             WHERE f.proposal_id = e.proposal_id AND f.code = e.injected)"""
    ).fetchall()
    assert missed == []


def test_nearly_all_injected_problems_are_found_despite_typing_mistakes(checked):
    con, _ = checked
    total, found = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM findings f
                  WHERE f.proposal_id = e.proposal_id AND f.code = e.injected))
           FROM expected e WHERE e.injected IS NOT NULL"""
    ).fetchone()
    assert total >= 200
    assert found / total >= 0.97


def test_each_injected_code_points_at_its_evidence(checked):
    con, _ = checked
    kinds = dict(
        con.execute(
            """SELECT code, list(DISTINCT evidence_kind) FROM findings
               WHERE code IN ('BPJS_ACTIVE', 'EXCLUDED', 'DECEASED', 'OTHER_PROGRAMME',
                              'PROPOSED_ELSEWHERE')
               GROUP BY code"""
        ).fetchall()
    )
    assert kinds == {
        "BPJS_ACTIVE": ["bpjs"],
        "EXCLUDED": ["exclusion"],
        "DECEASED": ["death"],
        "OTHER_PROGRAMME": ["programme"],
        "PROPOSED_ELSEWHERE": ["proposal"],
    }


def test_clean_proposals_get_no_reject_finding(checked):
    con, _ = checked
    clean, rejected = con.execute(
        """WITH clean AS (
               SELECT e.proposal_id FROM expected e
               JOIN population p ON p.row = e.person
               JOIN proposals r USING (proposal_id)
               WHERE e.injected IS NULL AND e.corruptions = '' AND NOT e.duplicate
                 AND r.pekerjaan_id BETWEEN 1 AND 18
                 AND coalesce(p.desil, 0) <= 5
                 AND date_sub('year', p.tanggal_lahir, DATE '2025-12-31') BETWEEN 18 AND 65
           )
           SELECT count(*), count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM findings f
               WHERE f.proposal_id = c.proposal_id AND f.severity = 'reject'))
           FROM clean c"""
    ).fetchone()
    assert clean >= 500
    assert rejected == 0


def test_one_proposal_of_each_repeated_person_stays(checked):
    con, _ = checked
    groups = con.execute(
        """SELECT e.person, count(*) AS rows,
                  count(*) FILTER (WHERE EXISTS (
                      SELECT 1 FROM findings f WHERE f.proposal_id = e.proposal_id
                      AND f.code = 'DUPLICATE_IN_BATCH')) AS flagged
           FROM expected e WHERE e.duplicate AND e.corruptions NOT LIKE '%nik_%'
           GROUP BY e.person HAVING count(*) > 1"""
    ).fetchall()
    assert groups
    assert all(flagged == rows - 1 for _, rows, flagged in groups)


def test_counts_add_up(checked):
    _, result = checked
    counts = result.counts
    assert counts["proposals"] == 3_000 == result.summary.num_rows
    assert sum(counts[o] for o in ("ok", "warn", "review", "reject")) == 3_000
    assert counts["findings"] == result.findings.num_rows

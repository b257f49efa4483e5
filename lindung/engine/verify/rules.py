"""The programme rules and reference checks, one SQL query per reason code.

Each query reads the tables `run.verify` builds: `verify_prop` (the proposals), `verify_nik`
(their NIKs read), `verify_niks` (the NIKs each is looked up under), `verify_welfare` (the
registry's best candidate), `verify_hits` / `verify_good` (pairs with reference records) and
`verify_refs` (all reference records, by kind).
"""

from __future__ import annotations

from lindung.engine.verify.codes import Rules
from lindung.engine.verify.inputs import NIK_JOIN_SQL
from lindung.engine.verify.messages import (
    NOT_STATED,
    SEGMENTS,
    SOURCES,
    date_sql,
    quote,
    score_sql,
    word_sql,
)
from lindung.engine.verify.rule import NO_EVIDENCE, Rule

REFERENCE_KINDS = ("bpjs", "programme", "exclusion", "death")
_EVIDENCE = """g.kind AS evidence_kind, g.ref_id AS evidence_id, g.score AS score,
               g.explanation AS explanation"""


def _date_literal(rules: Rules) -> str:
    return f"DATE '{rules.reference_date.isoformat()}'"


def age_rule(rules: Rules) -> Rule | None:
    limits = [
        f"age > {int(rules.max_age)}" if rules.max_age is not None else None,
        f"age < {int(rules.min_age)}" if rules.min_age is not None else None,
    ]
    conditions = [c for c in limits if c]
    if not conditions:
        return None
    ref = _date_literal(rules)
    above = limits[0] or "false"
    return Rule(
        "AGE_OUT_OF_RANGE",
        ("age_above", "age_below"),
        f"""SELECT proposal_id, CASE WHEN {above} THEN 'age_above' ELSE 'age_below' END
                AS template,
                age, CASE WHEN {above} THEN {rules.max_age or 0} ELSE {rules.min_age or 0} END
                AS age_limit, {NO_EVIDENCE}
            FROM (
                SELECT proposal_id, year({ref}) - year(born) - CASE
                    WHEN month(born) > month({ref})
                      OR (month(born) = month({ref}) AND day(born) > day({ref})) THEN 1
                    ELSE 0 END AS age
                FROM (SELECT p.proposal_id, coalesce(p.tanggal_lahir, n.nik_birth) AS born
                      FROM verify_prop p JOIN verify_nik n USING (proposal_id))
                WHERE born IS NOT NULL)
            WHERE {" OR ".join(conditions)}""",
        {"age": "age", "date": date_sql(ref), "limit": "age_limit"},
    )


def domicile_rule(rules: Rules) -> Rule:
    region = quote(rules.region_code)
    return Rule(
        "DOMICILE_OUTSIDE",
        ("domicile_outside", "domicile_missing"),
        f"""SELECT proposal_id,
                CASE WHEN domisili IS NULL THEN 'domicile_missing' ELSE 'domicile_outside' END
                AS template, domisili, {NO_EVIDENCE}
            FROM verify_prop
            WHERE domisili IS NULL
               OR NOT (domisili = {region} OR starts_with(domisili, {region} || '.'))""",
        {"village": "domisili", "region": region},
    )


def duplicate_rule(has_welfare: bool) -> Rule:
    """Second and later proposals of one NIK, or of one registry person under two NIKs."""
    welfare = (
        "LEFT JOIN verify_welfare w ON w.proposal_id = p.proposal_id AND w.decision = 'match'"
        if has_welfare
        else """LEFT JOIN (SELECT NULL::BIGINT AS welfare_id, NULL::VARCHAR AS welfare_name) w
                ON false"""
    )
    return Rule(
        "DUPLICATE_IN_BATCH",
        ("duplicate_nik", "duplicate_person"),
        f"""WITH keyed AS (
                SELECT p.proposal_id, p.nama, n.nik, w.welfare_id, w.welfare_name,
                    row_number() OVER (ORDER BY p.created_at NULLS LAST, p.proposal_id) AS pos
                FROM verify_prop p JOIN verify_nik n USING (proposal_id) {welfare}
            ),
            by_nik AS (
                SELECT proposal_id, 'duplicate_nik' AS template, nik,
                    first_value(proposal_id) OVER w AS first_id,
                    first_value(nama) OVER w AS first_name, welfare_id, welfare_name
                FROM keyed WHERE nik IS NOT NULL WINDOW w AS (PARTITION BY nik ORDER BY pos)
            ),
            by_person AS (
                SELECT proposal_id, 'duplicate_person' AS template, nik,
                    first_value(proposal_id) OVER w AS first_id,
                    first_value(nama) OVER w AS first_name, welfare_id, welfare_name
                FROM keyed WHERE welfare_id IS NOT NULL
                WINDOW w AS (PARTITION BY welfare_id ORDER BY pos)
            ),
            later AS (
                SELECT * FROM by_nik WHERE proposal_id <> first_id
                UNION ALL
                SELECT * FROM by_person WHERE proposal_id <> first_id
                    AND proposal_id NOT IN (
                        SELECT proposal_id FROM by_nik WHERE proposal_id <> first_id)
            )
            SELECT *, 'proposal' AS evidence_kind, first_id AS evidence_id,
                NULL::DOUBLE AS score, NULL::VARCHAR AS explanation
            FROM later""",
        {
            "nik": "nik",
            "first_id": "first_id",
            "first_name": "first_name",
            "registry_name": "welfare_name",
            "registry_id": "welfare_id",
        },
    )


def proposed_elsewhere_rule() -> Rule:
    return Rule(
        "PROPOSED_ELSEWHERE",
        ("proposed_elsewhere",),
        f"""SELECT DISTINCT ON (c.proposal_id) c.proposal_id, 'proposed_elsewhere' AS template,
                c.nik, o.kode_wilayah AS village, o.proposal_id AS other_id,
                'proposal' AS evidence_kind, o.proposal_id AS evidence_id,
                NULL::DOUBLE AS score, NULL::VARCHAR AS explanation
            FROM verify_niks c JOIN verify_prop p USING (proposal_id)
            JOIN (SELECT proposal_id, kode_wilayah, period_id,
                         {NIK_JOIN_SQL.format(column="nik")} AS nik
                  FROM verify_other_proposals) o ON o.nik = c.nik
            WHERE o.proposal_id NOT IN (SELECT proposal_id FROM verify_prop)
              AND (o.period_id IS NULL OR p.period_id IS NULL OR o.period_id = p.period_id)
            ORDER BY c.proposal_id, c.via, o.proposal_id""",
        {"nik": "nik", "village": "village", "other_id": "other_id"},
    )


def member_rule() -> Rule:
    return Rule(
        "ALREADY_MEMBER",
        ("already_member_same", "already_member_other"),
        f"""SELECT DISTINCT ON (c.proposal_id) c.proposal_id,
                CASE WHEN m.programme_id IS NOT DISTINCT FROM p.programme_id
                     THEN 'already_member_same' ELSE 'already_member_other' END AS template,
                m.programme_id, 'member' AS evidence_kind, m.id AS evidence_id,
                NULL::DOUBLE AS score, NULL::VARCHAR AS explanation
            FROM verify_niks c JOIN verify_prop p USING (proposal_id)
            JOIN (SELECT id, programme_id, {NIK_JOIN_SQL.format(column="nik")} AS nik
                  FROM verify_members) m ON m.nik = c.nik
            ORDER BY c.proposal_id, m.programme_id IS NOT DISTINCT FROM p.programme_id DESC,
                c.via, m.id""",
        {"programme": "programme_id"},
    )


def _reference_rule(
    code: str, kind: str, templates: tuple[str, ...], template_sql: str, params: dict[str, str]
) -> Rule:
    columns = ", ".join(f"{sql} AS p_{name}" for name, sql in params.items())
    return Rule(
        code,
        templates,
        f"""SELECT g.proposal_id, {template_sql} AS template, {columns}, {_EVIDENCE}
            FROM verify_good g JOIN verify_ref_{kind} r ON r.id = g.ref_id
            WHERE g.kind = '{kind}'""",
        {name: f"p_{name}" for name in params},
    )


def reference_rules(present: set[str]) -> list[Rule]:
    rules = {
        "bpjs": _reference_rule(
            "BPJS_ACTIVE",
            "bpjs",
            ("bpjs_active",),
            "'bpjs_active'",
            {
                "kpj": f"coalesce(r.kpj, {quote(NOT_STATED)})",
                "segment": word_sql(
                    "lower(r.segmen)", SEGMENTS, f"coalesce(r.segmen, {quote(NOT_STATED)})"
                ),
            },
        ),
        "programme": _reference_rule(
            "OTHER_PROGRAMME",
            "programme",
            ("other_programme",),
            "'other_programme'",
            {"programme": f"coalesce(r.program, {quote(NOT_STATED)})"},
        ),
        "exclusion": _reference_rule(
            "EXCLUDED",
            "exclusion",
            ("excluded",),
            "'excluded'",
            {"category": f"coalesce(r.kategori, {quote(NOT_STATED)})"},
        ),
        "death": _reference_rule(
            "DECEASED",
            "death",
            ("deceased", "deceased_undated"),
            "CASE WHEN r.tanggal_kejadian IS NULL THEN 'deceased_undated' ELSE 'deceased' END",
            {"date": date_sql("r.tanggal_kejadian")},
        ),
    }
    return [rule for kind, rule in rules.items() if kind in present]


def welfare_rules(rules: Rules) -> list[Rule]:
    found = [
        Rule(
            "NOT_IN_REGISTRY",
            ("not_in_registry",),
            """SELECT proposal_id, 'not_in_registry' AS template, 'welfare' AS evidence_kind,
                   NULL::BIGINT AS evidence_id, score, explanation
               FROM verify_welfare WHERE decision = 'no_match'""",
            {},
        ),
        Rule(
            "NIK_REGISTRY_DIFFERS",
            ("nik_registry_differs", "nik_registry_missing"),
            f"""SELECT * FROM (
                    SELECT w.proposal_id,
                        CASE WHEN n.nik IS NULL THEN 'nik_registry_missing'
                             ELSE 'nik_registry_differs' END AS template,
                        n.nik, {NIK_JOIN_SQL.format(column="w.welfare_nik")} AS registry_nik,
                        'welfare' AS evidence_kind, w.welfare_id AS evidence_id, w.score,
                        w.explanation
                    FROM verify_welfare w JOIN verify_nik n USING (proposal_id)
                    WHERE w.decision = 'match')
                WHERE registry_nik IS NOT NULL AND registry_nik IS DISTINCT FROM nik""",
            {
                "nik": "nik",
                "registry_nik": "registry_nik",
                "source": quote(SOURCES["welfare"]),
                "score": score_sql("score"),
            },
        ),
    ]
    if rules.max_desil is not None:
        found.append(
            Rule(
                "DESIL_ABOVE_LIMIT",
                ("desil_above",),
                f"""SELECT proposal_id, 'desil_above' AS template, desil, welfare_id,
                        'welfare' AS evidence_kind, welfare_id AS evidence_id, score,
                        explanation
                    FROM verify_welfare
                    WHERE decision = 'match' AND desil > {int(rules.max_desil)}""",
                {"desil": "desil", "record": "welfare_id", "limit": str(int(rules.max_desil))},
            )
        )
    return found


def occupation_rule(rules: Rules) -> Rule | None:
    if rules.eligible_occupation_ids is None:
        return None
    ids = ", ".join(str(int(i)) for i in sorted(rules.eligible_occupation_ids)) or "NULL"
    return Rule(
        "OCCUPATION_NOT_ELIGIBLE",
        ("occupation_missing", "occupation_not_eligible"),
        f"""SELECT proposal_id,
                CASE WHEN pekerjaan_id IS NULL AND pekerjaan IS NULL THEN 'occupation_missing'
                     ELSE 'occupation_not_eligible' END AS template,
                coalesce(pekerjaan, 'ID ' || pekerjaan_id) AS occupation, {NO_EVIDENCE}
            FROM verify_prop
            WHERE pekerjaan_id IS NULL OR pekerjaan_id NOT IN ({ids})""",
        {"occupation": "occupation"},
    )


_NO_OTHER_GOOD = """NOT EXISTS (
    SELECT 1 FROM verify_good g
    WHERE g.proposal_id = h.proposal_id AND g.kind = h.kind AND g.ref_id <> h.ref_id)"""


def name_mismatch_rule() -> Rule:
    """An exact NIK pair whose names are very different, unless another record of the same
    list is a good pair for the proposal (the NIK then merely collides)."""
    return Rule(
        "NAME_MISMATCH",
        ("name_mismatch",),
        f"""SELECT DISTINCT ON (h.proposal_id, h.kind) h.proposal_id,
                'name_mismatch' AS template, r.nik AS ref_nik, r.nama AS ref_name, p.nama,
                h.kind, h.kind AS evidence_kind, h.ref_id AS evidence_id, h.score,
                h.explanation
            FROM verify_hits h JOIN verify_prop p USING (proposal_id)
            JOIN verify_refs r ON r.kind = h.kind AND r.id = h.ref_id
            WHERE h.name_far AND {_NO_OTHER_GOOD}
            ORDER BY h.proposal_id, h.kind, h.ref_id""",
        {
            "nik": "ref_nik",
            "source": word_sql("kind", SOURCES),
            "reference_name": "ref_name",
            "name": "nama",
        },
    )


def uncertain_match_rule() -> Rule:
    return Rule(
        "UNCERTAIN_MATCH",
        ("uncertain_match",),
        """SELECT DISTINCT ON (h.proposal_id, h.kind) h.proposal_id,
                'uncertain_match' AS template, r.nama AS ref_name,
                r.tanggal_lahir AS ref_birth, h.kind, h.kind AS evidence_kind,
                h.ref_id AS evidence_id, h.score, h.explanation
            FROM verify_hits h JOIN verify_refs r ON r.kind = h.kind AND r.id = h.ref_id
            WHERE h.decision = 'review' AND NOT EXISTS (
                SELECT 1 FROM verify_good g WHERE g.proposal_id = h.proposal_id AND g.kind = h.kind)
            ORDER BY h.proposal_id, h.kind, h.score DESC, h.ref_id""",
        {
            "reference_name": "ref_name",
            "birth": date_sql("ref_birth"),
            "source": word_sql("kind", SOURCES),
            "score": score_sql("score"),
        },
    )

"""A rule is one SQL query that yields the findings of one reason code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lindung.engine.verify.messages import message_sql, params_sql, quote

NO_EVIDENCE = (
    "NULL::VARCHAR AS evidence_kind, NULL::BIGINT AS evidence_id, NULL::DOUBLE AS score, "
    "NULL::VARCHAR AS explanation"
)
FINDING_COLUMNS = (
    "proposal_id",
    "code",
    "severity",
    "message",
    "evidence_kind",
    "evidence_id",
    "score",
    "explanation",
    "template",
    "params",
)


@dataclass(frozen=True)
class Rule:
    """`sql` selects proposal_id, template (a key of `TEMPLATES`, one of `templates`), the
    evidence columns and whatever `params` (template parameter -> SQL over those columns)
    reads."""

    code: str
    templates: tuple[str, ...]
    sql: str
    params: Mapping[str, str]

    def findings_sql(self, severity: str) -> str:
        messages = " ".join(
            f"WHEN {quote(t)} THEN {message_sql(t, self.params)}" for t in self.templates
        )
        params = " ".join(
            f"WHEN {quote(t)} THEN {params_sql(t, self.params)}" for t in self.templates
        )
        return f"""
            SELECT proposal_id, {quote(self.code)} AS code, {quote(severity)} AS severity,
                CASE template {messages} END AS message,
                evidence_kind, evidence_id, CAST(score AS DOUBLE) AS score, explanation,
                template, CASE template {params} END AS params
            FROM ({self.sql}) AS rule_rows
        """

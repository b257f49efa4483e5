"""A verifier's sentence for a scored pair, built from Splink's levels and match weights.

Example: "Sesuai: NIK sama (+23,2), nama sama (+9,6). Tidak sesuai: jenis kelamin berbeda
(-5,6). Tidak dihitung: desa kosong, tanggal lahir sudah dihitung pada NIK." Each label comes
from the model (`model.py`); the number is the comparison's match weight in bits: +1 doubles
the odds that the two rows are the same person, -1 halves them. Built as one SQL expression,
so it runs in the query that picks the best pairs (DuckDB or Spark).
"""

from __future__ import annotations

from typing import Any

_GROUPS = (
    ("Sesuai", "> 0"),
    ("Tidak sesuai", "< 0"),
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def level_label_sql(comparison: dict[str, Any], alias: str) -> str:
    """The level's label, from gamma: Splink numbers the non-null levels from the top down to
    0 and the null level -1."""
    name = comparison["output_column_name"]
    levels = comparison["comparison_levels"]
    null = next((lv["label_for_charts"] for lv in levels if lv.get("is_null_level")), "")
    others = [level for level in levels if not level.get("is_null_level")]
    whens = " ".join(
        f"WHEN {len(others) - 1 - i} THEN {_quote(level['label_for_charts'])}"
        for i, level in enumerate(others)
    )
    return f"CASE {alias}.gamma_{name} WHEN -1 THEN {_quote(null)} {whens} END"


def _part_sql(comparison: dict[str, Any], alias: str) -> str:
    weight = f"replace(printf('%+.1f', {alias}.mw_{comparison['output_column_name']}), '.', ',')"
    return f"({level_label_sql(comparison, alias)} || ' (' || {weight} || ')')"


def explanation_sql(settings: dict[str, Any], alias: str) -> str:
    """SQL text for the explanation of the pair in row `alias` (gamma_* and mw_* columns)."""
    comparisons = settings["comparisons"]
    sentences = []
    for title, sign in _GROUPS:
        parts = ", ".join(
            f"CASE WHEN {alias}.gamma_{c['output_column_name']} <> -1 "
            f"AND {alias}.mw_{c['output_column_name']} {sign} THEN {_part_sql(c, alias)} END"
            for c in comparisons
        )
        sentences.append(_sentence(title, parts))
    neutral = ", ".join(
        f"CASE WHEN {alias}.gamma_{c['output_column_name']} = -1 "
        f"OR {alias}.mw_{c['output_column_name']} = 0 THEN {level_label_sql(c, alias)} END"
        for c in comparisons
    )
    sentences.append(_sentence("Tidak dihitung", neutral))
    return f"concat_ws(' ', {', '.join(sentences)})"


def _sentence(title: str, parts: str) -> str:
    joined = f"concat_ws(', ', {parts})"
    return f"CASE WHEN {joined} <> '' THEN '{title}: ' || {joined} || '.' END"

"""Linkage quality on synthetic ground truth: precision, recall and F1, per kind of mistake.

Run: .venv/bin/python bench/bench_linkage_quality.py [--people 200000] [--list-size 10000]
Links a typed village list to the population it was drawn from (seeds other than the
training ones, in another regency), then deduplicates a list with many duplicates. A pair
counts as found only when the decision is `match`; `review` rows are counted apart. Prints
a table per kind of mistake and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lindung.engine.linkage.link import connect, dedupe, link
from lindung.synth.corruptions import CorruptionRates
from lindung.synth.population import generate_population
from lindung.synth.village_list import KIND_ORDER, make_village_list

REGENCY = "17.05"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--list-size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    population = generate_population(REGENCY, args.people, args.seed)
    village_list, truth = make_village_list(population, args.list_size, args.seed + 1)
    linked = link(village_list, population, con=connect())
    con = duckdb.connect()
    con.register("best", linked.best)
    con.register("truth", truth)
    linking = _link_scores(con)
    kinds = _per_kind(con)
    heavy_list, heavy_truth = make_village_list(
        population, args.list_size, args.seed + 2, CorruptionRates(duplicate=0.15)
    )
    results = {
        "bench": "linkage_quality",
        "people": args.people,
        "list_size": args.list_size,
        "link": linking,
        "link_seconds": linked.seconds,
        "dedupe_default_list": _dedupe_scores(village_list, truth),
        "dedupe_many_duplicates": _dedupe_scores(heavy_list, heavy_truth),
    }
    _print_kinds(kinds)
    print(json.dumps({**results, "kinds": kinds}))


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _link_scores(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = con.execute(
        """SELECT
            count(*) FILTER (WHERE person_id IS NOT NULL),
            count(*) FILTER (WHERE decision = 'match'),
            count(*) FILTER (WHERE decision = 'match' AND right_id = person_id),
            count(*) FILTER (WHERE decision = 'review'),
            count(*) FILTER (WHERE decision = 'review' AND right_id = person_id),
            count(*) FILTER (WHERE decision = 'no_match' AND person_id IS NULL)
           FROM best JOIN truth ON left_id = list_id"""
    ).fetchone()
    assert row is not None
    in_reference, matched, correct, review, review_correct, new_rejected = row
    precision = correct / matched if matched else 1.0
    recall = correct / in_reference if in_reference else 1.0
    return {
        "rows_in_reference": in_reference,
        "match": matched,
        "match_correct": correct,
        "match_wrong": matched - correct,
        "review": review,
        "review_correct": review_correct,
        "new_person_no_match": new_rejected,
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(_f1(precision, recall), 5),
    }


def _per_kind(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = con.execute(
        """SELECT kind, count(*) AS n,
               count(*) FILTER (WHERE decision = 'match' AND right_id = person_id),
               count(*) FILTER (WHERE decision = 'match' AND right_id IS DISTINCT FROM person_id),
               count(*) FILTER (WHERE decision = 'review'),
               count(*) FILTER (WHERE decision = 'no_match')
           FROM best JOIN truth ON left_id = list_id,
                unnest(CASE WHEN corruptions = '' THEN ['none']
                            ELSE string_split(corruptions, ';') END) AS k(kind)
           GROUP BY kind"""
    ).fetchall()
    order = {kind: i for i, kind in enumerate(("none", *KIND_ORDER))}
    return [
        {
            "kind": k,
            "rows": n,
            "match_correct": ok,
            "match_wrong": bad,
            "review": rv,
            "no_match": nm,
        }
        for k, n, ok, bad, rv, nm in sorted(rows, key=lambda r: order.get(r[0], 99))
    ]


def _print_kinds(kinds: list[dict[str, Any]]) -> None:
    print("| mistake | rows | match, right person | match, wrong person | review | no_match |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in kinds:
        print(
            f"| {k['kind']} | {k['rows']} | {k['match_correct']} | {k['match_wrong']} | "
            f"{k['review']} | {k['no_match']} |"
        )


def _dedupe_scores(village_list: Any, truth: Any) -> dict[str, Any]:
    result = dedupe(village_list, con=connect())
    con = duckdb.connect()
    con.register("clusters", result.clusters)
    con.register("truth", truth)
    row = con.execute(
        """WITH t AS (
               SELECT c.id, c.cluster_id, coalesce(t.person_id, 'new:' || c.id) AS person
               FROM clusters c JOIN truth t ON c.id = t.list_id),
           pairs AS (
               SELECT a.cluster_id = b.cluster_id AS predicted, a.person = b.person AS actual
               FROM t a JOIN t b ON a.id < b.id
                    AND (a.cluster_id = b.cluster_id OR a.person = b.person))
           SELECT count(*) FILTER (WHERE predicted AND actual),
                  count(*) FILTER (WHERE predicted),
                  count(*) FILTER (WHERE actual)
           FROM pairs"""
    ).fetchone()
    assert row is not None
    both, predicted, actual = row
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    return {
        "rows": result.counts["rows"],
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "correct_pairs": both,
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(_f1(precision, recall), 5),
        "seconds": result.seconds,
    }


if __name__ == "__main__":
    main()

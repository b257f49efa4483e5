"""The linkage model: what is compared, at which levels, and which pairs get compared at all.

Comparisons run on the columns `prepare` makes. Every level carries an Indonesian label;
`explain` turns a pair's levels and match weights into a sentence for the verifier. The m and
u probabilities live in `settings.json` (see `train.py`); `settings()` joins them to these
definitions for the DuckDB or Spark dialect, so the trained numbers are written once.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

SETTINGS_PATH = Path(__file__).with_name("settings.json")
LinkType = Literal["link_only", "dedupe_only"]
Dialect = Literal["duckdb", "spark"]


def _custom(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


def _name() -> ComparisonCreator:
    # Tokens catch a dropped or added word ("MUHAMMAD RIZKI" / "RIZKI") that Jaro-Winkler,
    # which weighs the start of the string, scores low.
    return cl.CustomComparison(
        output_column_name="nama",
        comparison_levels=[
            cll.NullLevel("nama").configure(label_for_charts="nama kosong"),
            cll.ExactMatchLevel("nama").configure(label_for_charts="nama sama"),
            cll.JaroWinklerLevel("nama", 0.95).configure(label_for_charts="nama hampir sama"),
            cll.DamerauLevenshteinLevel("nama", 1).configure(
                label_for_charts="nama beda satu huruf"
            ),
            cll.ArraySubsetLevel("name_tokens").configure(
                label_for_charts="kata-kata nama yang satu ada semua di nama yang lain"
            ),
            cll.JaroWinklerLevel("nama", 0.9).configure(label_for_charts="nama mirip"),
            cll.ArrayIntersectLevel("name_tokens", 1).configure(
                label_for_charts="sebagian kata nama sama"
            ),
            cll.ElseLevel().configure(label_for_charts="nama berbeda"),
        ],
    )


def _nik() -> ComparisonCreator:
    # People born on the same day in the same district have NIKs that differ only in the
    # serial, so that one-digit difference is weaker evidence than one elsewhere.
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.NullLevel("nik").configure(label_for_charts="NIK kosong"),
            cll.ExactMatchLevel("nik").configure(label_for_charts="NIK sama"),
            _custom(
                "substr(nik_l, 1, 12) = substr(nik_r, 1, 12) "
                "AND damerau_levenshtein(nik_l, nik_r) <= 1",
                "NIK beda satu angka di nomor urut (4 angka terakhir)",
            ),
            cll.DamerauLevenshteinLevel("nik", 1).configure(
                label_for_charts="NIK beda satu angka atau dua angka bertukar"
            ),
            cll.DamerauLevenshteinLevel("nik", 2).configure(label_for_charts="NIK beda dua angka"),
            cll.ElseLevel().configure(label_for_charts="NIK berbeda"),
        ],
    )


def _birth_date() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="tanggal_lahir",
        comparison_levels=[
            cll.NullLevel("tanggal_lahir").configure(label_for_charts="tanggal lahir kosong"),
            # The NIK holds the birth date: when two NIKs are close, their comparison has
            # counted the dates already. Counting them again made strangers born on one day
            # in one kecamatan (NIKs one serial digit apart) look like the same person.
            _custom(
                "damerau_levenshtein(nik_l, nik_r) <= 2",
                "tanggal lahir sudah dihitung pada NIK",
            ).configure(
                m_probability=1.0, u_probability=1.0, fix_m_probability=True, fix_u_probability=True
            ),
            cll.ExactMatchLevel("tanggal_lahir").configure(label_for_charts="tanggal lahir sama"),
            # With equal NIKs this would only repeat what the NIK comparison already counted.
            _custom(
                "(nik_dob_l = tanggal_lahir_r OR tanggal_lahir_l = nik_dob_r) "
                "AND nik_l IS DISTINCT FROM nik_r",
                "tanggal lahir berbeda, tetapi sama dengan tanggal lahir di NIK",
            ),
            _custom("dob_swapped_l = tanggal_lahir_r", "tanggal dan bulan lahir tertukar"),
            _custom(
                "levenshtein(CAST(tanggal_lahir_l AS VARCHAR), CAST(tanggal_lahir_r AS VARCHAR))"
                " <= 1",
                "tanggal lahir beda satu angka",
            ),
            cll.ElseLevel().configure(label_for_charts="tanggal lahir berbeda"),
        ],
    )


def _sex() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="jenis_kelamin",
        comparison_levels=[
            cll.NullLevel("jenis_kelamin").configure(label_for_charts="jenis kelamin kosong"),
            cll.ExactMatchLevel("jenis_kelamin").configure(label_for_charts="jenis kelamin sama"),
            cll.ElseLevel().configure(label_for_charts="jenis kelamin berbeda"),
        ],
    )


def _area() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="wilayah",
        comparison_levels=[
            cll.NullLevel("desa").configure(label_for_charts="desa kosong"),
            cll.ExactMatchLevel("desa").configure(label_for_charts="desa sama"),
            cll.ExactMatchLevel("kecamatan").configure(
                label_for_charts="desa lain di kecamatan yang sama"
            ),
            cll.ExactMatchLevel("kabupaten").configure(
                label_for_charts="kecamatan lain di kabupaten/kota yang sama"
            ),
            cll.ElseLevel().configure(label_for_charts="kabupaten/kota berbeda"),
        ],
    )


def comparisons() -> list[ComparisonCreator]:
    return [_nik(), _name(), _birth_date(), _sex(), _area()]


def exact_nik_rules() -> list[BlockingRuleCreator]:
    return [block_on("nik")]


def fuzzy_rules() -> list[BlockingRuleCreator]:
    """Pairs worth scoring when the NIK did not match exactly.

    Each rule is an equi-join, so no rule compares everyone with everyone. Together they
    survive any one mistake: a NIK typo keeps digits 1-12 or 7-16; a wrong or missing NIK
    leaves the birth date with the first or last word of the name or with the village, or the
    whole name with the day and month (a mistyped year); a swapped day and month is joined on
    the swapped date.
    """
    return [
        block_on("substr(nik, 1, 12)"),
        block_on("substr(nik, 7, 10)"),
        block_on("tanggal_lahir", "name_first"),
        block_on("tanggal_lahir", "name_last"),
        block_on("tanggal_lahir", "desa"),
        # Not the name alone in a kecamatan: common names made that rule 50 pairs a row.
        block_on("nama", "month(tanggal_lahir)", "day(tanggal_lahir)"),
        # Swapping day and month twice gives the date back, so l and r may trade places.
        CustomRule(
            "l.dob_swapped = r.tanggal_lahir AND l.name_first = r.name_first",
            sql_dialect="duckdb",
        ),
        # Without NIK and birth date only the name and village are left; this join is wide,
        # so only those rare rows take it.
        CustomRule(
            "l.name_last = r.name_last AND l.desa = r.desa AND l.nik IS NULL "
            "AND l.tanggal_lahir IS NULL",
            sql_dialect="duckdb",
        ),
    ]


def untrained_settings(link_type: LinkType = "link_only") -> SettingsCreator:
    """The model before training; `train.py` fills in m and u."""
    return SettingsCreator(
        link_type=link_type,
        comparisons=comparisons(),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=fuzzy_rules(),  # type: ignore[arg-type]
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,  # Splink keeps gamma_* only with them
        additional_columns_to_retain=[],
    )


@cache
def _trained() -> dict[str, Any]:
    trained: dict[str, Any] = json.loads(SETTINGS_PATH.read_text(encoding="utf-8"))
    return trained


def settings(
    link_type: LinkType,
    prior: float,
    dialect: Dialect = "duckdb",
    blocking: list[BlockingRuleCreator] | None = None,
) -> dict[str, Any]:
    """A Splink settings dict with the committed m and u for `dialect`.

    `prior` is the probability that two random records are the same person; it depends on
    the sizes of the tables, so it is set per run instead of being trained.
    """
    creator = untrained_settings(link_type)
    if blocking is not None:
        creator.blocking_rules_to_generate_predictions = blocking  # type: ignore[assignment]
    built = creator.create_settings_dict(dialect)
    trained = {c["output_column_name"]: c for c in _trained()["comparisons"]}
    for comparison in built["comparisons"]:
        levels = trained[comparison["output_column_name"]]["comparison_levels"]
        if len(levels) != len(comparison["comparison_levels"]):
            raise RuntimeError("settings.json does not fit the model; run link_train again")
        for level, learnt in zip(comparison["comparison_levels"], levels, strict=True):
            for key in ("m_probability", "u_probability"):
                if key in learnt:
                    level[key] = learnt[key]
    built["probability_two_random_records_match"] = prior
    return built

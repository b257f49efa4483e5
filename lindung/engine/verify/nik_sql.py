"""The NIK rules of `lindung.people.nik.parse_nik`, as one DuckDB query over all proposals.

Same cleaning (whitespace as Python's `str.strip` sees it, invisible characters, Excel's
text apostrophe), same findings and the same sentences; a test compares the two on thousands
of generated NIKs. Only the distinct odd characters of unreadable NIKs visit Python, to be
shown exactly as `parse_nik` shows them. The region of issue is not checked here (that
needs the list of areas and is only a warning).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from lindung.engine.verify.messages import SEX_WORDS, date_sql, word_sql
from lindung.engine.verify.rule import NO_EVIDENCE, Rule

MAX_AGE_YEARS = 120  # as lindung.people.nik
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_TEXT_PREFIXES = "'‘’`"
_EXCEL_NUMBER = r"[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+|[0-9]{15,16}[.,]0+"
_GROUPED_DIGITS = r"[0-9]+(?:[ .\-]+[0-9]+)*"
_MAX_SHOWN = 5
_NIK_NAMES = {"label": "'NIK'", "document": "'KTP'"}


def _char_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


def _strip_sql(expression: str, chars: str) -> str:
    cls = _char_class(chars)
    return f"regexp_replace({expression}, '^{cls}+|{cls}+$', '', 'g')"


def strip_sql(expression: str) -> str:
    """`expression.strip()` as Python does it."""
    return _strip_sql(expression, _WHITESPACE)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that is not a leap year
        return day.replace(year=day.year - years, day=28)


def create_nik_table(
    con: duckdb.DuckDBPyConnection, source: str, target: str, reference_date: date
) -> None:
    """`target`: per proposal of `source` the cleaned NIK (`nik`, NULL unless 16 digits),
    its birth date and sex, and what is wrong with it."""
    reference = f"DATE '{reference_date.isoformat()}'"
    oldest = f"DATE '{_years_before(reference_date, MAX_AGE_YEARS).isoformat()}'"
    stripped = strip_sql(_strip_sql(strip_sql("coalesce(nik, '')"), _INVISIBLE))
    prefixes = ", ".join("'" + c.replace("'", "''") + "'" for c in _TEXT_PREFIXES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {target} AS
        WITH typed AS (
            SELECT proposal_id, tanggal_lahir AS stated,
                upper({strip_sql("coalesce(jenis_kelamin, '')")}) AS stated_sex,
                {stripped} AS t0
            FROM {source}
        ),
        cleaned AS (
            SELECT *, CASE WHEN left(t0, 1) IN ({prefixes}) THEN {strip_sql("substr(t0, 2)")}
                           ELSE t0 END AS text
            FROM typed
        ),
        grouped AS (
            SELECT *, CASE WHEN regexp_full_match(text, '{_GROUPED_DIGITS}')
                           THEN regexp_replace(text, '[ .\\-]+', '', 'g') END AS digits
            FROM cleaned
        ),
        formatted AS (
            SELECT *, CASE
                WHEN text = '' THEN 'nik_empty'
                WHEN regexp_full_match(text, '{_EXCEL_NUMBER}') THEN 'nik_excel'
                WHEN digits IS NULL THEN 'nik_not_digits'
                WHEN length(digits) <> 16 THEN 'nik_length'
                WHEN digits = '0000000000000000' THEN 'nik_zeros' END AS format_template
            FROM grouped
        ),
        checked AS (
            SELECT *, CASE WHEN format_template IS NULL THEN digits END AS nik FROM formatted
        ),
        parts AS (
            SELECT *,
                CAST(substr(nik, 7, 2) AS INTEGER) AS dd,
                CAST(substr(nik, 9, 2) AS INTEGER) AS mm,
                CAST(substr(nik, 11, 2) AS INTEGER) AS yy
            FROM checked
        ),
        sexed AS (
            SELECT *,
                CASE WHEN nik IS NULL THEN NULL WHEN dd BETWEEN 1 AND 31 THEN 'L'
                     WHEN dd BETWEEN 41 AND 71 THEN 'P' END AS nik_sex,
                CASE WHEN dd > 40 THEN dd - 40 ELSE dd END AS day_of_birth
            FROM parts
        ),
        centuries AS (
            SELECT *,
                try(make_date(2000 + yy, mm, day_of_birth)) AS recent,
                try(make_date(1900 + yy, mm, day_of_birth)) AS old
            FROM sexed
        ),
        resolved AS (
            SELECT *, CASE
                WHEN nik_sex IS NULL THEN NULL
                -- A stated birth date that fits the six digits settles the century.
                WHEN stated IS NOT NULL AND day(stated) = day_of_birth AND month(stated) = mm
                     AND year(stated) % 100 = yy THEN stated
                WHEN recent IS NOT NULL AND recent <= {reference} THEN recent
                ELSE coalesce(old, recent) END AS born_any
            FROM centuries
        )
        SELECT proposal_id, nik, text, format_template, length(digits) AS digit_count,
            list_filter(odd, (c, i) -> list_position(odd, c) = i)[1:{_MAX_SHOWN}] AS odd_chars,
            nik IS NOT NULL AND left(nik, 2) = '00' AS province_zero,
            substr(nik, 7, 6) AS ddmmyy,
            CASE WHEN nik IS NULL THEN NULL
                 WHEN born_any IS NULL THEN 'nik_date'
                 WHEN born_any > {reference} THEN 'nik_future'
                 WHEN born_any < {oldest} THEN 'nik_too_old' END AS date_template,
            born_any, stated, stated_sex, nik_sex,
            nik IS NOT NULL AND substr(nik, 13, 4) = '0000' AS serial_zero
        FROM (SELECT *, regexp_extract_all(text, '[^0-9 .\\-]') AS odd FROM resolved)
        """
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {target} AS
            SELECT *, CASE WHEN date_template IS NULL THEN born_any END AS nik_birth
            FROM {target}"""
    )
    _show_odd_characters(con, target)


def _show_odd_characters(con: duckdb.DuckDBPyConnection, target: str) -> None:
    chars = con.execute(
        f"""SELECT DISTINCT unnest(odd_chars) AS c FROM {target}
            WHERE format_template = 'nik_not_digits'"""
    ).fetchall()
    shown = [f"«{c}»" if c.isprintable() and not c.isspace() else repr(c) for (c,) in chars]
    con.register(
        f"{target}_chars",
        pa.table({"c": pa.array([c for (c,) in chars], pa.string()), "shown": shown}),
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {target} AS
            SELECT n.* EXCLUDE (odd_chars), s.chars
            FROM {target} n LEFT JOIN (
                SELECT proposal_id, string_agg(m.shown, ', ' ORDER BY o.i) AS chars
                FROM (SELECT proposal_id, unnest(odd_chars) AS c,
                             generate_subscripts(odd_chars, 1) AS i
                      FROM {target} WHERE format_template = 'nik_not_digits') o
                JOIN {target}_chars m USING (c)
                GROUP BY proposal_id
            ) s USING (proposal_id)"""
    )
    con.unregister(f"{target}_chars")


def nik_rules(table: str) -> list[Rule]:
    """The NIK_* rules over the table made by `create_nik_table`."""
    names = _NIK_NAMES
    return [
        Rule(
            "NIK_FORMAT",
            ("nik_empty", "nik_excel", "nik_not_digits", "nik_length", "nik_zeros"),
            f"""SELECT proposal_id, format_template AS template, text, chars, digit_count,
                    {NO_EVIDENCE}
                FROM {table} WHERE format_template IS NOT NULL""",
            {**names, "text": "text", "chars": "coalesce(chars, '')", "count": "digit_count"},
        ),
        Rule(
            "NIK_FORMAT",
            ("nik_province",),
            f"""SELECT proposal_id, 'nik_province' AS template, {NO_EVIDENCE}
                FROM {table} WHERE province_zero""",
            names,
        ),
        Rule(
            "NIK_DATE",
            ("nik_date", "nik_future", "nik_too_old"),
            f"""SELECT proposal_id, date_template AS template, ddmmyy, born_any, {NO_EVIDENCE}
                FROM {table} WHERE date_template IS NOT NULL""",
            {"digits": "ddmmyy", "birth": date_sql("born_any"), "years": str(MAX_AGE_YEARS)},
        ),
        Rule(
            "NIK_SERIAL",
            ("nik_serial",),
            f"""SELECT proposal_id, 'nik_serial' AS template, {NO_EVIDENCE}
                FROM {table} WHERE serial_zero""",
            names,
        ),
        Rule(
            "NIK_DOB_MISMATCH",
            ("nik_dob_mismatch",),
            f"""SELECT proposal_id, 'nik_dob_mismatch' AS template, stated, nik_birth,
                    {NO_EVIDENCE}
                FROM {table} WHERE nik_birth IS NOT NULL AND stated <> nik_birth""",
            {"stated": date_sql("stated"), "birth": date_sql("nik_birth")},
        ),
        Rule(
            "NIK_SEX_MISMATCH",
            ("nik_sex_mismatch",),
            f"""SELECT proposal_id, 'nik_sex_mismatch' AS template, stated_sex, nik_sex,
                    {NO_EVIDENCE}
                FROM {table}
                WHERE nik_sex IS NOT NULL AND stated_sex IN ('L', 'P') AND stated_sex <> nik_sex""",
            {
                "stated": word_sql("stated_sex", SEX_WORDS),
                "nik_sex": word_sql("nik_sex", SEX_WORDS),
            },
        ),
    ]

"""Check a list of persons and bring it to the columns the linkage model compares.

Input: an Arrow table (or anything DuckDB can scan, e.g. a pandas DataFrame) with `id`, `nik`,
`nama`, `tanggal_lahir`, `jenis_kelamin` and optionally `kode_wilayah`; other columns are
ignored. Dates may be real dates or text as YYYY-MM-DD / DD-MM-YYYY (also with '/').
Everything runs as DuckDB SQL over the table; only the distinct names visit Python, for the
project's name normaliser.

Output: a DuckDB table with one row per input row:

| column        | what                                                                 |
|---------------|----------------------------------------------------------------------|
| unique_id     | `id` as text                                                         |
| row_number    | 1-based position in the input, for error messages                    |
| nik           | 16 digits, or NULL when what was typed cannot be a NIK               |
| nama          | normalised name (`normalize_name`); NULL when empty                  |
| name_tokens   | the words of `nama`                                                  |
| name_first    | first word; name_last: last word                                     |
| tanggal_lahir | DATE as typed, else the NIK's; dob_swapped: day and month exchanged   |
| nik_dob       | birth date written in the NIK (digits 7-12, women's day minus 40)    |
| jenis_kelamin | L/P as typed, else from the NIK, else NULL                           |
| desa          | dotted village code; kecamatan and kabupaten are its prefixes        |
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from lindung.engine.names import normalize_names

REQUIRED_COLUMNS = ("id", "nik", "nama", "tanggal_lahir", "jenis_kelamin")
OPTIONAL_COLUMNS = ("kode_wilayah",)
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%Y")
_SEX_WORDS = {"L": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "P": "P", "PEREMPUAN": "P"}
_FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


class InputError(ValueError):
    """Bad input, with one Indonesian sentence that names what to fix."""


def prepare(
    con: duckdb.DuckDBPyConnection,
    table: Any,
    name: str,
    *,
    label: str,
    reference_date: date | None = None,
) -> int:
    """Check `table` and create the DuckDB table `name` from it; returns its row count.

    `label` names the input in error messages ("file kiri"). Raises `InputError`.
    """
    columns = _column_names(table)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"Kolom wajib tidak ada di {label}: {', '.join(missing)}. "
            f"Kolom yang dibutuhkan: {', '.join(REQUIRED_COLUMNS)} (kode_wilayah boleh)."
        )
    raw = f"{name}_raw"
    con.register(f"{raw}_input", table)
    types = {row[0]: str(row[1]) for row in con.execute(f"DESCRIBE {raw}_input").fetchall()}
    con.execute(f"CREATE OR REPLACE TEMP TABLE {raw} AS {_typed_sql(f'{raw}_input', types)}")
    con.unregister(f"{raw}_input")
    _check(con, raw, label)
    _normalise_names(con, raw)
    reference = reference_date or date.today()
    con.execute(f"CREATE OR REPLACE TABLE {name} AS {_standard_sql(raw, reference)}")
    con.execute(f"DROP TABLE {raw}; DROP TABLE {raw}_names")
    count: int = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # type: ignore[index]
    return count


def _column_names(table: Any) -> list[str]:
    if isinstance(table, pa.Table):
        return [str(c) for c in table.column_names]
    return [str(c) for c in getattr(table, "columns", [])]


def _text(column: str, type_: str = "VARCHAR") -> str:
    """The column as trimmed text, NULL when empty.

    A number cell (an id, or a NIK from a spreadsheet column not formatted as text) becomes its
    digits without the '.0' a float would print.
    """
    if type_ in _FLOAT_TYPES or type_.startswith("DECIMAL"):
        return f"CAST(CAST({column} AS HUGEINT) AS VARCHAR)"
    return f"nullif(trim(CAST({column} AS VARCHAR)), '')"


def _typed_sql(source: str, types: dict[str, str]) -> str:
    village = _text("kode_wilayah") if "kode_wilayah" in types else "NULL::VARCHAR"
    return f"""
        SELECT
            row_number() OVER () AS row_number,
            {_text("id", types["id"])} AS id,
            {_text("nik", types["nik"])} AS nik_raw,
            CAST(nama AS VARCHAR) AS nama_raw,
            {_text("tanggal_lahir")} AS dob_raw,
            {_date_sql("tanggal_lahir")} AS tanggal_lahir,
            upper({_text("jenis_kelamin")}) AS sex_raw,
            {village} AS village_raw
        FROM {source}
    """


def _date_sql(column: str) -> str:
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    text = _text(column)
    # A text date may carry a time part ('1990-05-01 00:00:00') when a spreadsheet made it.
    return f"""
        CAST(coalesce(
            TRY_CAST({column} AS DATE),
            CAST(try_strptime(split_part({text}, ' ', 1), [{formats}]) AS DATE)
        ) AS DATE)
    """


def _check(con: duckdb.DuckDBPyConnection, raw: str, label: str) -> None:
    """The first problem as an `InputError`, in the order a user would fix them."""
    row = con.execute(f"SELECT row_number FROM {raw} WHERE id IS NULL LIMIT 1").fetchone()
    if row:
        raise InputError(
            f"Kolom id kosong di {label} baris {_line(row[0])}; setiap baris perlu id."
        )
    row = con.execute(
        f"""SELECT id, list(row_number ORDER BY row_number)[1:2] FROM {raw}
            GROUP BY id HAVING count(*) > 1 ORDER BY min(row_number) LIMIT 1"""
    ).fetchone()
    if row:
        first, second = row[1]
        raise InputError(
            f"id {row[0]!r} dipakai dua kali di {label} (baris {_line(first)} dan "
            f"{_line(second)}); setiap baris perlu id yang berbeda."
        )
    row = con.execute(
        f"""SELECT row_number, id, dob_raw FROM {raw}
            WHERE dob_raw IS NOT NULL AND tanggal_lahir IS NULL
            ORDER BY row_number LIMIT 1"""
    ).fetchone()
    if row:
        raise InputError(
            f"Kolom tanggal_lahir di {label} baris {_line(row[0])} (id {row[1]}) tidak terbaca: "
            f"{row[2]!r}; tulis sebagai YYYY-MM-DD atau DD-MM-YYYY."
        )
    words = ", ".join(f"'{w}'" for w in _SEX_WORDS)
    row = con.execute(
        f"""SELECT row_number, id, sex_raw FROM {raw}
            WHERE sex_raw IS NOT NULL AND sex_raw NOT IN ({words})
            ORDER BY row_number LIMIT 1"""
    ).fetchone()
    if row:
        raise InputError(
            f"Kolom jenis_kelamin di {label} baris {_line(row[0])} (id {row[1]}) berisi "
            f"{row[2]!r}; isi L (laki-laki) atau P (perempuan), atau biarkan kosong."
        )


def _line(row_number: int) -> int:
    """The spreadsheet line: row 1 is the header."""
    return row_number + 1


def _normalise_names(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    # Names repeat a lot (27,000 distinct in a million people), so normalise each once.
    typed = (
        con.execute(f"SELECT DISTINCT nama_raw FROM {raw}")
        .fetch_arrow_table()
        .column(0)
        .to_pylist()
    )
    names = pa.table({"nama_raw": pa.array(typed, pa.string()), "nama": normalize_names(typed)})
    con.register(f"{raw}_names_input", names)
    con.execute(f"CREATE TEMP TABLE {raw}_names AS FROM {raw}_names_input")
    con.unregister(f"{raw}_names_input")


def _standard_sql(raw: str, reference: date) -> str:
    male = ", ".join(f"'{k}'" for k, v in _SEX_WORDS.items() if v == "L")
    return f"""
        WITH cleaned AS (
            SELECT r.*, nullif(n.nama, '') AS nama, {_nik_sql("r.nik_raw")} AS nik,
                   {_village_sql("r.village_raw")} AS desa
            FROM {raw} r LEFT JOIN {raw}_names n ON r.nama_raw IS NOT DISTINCT FROM n.nama_raw
        ),
        nik_parts AS (
            SELECT *,
                CAST(substr(nik, 7, 2) AS INTEGER) AS nik_day,
                CAST(substr(nik, 9, 2) AS INTEGER) AS nik_month,
                CAST(substr(nik, 11, 2) AS INTEGER) AS nik_yy
            FROM cleaned
        ),
        nik_dates AS (
            SELECT *,
                CASE WHEN nik_day BETWEEN 41 AND 71 THEN 'P'
                     WHEN nik_day BETWEEN 1 AND 31 THEN 'L' END AS nik_sex,
                try(make_date(2000 + nik_yy, nik_month, nik_day % 40)) AS nik_recent,
                try(make_date(1900 + nik_yy, nik_month, nik_day % 40)) AS nik_old
            FROM nik_parts
        ),
        dated AS (
            SELECT * EXCLUDE (tanggal_lahir, nik_recent, nik_old),
                CASE WHEN nik_sex IS NULL THEN NULL
                     WHEN nik_recent <= DATE '{reference.isoformat()}' THEN nik_recent
                     ELSE nik_old END AS nik_dob,
                coalesce(tanggal_lahir, nik_dob) AS tanggal_lahir
            FROM nik_dates
        )
        SELECT
            id AS unique_id,
            row_number,
            nik,
            nama,
            CASE WHEN nama IS NOT NULL THEN string_split(nama, ' ') END AS name_tokens,
            split_part(nama, ' ', 1) AS name_first,
            string_split(nama, ' ')[-1] AS name_last,
            tanggal_lahir,
            CASE WHEN day(tanggal_lahir) <= 12 AND day(tanggal_lahir) <> month(tanggal_lahir)
                 THEN make_date(year(tanggal_lahir), day(tanggal_lahir), month(tanggal_lahir))
            END AS dob_swapped,
            nik_dob,
            CASE WHEN sex_raw IS NULL THEN nik_sex WHEN sex_raw IN ({male}) THEN 'L' ELSE 'P'
            END AS jenis_kelamin,
            desa,
            CASE WHEN length(desa) >= 8 THEN left(desa, 8) END AS kecamatan,
            CASE WHEN length(desa) >= 5 THEN left(desa, 5) END AS kabupaten
        FROM dated
    """


def _nik_sql(column: str) -> str:
    """16 digits after dropping a text apostrophe, spaces, dots and dashes; else NULL.

    A NIK read from a number cell arrives as digits (the '.0' is gone), possibly with a wrong
    last digit: Excel keeps 15 significant digits. It is kept, since the model tolerates one
    wrong digit. Scientific notation ('3.2E+15') has lost too much and becomes NULL.
    """
    digits = f"regexp_replace(ltrim({column}, '''‘’`'), '[ .\\-]', '', 'g')"
    return f"""CASE WHEN regexp_full_match({digits}, '[0-9]{{16}}')
                     AND {digits} <> '0000000000000000' THEN {digits} END"""


def _village_sql(column: str) -> str:
    """'17.05.01.2001' as typed, or the same code typed without dots (10 digits)."""
    compact = f"regexp_replace({column}, '[ .]', '', 'g')"
    dotted = "'[0-9]{2}(\\.[0-9]{2}){0,2}(\\.[0-9]{4})?'"
    return f"""CASE WHEN regexp_full_match({column}, {dotted})
                    THEN {column}
                    WHEN regexp_full_match({compact}, '[0-9]{{10}}')
                    THEN concat_ws('.', {compact}[1:2], {compact}[3:4], {compact}[5:6],
                                   {compact}[7:10]) END"""

"""A proposal list as village operators type it, with the truth about every row kept aside.

Most rows are informal workers of the population, typed with mistakes; some are people the
population does not know (`new_person`), and a few people are typed twice (`duplicate`),
half of them identically. The truth table names the person behind each row and its mistakes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lindung.synth.corruptions import (
    CorruptionRates,
    Kinds,
    corrupt_dates,
    corrupt_names,
    corrupt_niks,
    corrupt_sexes,
    corrupt_villages,
)
from lindung.synth.occupations import is_informal
from lindung.synth.population import DEFAULT_REFERENCE_DATE, generate_population, row_ids

KIND_ORDER = (
    "new_person", "duplicate", "nik_typo", "nik_swap", "nik_missing", "name_abbrev",
    "name_middle", "name_typo", "name_title", "name_case", "date_swap", "date_year_typo",
    "date_missing", "sex_missing", "sex_wrong", "village_missing",
)  # fmt: skip
_WORKING_AGE = (18, 65)


def make_village_list(
    population: pa.Table,
    size: int,
    seed: int,
    rates: CorruptionRates | None = None,
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> tuple[pa.Table, pa.Table]:
    """(list, truth): `size` typed rows drawn from `population`, and who each row really is."""
    rates = rates or CorruptionRates()
    n_new, n_dup = _extra_counts(size, rates)
    n_base = size - n_new - n_dup
    if n_base > population.num_rows:
        raise ValueError("list size exceeds the population")
    rng = np.random.default_rng(seed)
    base = _pick_workers(rng, population, n_base, reference_date)
    dup_of = rng.choice(n_base, size=n_dup, replace=False)
    newcomers = _newcomers(population, n_new, seed, reference_date)
    clean = pa.concat_tables([population.take(base), newcomers, population.take(base[dup_of])])
    ids = population["id"].to_numpy(zero_copy_only=False)
    person_id = np.concatenate([ids[base], np.full(n_new, None), ids[base[dup_of]]])

    columns, kinds = _typed(rng, clean, rates)
    duplicate = np.arange(size) >= n_base + n_new
    # Half the duplicates are typed the same way twice, mistakes included.
    exact = rng.random(n_dup) < 0.5
    copies, sources = np.flatnonzero(duplicate)[exact], dup_of[exact]
    for values in (*columns.values(), *kinds.values()):
        values[copies] = values[sources]
    kinds["duplicate"] = duplicate
    kinds["new_person"] = (np.arange(size) >= n_base) & ~duplicate

    order = rng.permutation(size)
    list_ids = row_ids("U", size, 6)
    shuffled = clean.take(order)
    typed = pa.table(
        {
            "id": list_ids,
            **{
                c: _arrow(columns[c][order], clean[c].type) if c in columns else shuffled[c]
                for c in clean.column_names
                if c != "id"
            },
        }
    )
    truth = pa.table(
        {
            "list_id": list_ids,
            "person_id": pa.array(person_id[order], pa.string()),
            "corruptions": _joined_kinds(kinds)[order],
        }
    )
    return typed, truth


def _extra_counts(size: int, rates: CorruptionRates) -> tuple[int, int]:
    """How many new people and duplicates; at least one row always comes from the population."""
    if size <= 0:
        raise ValueError("list size must be positive")
    n_new = min(round(size * rates.new_person), size - 1)
    n_dup = min(round(size * rates.duplicate), size - 1 - n_new, (size - n_new) // 2)
    return n_new, n_dup


def _ages(table: pa.Table, reference_date: date) -> npt.NDArray[np.int64]:
    born = table["tanggal_lahir"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return ((np.datetime64(reference_date, "D") - born).astype(np.int64) / 365.2425).astype(
        np.int64
    )


def _eligible(table: pa.Table, reference_date: date) -> npt.NDArray[np.bool_]:
    age = _ages(table, reference_date)
    work = table["pekerjaan"].to_numpy(zero_copy_only=False).astype(np.str_)
    return (age >= _WORKING_AGE[0]) & (age <= _WORKING_AGE[1]) & is_informal(work)


def _pick_workers(
    rng: np.random.Generator, population: pa.Table, n: int, reference_date: date
) -> npt.NDArray[np.intp]:
    """Informal workers of working age first; a few other adults slip in, children only if
    the population has nobody else."""
    adult = _ages(population, reference_date) >= _WORKING_AGE[0]
    rank = rng.random(population.num_rows) + np.where(
        _eligible(population, reference_date), 0.0, np.where(adult, 0.95, 2.0)
    )
    return np.sort(np.argsort(rank, kind="stable")[:n])


def _newcomers(population: pa.Table, n: int, seed: int, reference_date: date) -> pa.Table:
    """Working people of the same regency who are not in the population, NIK and KK unknown."""
    if n == 0:
        return population.slice(0, 0)
    regency = str(population["kode_wilayah"][0].as_py())[:5]
    other_seed = int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])
    candidates = generate_population(regency, 8 * n + 64, other_seed, reference_date)
    unknown = (
        ~pc.is_in(candidates["nik"], population["nik"]).to_numpy(zero_copy_only=False)
        & ~pc.is_in(candidates["kk"], population["kk"]).to_numpy(zero_copy_only=False)
        & _eligible(candidates, reference_date)
    )
    picked = np.flatnonzero(unknown)[:n]
    if len(picked) < n:
        raise RuntimeError("could not draw enough people outside the population")
    return candidates.take(picked)


def _typed(
    rng: np.random.Generator, clean: pa.Table, rates: CorruptionRates
) -> tuple[dict[str, npt.NDArray[np.generic]], Kinds]:
    def column(name: str) -> npt.NDArray[np.generic]:
        return np.asarray(clean[name].to_numpy(zero_copy_only=False))

    female = column("jenis_kelamin") == "P"
    nik, nik_kinds = corrupt_niks(rng, column("nik").astype(np.str_), rates)
    name, name_kinds = corrupt_names(rng, column("nama").astype(np.str_), female, rates)
    born, date_kinds = corrupt_dates(rng, column("tanggal_lahir").astype("datetime64[D]"), rates)
    sex, sex_kinds = corrupt_sexes(rng, column("jenis_kelamin").astype(np.str_), rates)
    village, village_kinds = corrupt_villages(rng, column("kode_wilayah").astype(np.str_), rates)
    typed = {"nik": nik, "nama": name, "tanggal_lahir": born, "jenis_kelamin": sex}
    typed["kode_wilayah"] = village
    return typed, {**nik_kinds, **name_kinds, **date_kinds, **sex_kinds, **village_kinds}


def _arrow(values: npt.NDArray[np.generic], type_: pa.DataType) -> pa.Array[pa.Scalar[pa.DataType]]:
    if np.issubdtype(values.dtype, np.datetime64):
        return pa.array(values, type_, mask=np.isnat(values))
    return pa.array(values, type_)


def _joined_kinds(kinds: Kinds) -> npt.NDArray[np.str_]:
    """'nik_typo;date_swap' per row, in KIND_ORDER; '' for a row typed without mistakes."""
    size = len(next(iter(kinds.values())))
    joined = np.full(size, "", dtype="U256")
    for kind in KIND_ORDER:
        mask = kinds[kind]
        joined = np.where(
            mask,
            np.where(joined == "", kind, np.strings.add(np.strings.add(joined, ";"), kind)),
            joined,
        )
    return joined

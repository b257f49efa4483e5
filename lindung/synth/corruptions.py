"""The mistakes village operators make when they type a list by hand.

Each function takes clean values for a sample of rows and returns the typed values plus, per
kind of mistake, a mask of the rows that got it. `None` in a returned array means "left empty".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lindung.synth import name_pools
from lindung.synth.numbers import date_parts

Strings = npt.NDArray[np.str_]
Objects = npt.NDArray[np.object_]
Mask = npt.NDArray[np.bool_]
Kinds = dict[str, Mask]


@dataclass(frozen=True)
class CorruptionRates:
    """Share of list rows that get each kind of mistake.

    Kinds of one field exclude each other (a NIK is mistyped or missing, not both); name
    mistakes can stack. `name_abbrev` and `date_swap` are shares of the rows where they can
    happen at all: names with Muhammad or Siti, dates whose day and month are both <= 12.
    """

    nik_typo: float = 0.03
    nik_swap: float = 0.02
    nik_missing: float = 0.03
    name_abbrev: float = 0.4
    name_middle: float = 0.04
    name_typo: float = 0.04
    name_title: float = 0.04
    name_case: float = 0.15
    date_swap: float = 0.15
    date_year_typo: float = 0.02
    date_missing: float = 0.02
    sex_missing: float = 0.02
    sex_wrong: float = 0.01
    village_missing: float = 0.02
    new_person: float = 0.03
    duplicate: float = 0.01


def corrupt_niks(
    rng: np.random.Generator, nik: Strings, rates: CorruptionRates
) -> tuple[Objects, Kinds]:
    n = len(nik)
    typo, swap, missing = _exclusive(rng, n, rates.nik_typo, rates.nik_swap, rates.nik_missing)
    digits = (np.frombuffer(nik.astype("S16").tobytes(), dtype=np.uint8).reshape(n, 16) - 48).copy()
    rows = np.arange(n)

    at = rng.integers(0, 16, n)
    shift = rng.integers(1, 10, n)
    digits[rows[typo], at[typo]] = (digits[rows[typo], at[typo]] + shift[typo]) % 10

    # Swapping two equal digits changes nothing, so only pairs that differ are candidates.
    differs = digits[:, :-1] != digits[:, 1:]
    pair = np.argmax(rng.random((n, 15)) * differs, axis=1)
    swap &= differs.any(axis=1)
    at_swap, at_pair = rows[swap], pair[swap]
    left, right = digits[at_swap, at_pair], digits[at_swap, at_pair + 1]
    digits[at_swap, at_pair], digits[at_swap, at_pair + 1] = right, left

    typed = np.frombuffer((digits + 48).astype(np.uint8).tobytes(), dtype="S16").astype("U16")
    out = typed.astype(object)
    out[missing] = None
    return out, {"nik_typo": typo, "nik_swap": swap, "nik_missing": missing}


def corrupt_dates(
    rng: np.random.Generator, born: npt.NDArray[np.datetime64], rates: CorruptionRates
) -> tuple[npt.NDArray[np.datetime64], Kinds]:
    """Dates come back as datetime64[D]; NaT where the operator left the date empty."""
    n = len(born)
    year, month, day = date_parts(born)
    year_typo, missing, swap = _exclusive(
        rng, n, rates.date_year_typo, rates.date_missing, rates.date_swap
    )
    swap &= (day <= 12) & (month <= 12) & (day != month)
    new_year = np.where(
        year_typo, year - year % 10 + (year % 10 + rng.integers(1, 10, n)) % 10, year
    )
    new_month, new_day = np.where(swap, day, month), np.where(swap, month, day)
    typed = _ymd(new_year, new_month, new_day)
    typed[missing] = np.datetime64("NaT")
    return typed, {"date_swap": swap, "date_year_typo": year_typo, "date_missing": missing}


def corrupt_sexes(
    rng: np.random.Generator, sex: Strings, rates: CorruptionRates
) -> tuple[Objects, Kinds]:
    missing, wrong = _exclusive(rng, len(sex), rates.sex_missing, rates.sex_wrong)
    out = np.where(wrong, np.where(sex == "L", "P", "L"), sex).astype(object)
    out[missing] = None
    return out, {"sex_missing": missing, "sex_wrong": wrong}


def corrupt_villages(
    rng: np.random.Generator, village: Strings, rates: CorruptionRates
) -> tuple[Objects, Kinds]:
    (missing,) = _exclusive(rng, len(village), rates.village_missing)
    out = village.astype(object)
    out[missing] = None
    return out, {"village_missing": missing}


_MUHAMMAD = ("M.", "Moh.", "Muh.", "Muhamad", "Mohammad")
_TITLES_BEFORE_MALE = ("H.", "Drs.")
_TITLES_BEFORE_FEMALE = ("Hj.", "Dra.")
_TITLES_AFTER = (", S.Pd.", ", S.Pd.I", ", S.E.", ", A.Md.", ", S.Ag.", ", S.H.", ", S.Sos.")
_ABBREVIABLE = re.compile(r"\b(Muhammad|Siti)\b")


def corrupt_names(
    rng: np.random.Generator, name: Strings, female: Mask, rates: CorruptionRates
) -> tuple[Strings, Kinds]:
    n = len(name)
    draws = rng.random((5, n))
    picks = rng.integers(0, 1 << 30, (4, n))
    abbrev = np.array([bool(_ABBREVIABLE.search(s)) for s in name]) & (draws[0] < rates.name_abbrev)
    kinds = {
        "name_abbrev": abbrev,
        "name_middle": draws[1] < rates.name_middle,
        "name_typo": draws[2] < rates.name_typo,
        "name_title": draws[3] < rates.name_title,
        "name_case": draws[4] < rates.name_case,
    }
    typed = [
        _typed_name(
            s, int(i), picks[:, i], bool(female[i]), {k: bool(m[i]) for k, m in kinds.items()}
        )
        for i, s in enumerate(name)
    ]
    return np.asarray(typed, dtype=np.str_), kinds


def _typed_name(
    name: str, row: int, pick: npt.NDArray[np.int64], female: bool, kinds: dict[str, bool]
) -> str:
    words = name.split(" ")
    if kinds["name_abbrev"]:
        words = [_MUHAMMAD[pick[0] % len(_MUHAMMAD)] if w == "Muhammad" else w for w in words]
        words = ["St." if w == "Siti" else w for w in words]
    if kinds["name_middle"]:
        words = _other_middle(words, int(pick[1]), female)
    typed = " ".join(words)
    if kinds["name_typo"]:
        typed = _letter_typo(typed, int(pick[2]))
    if kinds["name_title"]:
        typed = _titled(typed, int(pick[3]), female)
    if kinds["name_case"]:
        typed = _messy(typed, int(pick[3]) + row)
    return typed


def _other_middle(words: list[str], pick: int, female: bool) -> list[str]:
    """Drop a middle name when there is one, otherwise add one."""
    if len(words) >= 3:
        return words[:1] + words[2:]
    pool = name_pools.MELAYU_FEMALE_SECOND if female else name_pools.MELAYU_MALE_SECOND
    return [words[0], pool[pick % len(pool)], *words[1:]]


def _letter_typo(text: str, pick: int) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    at = letters[pick % len(letters)]
    action = (pick >> 8) % 3
    if action == 0:  # a neighbouring key
        replacement = chr((ord(text[at].lower()) - 97 + 1 + (pick >> 10) % 24) % 26 + 97)
        return (
            text[:at]
            + (replacement.upper() if text[at].isupper() else replacement)
            + text[at + 1 :]
        )
    if action == 1:  # a letter left out
        return text[:at] + text[at + 1 :]
    return text[:at] + text[at] + text[at:]  # a letter typed twice


def _titled(text: str, pick: int, female: bool) -> str:
    if pick % 3 == 0:
        return text + _TITLES_AFTER[(pick >> 2) % len(_TITLES_AFTER)]
    before = _TITLES_BEFORE_FEMALE if female else _TITLES_BEFORE_MALE
    return f"{before[(pick >> 2) % len(before)]} {text}"


def _messy(text: str, pick: int) -> str:
    style = pick % 4
    if style == 0:
        return text.upper()
    if style == 1:
        return text.lower()
    if style == 2:
        return text.replace(" ", "  ", 1) if " " in text else f" {text}"
    return f"{text.upper()} "


def _exclusive(rng: np.random.Generator, n: int, *rates: float) -> list[Mask]:
    """One mask per rate, no row in two masks: consecutive slices of one uniform draw."""
    u = rng.random(n)
    bounds = np.cumsum([0.0, *rates])
    return [(u >= lo) & (u < hi) for lo, hi in itertools.pairwise(bounds)]


def _ymd(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.datetime64]:
    months = (year - 1970) * 12 + (month - 1)
    first: npt.NDArray[np.datetime64] = months.astype("datetime64[M]").astype("datetime64[D]")
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]")
    # 29 February in a year that has none becomes the 28th.
    last_day = (following - first).astype(np.int64)
    offset = (np.minimum(day, last_day) - 1).astype("timedelta64[D]")
    result: npt.NDArray[np.datetime64] = first + offset
    return result

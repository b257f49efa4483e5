"""Full names by naming tradition, drawn for a whole population at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from lindung.synth import name_pools as pools

Strings = npt.NDArray[np.str_]


class Tradition(IntEnum):
    MELAYU = 0
    JAWA = 1
    BATAK = 2
    BALI = 3
    UMUM = 4


class Role(IntEnum):
    HEAD = 0
    SPOUSE = 1
    CHILD = 2


# Share of families following each tradition, by province code.
_MIX_SUMATRA = {Tradition.MELAYU: 0.6, Tradition.JAWA: 0.25, Tradition.UMUM: 0.15}
_MIX_JAVA = {Tradition.JAWA: 0.85, Tradition.UMUM: 0.15}
TRADITION_MIX: Mapping[str, Mapping[Tradition, float]] = {
    "17": {
        Tradition.MELAYU: 0.72,
        Tradition.JAWA: 0.23,
        Tradition.BATAK: 0.02,
        Tradition.UMUM: 0.03,
    },
    "12": {
        Tradition.BATAK: 0.85,
        Tradition.JAWA: 0.07,
        Tradition.MELAYU: 0.05,
        Tradition.UMUM: 0.03,
    },
    "51": {Tradition.BALI: 0.9, Tradition.JAWA: 0.07, Tradition.UMUM: 0.03},
    **dict.fromkeys(("11", "13", "14", "15", "16", "18", "19", "21"), _MIX_SUMATRA),
    **dict.fromkeys(("31", "32", "33", "34", "35", "36"), _MIX_JAVA),
}
_MIX_ELSEWHERE = {Tradition.UMUM: 0.7, Tradition.JAWA: 0.2, Tradition.MELAYU: 0.1}

# Names that almost always come with a second name and that operators abbreviate.
_MELAYU_MALE_FAVOURITES = {"Muhammad": 0.16, "Ahmad": 0.05}
_MELAYU_FEMALE_FAVOURITES = {"Siti": 0.14, "Nur": 0.05}
_NEEDS_SECOND = ("Muhammad", "Ahmad", "Abdul", "Siti", "Nur")


@dataclass(frozen=True)
class Kin:
    """What a naming tradition needs to know about each person."""

    female: npt.NDArray[np.bool_]
    age: npt.NDArray[np.int16]
    role: npt.NDArray[np.int8]
    birth_order: npt.NDArray[np.int8]
    """0 for a first-born child; random for heads and spouses, whose siblings we don't see."""
    family: npt.NDArray[np.intp]

    def subset(self, mask: npt.NDArray[np.bool_]) -> Kin:
        return Kin(
            self.female[mask],
            self.age[mask],
            self.role[mask],
            self.birth_order[mask],
            self.family[mask],
        )


def family_traditions(
    rng: np.random.Generator, province: str, n_families: int
) -> npt.NDArray[np.int8]:
    mix = TRADITION_MIX.get(province, _MIX_ELSEWHERE)
    kinds = np.array([int(t) for t in mix], dtype=np.int8)
    return rng.choice(kinds, size=n_families, p=np.array(list(mix.values())))


def full_names(
    rng: np.random.Generator, tradition: npt.NDArray[np.int8], kin: Kin, n_families: int
) -> Strings:
    """One name per person, following the tradition of the person's family."""
    names = np.empty(len(tradition), dtype="U64")
    for kind, namer in _NAMERS.items():
        mask = tradition == kind
        if mask.any():
            names[mask] = namer(rng, kin.subset(mask), n_families)
    return names


def _melayu(rng: np.random.Generator, kin: Kin, n_families: int) -> Strings:
    first = np.where(
        kin.female,
        _favoured(rng, pools.MELAYU_FEMALE, _MELAYU_FEMALE_FAVOURITES, len(kin.female)),
        _favoured(rng, pools.MELAYU_MALE, _MELAYU_MALE_FAVOURITES, len(kin.female)),
    )
    second = np.where(
        kin.female,
        _pick(rng, pools.MELAYU_FEMALE_SECOND, len(first)),
        _pick(rng, pools.MELAYU_MALE_SECOND, len(first)),
    )
    # The older generation more often carries a single name.
    keep = np.isin(first, _NEEDS_SECOND) | (
        rng.random(len(first)) < np.where(kin.age >= 50, 0.2, 0.55)
    )
    return _join(first, np.where(keep, second, ""))


def _jawa(rng: np.random.Generator, kin: Kin, n_families: int) -> Strings:
    n = len(kin.female)
    old = np.where(
        kin.female, _pick(rng, pools.JAWA_OLD_FEMALE, n), _pick(rng, pools.JAWA_OLD_MALE, n)
    )
    first = np.where(
        kin.female,
        _favoured(rng, pools.JAWA_FEMALE, {"Siti": 0.08}, n),
        _favoured(rng, pools.JAWA_MALE, {"Muhammad": 0.08}, n),
    )
    second = np.where(
        kin.female, _pick(rng, pools.JAWA_FEMALE_SECOND, n), _pick(rng, pools.JAWA_MALE_SECOND, n)
    )
    single = rng.random(n) < np.where(kin.age >= 45, 0.75, 0.1)
    return np.where(single, old, _join(first, second))


def _batak(rng: np.random.Generator, kin: Kin, n_families: int) -> Strings:
    n = len(kin.female)
    given = np.where(kin.female, _pick(rng, pools.BATAK_FEMALE, n), _pick(rng, pools.BATAK_MALE, n))
    middle = np.where(
        kin.female, _pick(rng, pools.BATAK_FEMALE, n), _pick(rng, pools.BATAK_MALE, n)
    )
    middle = np.where((rng.random(n) < 0.25) & (middle != given), middle, "")
    # Children carry the father's marga; a wife keeps her own, which is never her husband's.
    father_marga = rng.integers(0, len(pools.BATAK_MARGA), n_families)[kin.family]
    married_in = kin.female & (kin.role != Role.CHILD)
    own_shift = rng.integers(1, len(pools.BATAK_MARGA), n)
    marga_index = np.where(married_in, father_marga + own_shift, father_marga)
    marga = np.asarray(pools.BATAK_MARGA)[marga_index % len(pools.BATAK_MARGA)]
    boru = np.where(kin.female & (rng.random(n) < 0.3), "Br.", "")
    return _join(given, middle, boru, marga)


def _bali(rng: np.random.Generator, kin: Kin, n_families: int) -> Strings:
    n = len(kin.female)
    order = kin.birth_order % 4
    variant = rng.random(n)
    order_name = np.empty(n, dtype="U8")
    for female, table in ((False, pools.BALI_ORDER_MALE), (True, pools.BALI_ORDER_FEMALE)):
        for rank, options in enumerate(table):
            mask = (kin.female == female) & (order == rank)
            choice = (variant[mask] * len(options)).astype(np.intp)
            order_name[mask] = np.asarray(options)[choice]
    given = np.where(kin.female, _pick(rng, pools.BALI_FEMALE, n), _pick(rng, pools.BALI_MALE, n))
    return _join(np.where(kin.female, "Ni", "I"), order_name, given)


def _umum(rng: np.random.Generator, kin: Kin, n_families: int) -> Strings:
    n = len(kin.female)
    first = np.where(kin.female, _pick(rng, pools.UMUM_FEMALE, n), _pick(rng, pools.UMUM_MALE, n))
    last = np.where(
        kin.female, _pick(rng, pools.UMUM_LAST_FEMALE, n), _pick(rng, pools.UMUM_LAST_MALE, n)
    )
    return _join(first, np.where(rng.random(n) < 0.6, last, ""))


_NAMERS = {
    Tradition.MELAYU: _melayu,
    Tradition.JAWA: _jawa,
    Tradition.BATAK: _batak,
    Tradition.BALI: _bali,
    Tradition.UMUM: _umum,
}


def _pick(rng: np.random.Generator, pool: Sequence[str], n: int) -> Strings:
    return np.asarray(pool)[rng.integers(0, len(pool), n)]


def _favoured(
    rng: np.random.Generator, pool: Sequence[str], favourites: Mapping[str, float], n: int
) -> Strings:
    """Names from `pool`, except that each favourite takes its given share of the draws."""
    names = np.asarray([*favourites, *pool])
    share = np.array(list(favourites.values()))
    rest = (1.0 - share.sum()) / len(pool)
    return rng.choice(names, size=n, p=np.concatenate([share, np.full(len(pool), rest)]))


def _join(*parts: Strings) -> Strings:
    """Space-join the parts of each name, skipping empty parts."""
    result = parts[0]
    for part in parts[1:]:
        result = np.where(part == "", result, np.strings.add(np.strings.add(result, " "), part))
    return result

"""Occupations as written on the KTP, and the family's welfare decile that goes with them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lindung.synth.names import Tradition

Strings = npt.NDArray[np.str_]

NOT_WORKING = "belum/tidak bekerja"
STUDENT = "pelajar/mahasiswa"
HOMEMAKER = "mengurus rumah tangga"
RETIRED = "pensiunan"

# Informal work, the people the programme is for, with rough shares among working adults.
INFORMAL = {
    "petani": 0.16, "pekebun": 0.12, "buruh harian lepas": 0.12, "buruh tani": 0.07,
    "nelayan": 0.04, "pedagang keliling": 0.05, "pedagang kecil": 0.04, "ojek": 0.04,
    "tukang bangunan": 0.04, "peternak": 0.03, "tukang becak": 0.01, "pemulung": 0.01,
    "juru parkir": 0.01, "sopir": 0.02, "penjahit": 0.01, "guru ngaji": 0.01, "marbot": 0.005,
    "ketua RT": 0.01,
}  # fmt: skip
FORMAL = {
    "wiraswasta": 0.06, "karyawan swasta": 0.05, "pns": 0.03, "guru": 0.02,
    "perangkat desa": 0.015,
}  # fmt: skip
_MUSLIM_ONLY = ("guru ngaji", "marbot")
_MUSLIM_TRADITIONS = (Tradition.MELAYU, Tradition.JAWA)

# Welfare decile (1 poorest .. 10) by the head's kind of work; informal families sit low.
_DESIL_P = {
    "informal": [0.16, 0.16, 0.15, 0.13, 0.10, 0.08, 0.07, 0.06, 0.05, 0.04],
    "formal": [0.02, 0.03, 0.05, 0.07, 0.09, 0.11, 0.13, 0.15, 0.17, 0.18],
    "other": [0.12, 0.12, 0.12, 0.11, 0.11, 0.10, 0.09, 0.08, 0.08, 0.07],
}
_REGISTERED_SHARE = 0.8


def occupations(
    rng: np.random.Generator,
    age: npt.NDArray[np.int64],
    female: npt.NDArray[np.bool_],
    tradition: npt.NDArray[np.int8],
) -> Strings:
    n = len(age)
    jobs = {**INFORMAL, **FORMAL, NOT_WORKING: 0.04}
    names = np.asarray(list(jobs))
    work = rng.choice(names, size=n, p=np.array(list(jobs.values())) / sum(jobs.values()))
    # Christian and Hindu communities have no guru ngaji or marbot; they farm instead.
    muslim = np.isin(tradition, _MUSLIM_TRADITIONS)
    work = np.where(np.isin(work, _MUSLIM_ONLY) & ~muslim, "petani", work)
    u = rng.random(n)
    work = np.where(female & (age >= 18) & (u < 0.35), HOMEMAKER, work)
    work = np.where((age >= 18) & (age <= 22) & (u > 0.7), STUDENT, work)
    work = np.where((age >= 65) & (u < 0.3), NOT_WORKING, work)
    work = np.where((age >= 60) & (u > 0.95), RETIRED, work)
    work = np.where((age >= 5) & (age < 18) & ((age < 15) | (u < 0.9)), STUDENT, work)
    return np.where(age < 5, NOT_WORKING, work)


def family_desil(
    rng: np.random.Generator, head_work: Strings
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """(decile, registered) per family; unregistered families have no decile in the registry."""
    n = len(head_work)
    kind = np.where(
        np.isin(head_work, list(INFORMAL)),
        0,
        np.where(np.isin(head_work, list(FORMAL)), 1, 2),
    )
    desil = np.zeros(n, dtype=np.int8)
    for index, p in enumerate(_DESIL_P.values()):
        mask = kind == index
        desil[mask] = rng.choice(np.arange(1, 11, dtype=np.int8), size=int(mask.sum()), p=p)
    return desil, rng.random(n) < _REGISTERED_SHARE


def is_informal(work: Strings) -> npt.NDArray[np.bool_]:
    return np.isin(work, list(INFORMAL))

"""NIK, KK and phone numbers for whole arrays at once.

A NIK is PPRRSS (the issuing district) + DDMMYY (birth date, day + 40 for women) + a 4-digit
serial that tells apart people of the same district, birth date and sex. A KK number has the
same shape with the issue date of the card in place of the birth date and no +40.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Strings = npt.NDArray[np.str_]
Days = npt.NDArray[np.datetime64]

# Mobile prefixes in use (Telkomsel, Indosat, XL, Tri, Smartfren, Axis).
_MOBILE_PREFIXES = np.array(
    ["0811", "0812", "0813", "0821", "0822", "0852", "0853", "0814", "0815", "0816", "0855",
     "0856", "0857", "0858", "0817", "0818", "0819", "0859", "0877", "0878", "0831", "0832",
     "0838", "0895", "0896", "0897", "0898", "0881", "0882"]
)  # fmt: skip


def nik_numbers(
    district: Strings, birth: Days, female: npt.NDArray[np.bool_], serial: npt.NDArray[np.int64]
) -> Strings:
    """NIKs from dotted district codes ('17.05.01'), birth dates, sex and serials."""
    return _number(district, birth, np.where(female, 40, 0), serial)


def kk_numbers(district: Strings, issued: Days, serial: npt.NDArray[np.int64]) -> Strings:
    return _number(district, issued, np.zeros(len(district), dtype=np.int64), serial)


def serials(*keys: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """1, 2, 3... within each group of equal keys, in input order: a unique serial per group."""
    n = len(keys[0])
    order = np.lexsort((np.arange(n), *keys))
    starts = np.ones(n, dtype=bool)
    starts[1:] = np.logical_or.reduce([k[order][1:] != k[order][:-1] for k in keys])
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first
    return rank + 1


def phone_numbers(rng: np.random.Generator, n: int) -> Strings:
    prefix = _MOBILE_PREFIXES[rng.integers(0, len(_MOBILE_PREFIXES), n)]
    # Most numbers have 12 digits; older ones 11, newer ones 13.
    width = rng.choice(np.array([7, 8, 9]), size=n, p=[0.2, 0.6, 0.2])
    rest = rng.integers(0, 10**9, n) % (10**width)
    return np.strings.add(prefix, zero_padded(rest, width))


def date_parts(days: Days) -> tuple[npt.NDArray[np.int64], ...]:
    """(year, month, day) arrays of a datetime64[D] array."""
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    return year, month, day


def _number(
    district: Strings, day: Days, day_offset: npt.NDArray[np.int64], serial: npt.NDArray[np.int64]
) -> Strings:
    year, month, dd = date_parts(day)
    tail = ((dd + day_offset) * 100 + month) * 100 + year % 100
    tail = tail * 10_000 + serial
    return np.strings.add(np.strings.replace(district, ".", ""), zero_padded(tail, 10))


def zero_padded(values: npt.NDArray[np.int64], width: int | npt.NDArray[np.int64]) -> Strings:
    text = values.astype(np.str_)
    if isinstance(width, int):
        return np.strings.zfill(text, width)
    return np.strings.zfill(text, width.astype(np.int64))

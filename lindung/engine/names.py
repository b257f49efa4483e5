"""The comparable form of an Indonesian name as typed, for matching lists against each other.

Steps: Unicode NFKC, accents dropped, upper case; apostrophes join (MA'RUF -> MARUF), other
punctuation splits; titles dropped from the front and degrees from the back; common
abbreviations and spellings folded to one form:

| typed                                                     | becomes   | where              |
|-----------------------------------------------------------|-----------|--------------------|
| MOH, MOCH, MOHD, MUH, MHD, MOHAMAD, MOHAMMAD, MOHAMMED,   | MUHAMMAD  | any token          |
| MOHAMED, MOCHAMAD, MOCHAMMAD, MUCHAMAD, MUCHAMMAD,        |           |                    |
| MUHAMAD, MUHAMMED, MUHAMED                                |           |                    |
| M, MD                                                     | MUHAMMAD  | first of 2+ tokens |
| STI                                                       | SITI      | any token          |
| ST                                                        | SITI      | first of 2+ tokens |
| ABD                                                       | ABDUL     | any token          |
| ACHMAD, AKHMAD, AHMAT, ACHMAT                             | AHMAD     | any token          |

NUR/NOOR, ABDURRAHMAN and single initials such as A stay as typed: they are distinct spellings
people keep on their KTP. A name made only of titles (someone called "Dr") keeps them, so a
name with letters never becomes empty. No Django here: this runs over millions of rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# fmt: off
_MUHAMMAD = (
    "MOH", "MOCH", "MOHD", "MUH", "MHD", "MOHAMAD", "MOHAMMAD", "MOHAMMED", "MOHAMED",
    "MOCHAMAD", "MOCHAMMAD", "MUCHAMAD", "MUCHAMMAD", "MUHAMAD", "MUHAMMED", "MUHAMED",
)
_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(_MUHAMMAD, "MUHAMMAD"),
    "STI": "SITI",
    "ABD": "ABDUL",
    **dict.fromkeys(("ACHMAD", "AKHMAD", "AHMAT", "ACHMAT"), "AHMAD"),
}
# Only as the first of several tokens: elsewhere these are initials or a degree.
_FIRST_SPELLINGS = {"M": "MUHAMMAD", "MD": "MUHAMMAD", "ST": "SITI"}

# Keys are written without dots: "Hj." and "Hj" are both HJ, "K.H." is KH.
_TITLES = frozenset((
    "H", "HJ", "HJH", "HAJI", "HAJAH", "HAJJAH", "DR", "DRS", "DRA", "DRG", "IR", "PROF",
    "TN", "NY", "NN", "SDR", "SDRI", "BPK", "BAPAK", "IBU", "KYAI", "KIAI", "KH", "UST",
    "USTADZ", "USTAZ", "USTADZAH", "USTAZAH", "PDT", "RM", "ALM", "ALMH",
))
_DEGREES = frozenset((
    "SPD", "SPDI", "SPDSD", "SE", "SEI", "SH", "SHI", "SKOM", "ST", "SSOS", "SAG", "SKEP",
    "SKM", "SIP", "SIKOM", "SS", "SSI", "SP", "SPT", "STP", "SHUT", "SPSI", "SKED", "SFARM",
    "SKG", "SGZ", "STR", "SSTP", "SKEB", "SAK", "SAP", "SPPD", "SPA", "SPOG", "SPB", "SPM",
    "AMD", "AMDKEP", "AMDKEB", "AMK", "AMKEB", "AMA", "AMKG", "MPD", "MPDI", "MSI", "MM",
    "MH", "MKES", "MT", "MAG", "MKOM", "MSC", "MBA", "MAP", "MHUM", "MSOS", "MKEP", "MKM",
    "MFARM", "MEI", "MHI", "MIKOM", "PHD",
))
# fmt: on
_KNOWN_DOTTED = _TITLES | _DEGREES

_APOSTROPHES = re.compile(r"['‘’`´ʼ]")
# Keep letters, digits, dots (they mark abbreviations) and spaces; the rest separates words.
_SEPARATORS = re.compile(r"[^\w.\s]|_")


def _fold(text: str) -> str:
    """NFKC, accents off, upper case; repeated because upper() can re-introduce marks."""
    previous = None
    while text != previous:
        previous = text
        decomposed = unicodedata.normalize("NFKD", text.upper())
        text = unicodedata.normalize(
            "NFKC", "".join(c for c in decomposed if not unicodedata.combining(c))
        )
    return text


def _words(raw: str) -> list[str]:
    """Tokens without punctuation; a dotted title or degree ("S.Pd.") stays one token."""
    text = raw.upper() if raw.isascii() else _fold(raw)
    text = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text))
    words: list[str] = []
    for chunk in text.split():
        key = chunk.replace(".", "")
        if key in _KNOWN_DOTTED:
            words.append(key)
        else:
            words.extend(part for part in chunk.split(".") if part)
    return words


def _strip_titles(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in _TITLES:
        start += 1
    while start < end and words[end - 1] in _DEGREES:
        end -= 1
    return words[start:end]


def _respell(words: list[str]) -> list[str]:
    spelled = [_SPELLINGS.get(word, word) for word in words]
    if len(spelled) > 1:
        spelled[0] = _FIRST_SPELLINGS.get(spelled[0], spelled[0])
    return spelled


def normalize_name(raw: str) -> str:
    """'Hj. St. Aminah, S.Pd.' -> 'SITI AMINAH'; '' only when there is nothing to keep."""
    words = _words(raw)
    core = _strip_titles(words)
    return " ".join(_respell(core) if core else words)


def name_tokens(normalized: str) -> list[str]:
    return normalized.split()


_normalize_cached = lru_cache(maxsize=1 << 17)(normalize_name)


def normalize_names(values: Iterable[str | None]) -> list[str]:
    """`normalize_name` over a column; repeated names (common ones are) are computed once."""
    return [_normalize_cached(value) if value else "" for value in values]

"""The real villages of a regency, read from the bundled regions file (no database needed)."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lindung.regions.codes import REGENCY, is_code, level_of

REGIONS_CSV = Path(__file__).resolve().parents[1] / "regions" / "data" / "regions.csv.gz"


class UnknownRegency(LookupError):
    """The code is not a regency/city present in the regions file."""


@dataclass(frozen=True)
class Regency:
    code: str
    name: str
    village_codes: npt.NDArray[np.str_]
    village_districts: npt.NDArray[np.intp]
    """Index into district_codes for each village."""
    district_codes: npt.NDArray[np.str_]
    district_names: npt.NDArray[np.str_]
    sibling_district_codes: npt.NDArray[np.str_]
    """Districts of the other regencies in the same province: where movers came from."""
    sibling_regency_names: npt.NDArray[np.str_]
    defunct_district_codes: npt.NDArray[np.str_]
    """Well-formed district codes of this regency that no longer exist (pre-split codes)."""

    @property
    def short_name(self) -> str:
        """'Seluma' for 'Kabupaten Seluma': how people write it as a birthplace."""
        return _short(self.name)


@cache
def _all_regions() -> dict[str, str]:
    with gzip.open(REGIONS_CSV, "rt", encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def load_regency(code: str) -> Regency:
    """The regency `code` ('17.05') with its villages; UnknownRegency if it is not one."""
    if not is_code(code) or level_of(code) != REGENCY:
        raise UnknownRegency(code)
    regions = _all_regions()
    if code not in regions:
        raise UnknownRegency(code)
    province = code[:2]
    districts = sorted(c for c in regions if len(c) == 8 and c.startswith(code + "."))
    villages = sorted(c for c in regions if len(c) == 13 and c.startswith(code + "."))
    if not villages:
        raise UnknownRegency(code)
    siblings = sorted(
        c for c in regions if len(c) == 8 and c.startswith(province + ".") and c[:5] != code
    )
    sibling_regencies = sorted(
        c for c in regions if len(c) == 5 and c.startswith(province + ".") and c != code
    )
    existing = {c[6:8] for c in districts}
    defunct = [f"{code}.{n:02d}" for n in range(40, 100) if f"{n:02d}" not in existing][:8]
    district_index = {c: i for i, c in enumerate(districts)}
    return Regency(
        code=code,
        name=regions[code],
        village_codes=np.array(villages),
        village_districts=np.array([district_index[v[:8]] for v in villages], dtype=np.intp),
        district_codes=np.array(districts),
        district_names=np.array([regions[c] for c in districts]),
        sibling_district_codes=np.array(siblings or districts),
        sibling_regency_names=np.array(
            [_short(regions[c]) for c in sibling_regencies] or [_short(regions[code])]
        ),
        defunct_district_codes=np.array(defunct),
    )


def _short(name: str) -> str:
    return name.removeprefix("Kabupaten ").removeprefix("Kota ")

"""A synthetic population living in a regency's real villages, as one Arrow table.

Families come first (size, village, address, KK, welfare decile); members follow with ages
that fit their place in the family. Everything is drawn for all rows at once from one seeded
generator, so the same arguments always give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lindung.synth import name_pools
from lindung.synth.areas import Regency, load_regency
from lindung.synth.names import Kin, Role, family_traditions, full_names
from lindung.synth.numbers import kk_numbers, nik_numbers, phone_numbers, serials, zero_padded
from lindung.synth.occupations import family_desil, occupations

DEFAULT_REFERENCE_DATE = date(2026, 1, 1)
_FAMILY_SIZE_P = np.array([0.11, 0.17, 0.22, 0.23, 0.15, 0.08, 0.04])  # 1..7 members
_YEAR = 365.2425
# Where a family's NIKs were issued: here, another district of the regency, elsewhere in the
# province, or under a district code that has since disappeared.
_ORIGIN_P = np.array([0.85, 0.05, 0.07, 0.03])
_LOCAL, _OTHER_DISTRICT, _PROVINCE, _DEFUNCT = range(4)

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Families:
    size: Ints
    has_spouse: npt.NDArray[np.bool_]
    member_family: npt.NDArray[np.intp]
    member_rank: Ints

    @property
    def count(self) -> int:
        return len(self.size)


def generate_population(
    regency_code: str,
    people: int,
    seed: int,
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> pa.Table:
    """`people` residents of the regency `regency_code` ('17.05'), as of `reference_date`."""
    if people <= 0:
        raise ValueError("people must be positive")
    regency = load_regency(regency_code)
    rng = np.random.default_rng(seed)
    ref = np.datetime64(reference_date, "D")
    fam = _families(rng, people)
    role = _roles(fam)
    female = _sexes(rng, fam, role)
    age = _ages(rng, fam, role, female)
    birth = ref - (age * _YEAR + rng.random(people) * (_YEAR - 1)).astype("timedelta64[D]") - 1

    village = rng.choice(
        len(regency.village_codes), size=fam.count, p=_village_weights(rng, regency)
    )
    village_code = regency.village_codes[village]
    district = regency.district_codes[regency.village_districts[village]]
    head_birth = birth[fam.member_rank == 0]
    kk = _kk(rng, district, head_birth, ref)
    origin = rng.choice(4, size=fam.count, p=_ORIGIN_P)
    nik_district = _nik_districts(rng, regency, district, origin, fam, role)
    nik = nik_numbers(nik_district, birth, female, _nik_serials(nik_district, birth, female))

    kin = Kin(female, age.astype(np.int16), role, _birth_order(rng, fam, role), fam.member_family)
    tradition = family_traditions(rng, regency.code[:2], fam.count)[fam.member_family]
    work = occupations(rng, age, female, tradition)
    desil, registered = family_desil(rng, work[fam.member_rank == 0])
    phone = phone_numbers(rng, people)
    has_phone = (age >= 15) & (rng.random(people) < 0.7)
    f = fam.member_family
    return pa.table(
        {
            "id": row_ids("P", people, 7),
            "nik": nik,
            "kk": kk[f],
            "nama": full_names(rng, tradition, kin, fam.count),
            "tempat_lahir": _birthplaces(rng, regency, district, origin, fam, role),
            "tanggal_lahir": pa.array(birth, pa.date32()),
            "jenis_kelamin": np.where(female, "P", "L"),
            "kode_wilayah": village_code[f],
            "alamat": _addresses(rng, village_code)[f],
            "pekerjaan": work,
            "desil": pa.array(desil[f], pa.int8(), mask=~registered[f]),
            "no_hp": pa.array(phone, pa.string(), mask=~has_phone),
        }
    )


def row_ids(prefix: str, n: int, width: int) -> npt.NDArray[np.str_]:
    """'P0000001', 'P0000002', ...; wider only when n needs more digits."""
    return np.strings.add(prefix, zero_padded(np.arange(1, n + 1), max(width, len(str(n)))))


def _families(rng: np.random.Generator, people: int) -> _Families:
    # One draw per person is always enough families, since every family has a member.
    size = rng.choice(np.arange(1, 8), size=people, p=_FAMILY_SIZE_P)
    end = np.cumsum(size)
    count = int(np.searchsorted(end, people)) + 1
    size = size[:count]
    size[-1] -= end[count - 1] - people  # the last family is cut to fit exactly
    has_spouse = (size >= 2) & (rng.random(count) < np.where(size == 2, 0.6, 0.88))
    member_family = np.repeat(np.arange(count), size)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    return _Families(size, has_spouse, member_family, np.arange(people) - starts[member_family])


def _roles(fam: _Families) -> npt.NDArray[np.int8]:
    spouse = (fam.member_rank == 1) & fam.has_spouse[fam.member_family]
    role = np.full(len(fam.member_rank), Role.CHILD, dtype=np.int8)
    role[spouse] = Role.SPOUSE
    role[fam.member_rank == 0] = Role.HEAD
    return role


def _sexes(
    rng: np.random.Generator, fam: _Families, role: npt.NDArray[np.int8]
) -> npt.NDArray[np.bool_]:
    n = len(role)
    alone = fam.size == 1
    # Couples: the husband usually heads the card. Single parents are mostly mothers.
    head_female_p = np.where(fam.has_spouse, 0.03, np.where(alone, 0.5, 0.7))
    head_female = rng.random(fam.count) < head_female_p
    female = rng.random(n) < 0.49
    is_head = role == Role.HEAD
    female[is_head] = head_female
    spouse = role == Role.SPOUSE
    female[spouse] = ~head_female[fam.member_family[spouse]]
    return female


def _ages(
    rng: np.random.Generator,
    fam: _Families,
    role: npt.NDArray[np.int8],
    female: npt.NDArray[np.bool_],
) -> Ints:
    """Whole years, 0-90: children a few years apart, parents a generation older."""
    f = fam.member_family
    child = role == Role.CHILD
    first_child = child & (fam.member_rank == 1 + fam.has_spouse[f])
    # A child's gap is the years since the previous (older) sibling was born.
    gap = np.where(child & ~first_child, rng.integers(1, 6, len(role)), 0)
    total_gap = np.bincount(f, gap, fam.count)
    gap_so_far = np.cumsum(gap) - np.concatenate([[0], np.cumsum(total_gap)])[f]
    youngest = 30.0 * rng.beta(1.0, 1.5, fam.count)
    has_children = np.bincount(f[child], minlength=fam.count) > 0
    mother = np.where(
        has_children,
        youngest + total_gap + rng.uniform(19, 32, fam.count),
        _childless_adult_age(rng, fam.count),
    )
    husband = (role != Role.CHILD) & ~female & fam.has_spouse[f]
    partner_gap = rng.normal(4, 3, fam.count)
    age = np.where(child, youngest[f] + total_gap[f] - gap_so_far, mother[f])
    age = np.where(husband, np.maximum(mother[f] + partner_gap[f], 17), age)
    return np.clip(age, 0, 90).astype(np.int64)


def _childless_adult_age(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """Young people on their own card, or old people whose children have left."""
    young = rng.random(n) < 0.4
    return np.where(young, rng.uniform(18, 35, n), rng.uniform(55, 91, n))


def _birth_order(
    rng: np.random.Generator, fam: _Families, role: npt.NDArray[np.int8]
) -> npt.NDArray[np.int8]:
    first_child_rank = 1 + fam.has_spouse[fam.member_family]
    order = np.where(
        role == Role.CHILD, fam.member_rank - first_child_rank, rng.integers(0, 4, len(role))
    )
    return order.astype(np.int8)


def _village_weights(rng: np.random.Generator, regency: Regency) -> npt.NDArray[np.float64]:
    weights = rng.lognormal(0.0, 0.5, len(regency.village_codes))
    return np.asarray(weights / weights.sum())


def _kk(
    rng: np.random.Generator,
    district: npt.NDArray[np.str_],
    head_birth: npt.NDArray[np.datetime64],
    ref: np.datetime64,
) -> npt.NDArray[np.str_]:
    """KK numbers issued in the family's district, after the head came of age."""
    earliest = np.maximum(
        head_birth + np.timedelta64(int(18 * _YEAR), "D"),
        ref - np.timedelta64(int(15 * _YEAR), "D"),
    )
    earliest = np.minimum(earliest, ref - np.timedelta64(1, "D"))
    span = (ref - earliest).astype(np.int64)
    issued = earliest + (rng.random(len(district)) * span).astype("timedelta64[D]")
    serial = serials(_codes(district), issued.astype(np.int64))
    return kk_numbers(district, issued, serial)


def _nik_districts(
    rng: np.random.Generator,
    regency: Regency,
    district: npt.NDArray[np.str_],
    origin: Ints,
    fam: _Families,
    role: npt.NDArray[np.int8],
) -> npt.NDArray[np.str_]:
    """Where each person's NIK was issued: adults keep the code of where they came from."""
    n = fam.count
    elsewhere = np.select(
        [origin == _OTHER_DISTRICT, origin == _PROVINCE, origin == _DEFUNCT],
        [
            regency.district_codes[rng.integers(0, len(regency.district_codes), n)],
            regency.sibling_district_codes[rng.integers(0, len(regency.sibling_district_codes), n)],
            regency.defunct_district_codes[rng.integers(0, len(regency.defunct_district_codes), n)],
        ],
        district,
    )
    f = fam.member_family
    # About half the children were born after the move and registered here.
    born_here = (role == Role.CHILD) & (rng.random(len(role)) < 0.5)
    return np.where(born_here, district[f], elsewhere[f])


def _nik_serials(
    district: npt.NDArray[np.str_],
    birth: npt.NDArray[np.datetime64],
    female: npt.NDArray[np.bool_],
) -> Ints:
    return serials(_codes(district), birth.astype(np.int64), female.astype(np.int64))


def _codes(values: npt.NDArray[np.str_]) -> Ints:
    return np.unique(values, return_inverse=True)[1].astype(np.int64)


def _birthplaces(
    rng: np.random.Generator,
    regency: Regency,
    district: npt.NDArray[np.str_],
    origin: Ints,
    fam: _Families,
    role: npt.NDArray[np.int8],
) -> npt.NDArray[np.str_]:
    """Adults were born anywhere nearby; most children where the family lives now."""
    f = fam.member_family
    home = _places(rng, regency, district, origin)
    own = _places(rng, regency, district[f], origin[f])
    stayed = (role == Role.CHILD) & (rng.random(len(role)) < 0.85)
    return np.where(stayed, home[f], own)


def _places(
    rng: np.random.Generator, regency: Regency, district: npt.NDArray[np.str_], origin: Ints
) -> npt.NDArray[np.str_]:
    n = len(district)
    district_name = regency.district_names[np.searchsorted(regency.district_codes, district)]
    elsewhere = regency.sibling_regency_names[
        rng.integers(0, len(regency.sibling_regency_names), n)
    ]
    u = rng.random(n)
    local = np.where(u < 0.45, regency.short_name, np.where(u < 0.85, district_name, elsewhere))
    return np.where((origin == _PROVINCE) & (u < 0.7), elsewhere, local)


_ROMAN = np.array(["I", "II", "III", "IV", "V", "VI"])


def _addresses(
    rng: np.random.Generator, village_code: npt.NDArray[np.str_]
) -> npt.NDArray[np.str_]:
    """'Dusun II RT 003/RW 001' in a desa, 'Jl. Melati No. 12 RT 004/RW 002' in a kelurahan."""
    n = len(village_code)
    rt_rw = np.strings.add(
        np.strings.add(" RT ", zero_padded(rng.integers(1, 13, n), 3)),
        np.strings.add("/RW ", zero_padded(rng.integers(1, 6, n), 3)),
    )
    dusun = np.strings.add("Dusun ", _ROMAN[rng.integers(0, len(_ROMAN), n)])
    street = np.strings.add(
        np.strings.add(
            "Jl. ", np.asarray(name_pools.STREETS)[rng.integers(0, len(name_pools.STREETS), n)]
        ),
        np.strings.add(" No. ", rng.integers(1, 120, n).astype(np.str_)),
    )
    kelurahan = np.strings.startswith(village_code, "1", 9)
    return np.strings.add(np.where(kelurahan, street, dusun), rt_rw)

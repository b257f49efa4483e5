"""A synthetic verification: proposals, reference lists and what verification should find.

For tests, benchmarks and demos. Starts from a `lindung.synth` population and a village
list made from it; picks disjoint groups of listed people and puts them where a check must
find them (a BPJS extract, the exclusion and death lists, another programme, the programme's
members, another village's proposals, a village outside the regency). The welfare registry
is the population less one group of listed people. Everything is drawn from one seeded
generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lindung.synth.occupations import FORMAL, INFORMAL, NOT_WORKING

OCCUPATIONS = (*sorted(INFORMAL), *sorted(FORMAL), NOT_WORKING)
ELIGIBLE_OCCUPATION_IDS = frozenset(range(1, len(INFORMAL) + 1))
# Share of the listed people put into each list, and the code each must then get.
INJECTED = {
    "death": ("DECEASED", 0.01),
    "bpjs": ("BPJS_ACTIVE", 0.02),
    "bpjs_inactive": (None, 0.01),
    "exclusion": ("EXCLUDED", 0.01),
    "programme": ("OTHER_PROGRAMME", 0.01),
    "member": ("ALREADY_MEMBER", 0.005),
    "elsewhere": ("PROPOSED_ELSEWHERE", 0.005),
    "outside": ("DOMICILE_OUTSIDE", 0.01),
    "unregistered": ("NOT_IN_REGISTRY", 0.02),
}
_ID_BASE = {"bpjs": 10**9, "exclusion": 2 * 10**9, "death": 3 * 10**9, "programme": 4 * 10**9}
_CATEGORIES = ("ASN", "PPPK", "TNI", "Polri")
_SEGMENTS = ("pu", "bpu", "jakon", "pmi")
_OUTSIDE_REGENCY = "99.01"

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Scenario:
    proposals: pa.Table
    welfare: pa.Table
    bpjs: pa.Table
    exclusions: pa.Table
    deaths: pa.Table
    other_programmes: pa.Table
    members: pa.Table
    other_proposals: pa.Table
    expected: pa.Table
    """proposal_id, person (population row or -1), injected (a code or null), corruptions
    (as in the village list's truth), duplicate (the person is listed more than once)."""


def build_scenario(
    population: pa.Table,
    village_list: pa.Table,
    truth: pa.Table,
    *,
    seed: int,
    filler: dict[str, int] | None = None,
    programme_id: int = 1,
    period_id: int = 1,
) -> Scenario:
    """`filler`: how many other population people each list holds besides the injected ones
    (keys bpjs, exclusion, death, programme)."""
    rng = np.random.default_rng(seed)
    n = village_list.num_rows
    person = _person_rows(population, truth)
    listed = np.zeros(population.num_rows, dtype=bool)
    listed[person[person >= 0]] = True
    repeated = _repeated(person)
    candidates = rng.permutation(np.flatnonzero((person >= 0) & ~repeated))
    groups: dict[str, Ints] = {}
    start = 0
    for kind, (_, share) in INJECTED.items():
        size = round(n * share)
        groups[kind] = candidates[start : start + size]
        start += size
    others = np.flatnonzero(~listed)
    filler = filler or {}

    def reference(kind: str, rows: Ints) -> pa.Table:
        extra = rng.choice(others, size=min(filler.get(kind, 0), len(others)), replace=False)
        people = np.concatenate([rows, extra])
        return _reference(population.take(people), _ID_BASE[kind], kind, rng)

    bpjs_rows = np.concatenate([person[groups["bpjs"]], person[groups["bpjs_inactive"]]])
    bpjs = reference("bpjs", bpjs_rows)
    inactive = np.zeros(bpjs.num_rows, dtype=bool)
    inactive[len(groups["bpjs"]) : len(bpjs_rows)] = True
    bpjs = bpjs.set_column(bpjs.schema.get_field_index("aktif"), "aktif", pa.array(~inactive))
    injected = np.full(n, None, dtype=object)
    for kind, (code, _) in INJECTED.items():
        injected[groups[kind]] = code
    return Scenario(
        proposals=_proposals(village_list, groups["outside"], programme_id, period_id),
        welfare=_without(_with_ids(population, 1), person[groups["unregistered"]]),
        bpjs=bpjs,
        exclusions=reference("exclusion", person[groups["exclusion"]]),
        deaths=reference("death", person[groups["death"]]),
        other_programmes=reference("programme", person[groups["programme"]]),
        members=pa.table(
            {
                "nik": population["nik"].take(person[groups["member"]]),
                "programme_id": pa.array(np.full(len(groups["member"]), programme_id + 1)),
            }
        ),
        other_proposals=pa.table(
            {
                "proposal_id": pa.array(10**9 + np.arange(len(groups["elsewhere"]))),
                "nik": population["nik"].take(person[groups["elsewhere"]]),
                "kode_wilayah": population["kode_wilayah"].take(person[groups["elsewhere"]]),
                "period_id": pa.array(np.full(len(groups["elsewhere"]), period_id)),
            }
        ),
        expected=pa.table(
            {
                "proposal_id": pa.array(np.arange(1, n + 1)),
                "person": pa.array(person),
                "injected": pa.array(injected, pa.string()),
                "corruptions": truth["corruptions"],
                "duplicate": pa.array(repeated),
            }
        ),
    )


def _person_rows(population: pa.Table, truth: pa.Table) -> Ints:
    """Population row of each list row, -1 for people not in the population."""
    index = pc.index_in(truth["person_id"], value_set=population["id"])
    return np.asarray(index.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _repeated(person: Ints) -> npt.NDArray[np.bool_]:
    known = person >= 0
    _, inverse, counts = np.unique(person[known], return_inverse=True, return_counts=True)
    repeated = np.zeros(len(person), dtype=bool)
    repeated[known] = counts[inverse] > 1
    return repeated


def _with_ids(table: pa.Table, first: int) -> pa.Table:
    ids = pa.array(np.arange(first, first + table.num_rows, dtype=np.int64))
    return table.set_column(table.schema.get_field_index("id"), "id", ids)


def _without(table: pa.Table, rows: Ints) -> pa.Table:
    keep = np.ones(table.num_rows, dtype=bool)
    keep[rows] = False
    return table.filter(pa.array(keep))


def _reference(people: pa.Table, first_id: int, kind: str, rng: np.random.Generator) -> pa.Table:
    n = people.num_rows
    base = _with_ids(people, first_id).select(
        ["id", "nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah", "kk"]
    )
    if kind == "bpjs":
        kpj = rng.integers(10**10, 10**11, n).astype(str)
        return (
            base.append_column("kpj", pa.array(kpj))
            .append_column("segmen", pa.array(rng.choice(_SEGMENTS, n)))
            .append_column("aktif", pa.array(np.ones(n, dtype=bool)))
        )
    if kind == "exclusion":
        return base.append_column("kategori", pa.array(rng.choice(_CATEGORIES, n)))
    if kind == "death":
        days = rng.integers(0, 3 * 365, n)
        died = np.datetime64(date(2025, 12, 1), "D") - days.astype("timedelta64[D]")
        return base.append_column("tanggal_kejadian", pa.array(died, pa.date32()))
    return base.append_column("program", pa.array(np.full(n, "Jamsos Provinsi")))


def _proposals(
    village_list: pa.Table, outside: Ints, programme_id: int, period_id: int
) -> pa.Table:
    n = village_list.num_rows
    village = np.asarray(village_list["kode_wilayah"].to_numpy(zero_copy_only=False), dtype=object)
    moved = np.where(village[outside] == None, "00.00.01.2001", village[outside])  # noqa: E711
    # The same district and village numbers under a regency outside the programme.
    village[outside] = np.strings.add(_OUTSIDE_REGENCY, np.strings.slice(moved.astype(str), 5))
    occupation = pc.index_in(village_list["pekerjaan"], value_set=pa.array(OCCUPATIONS))
    return pa.table(
        {
            "proposal_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "nik": village_list["nik"],
            "nama": village_list["nama"],
            "tanggal_lahir": village_list["tanggal_lahir"],
            "jenis_kelamin": village_list["jenis_kelamin"],
            "kode_wilayah": pa.array(village, pa.string()),
            "pekerjaan_id": pc.add(occupation, 1).cast(pa.int64()),
            "pekerjaan": village_list["pekerjaan"],
            "period_id": pa.array(np.full(n, period_id, dtype=np.int64)),
            "programme_id": pa.array(np.full(n, programme_id, dtype=np.int64)),
        }
    )

"""Every reason code on small hand-written tables: who gets it, who does not, and the evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from lindung.engine.verify import (
    CODES,
    DEFAULT_SEVERITIES,
    TEMPLATES,
    Rules,
    VerifyInputError,
    render,
    verify,
)
from lindung.people.nik import compose_nik

RULES = Rules(
    region_code="17.05",
    reference_date=date(2025, 12, 31),
    min_age=18,
    max_age=60,
    requires_registry=True,
    max_desil=5,
    eligible_occupation_ids=frozenset({1, 2}),
)
VILLAGE = "17.05.01.2001"
_FIELDS: list[pa.Field[Any]] = [
    pa.field("proposal_id", pa.int64()),
    pa.field("nik", pa.string()),
    pa.field("nama", pa.string()),
    pa.field("tanggal_lahir", pa.date32()),
    pa.field("jenis_kelamin", pa.string()),
    pa.field("kode_wilayah", pa.string()),
    pa.field("pekerjaan_id", pa.int64()),
    pa.field("period_id", pa.int64()),
    pa.field("programme_id", pa.int64()),
]
PROPOSAL_SCHEMA = pa.schema(_FIELDS)
# Person key -> (name, sex, birth date); NIK serial = position + 1, so no two share a NIK.
PEOPLE: dict[str, tuple[str, str, date]] = {
    "clean": ("Budi Santoso", "L", date(1990, 5, 17)),
    "rich": ("Siti Aminah", "P", date(1985, 3, 5)),
    "bpjs": ("Agus Salim", "L", date(1980, 1, 1)),
    "bpjs_inactive": ("Dewi Lestari", "P", date(1992, 2, 2)),
    "excluded": ("Joko Susilo", "L", date(1975, 7, 7)),
    "dead": ("Rina Marlina", "P", date(1988, 8, 8)),
    "funded": ("Hendra Gunawan", "L", date(1983, 3, 13)),
    "member": ("Yusuf Maulana", "L", date(1991, 11, 11)),
    "member_other": ("Ahmad Fauzi", "L", date(1979, 9, 9)),
    "elsewhere": ("Wati Suryani", "P", date(1987, 7, 17)),
    "typo_bpjs": ("Bambang Irawan", "L", date(1970, 10, 10)),
    "old": ("Slamet Riyadi", "L", date(1960, 1, 1)),
    "young": ("Putri Ayu", "P", date(2010, 1, 1)),
    "outside": ("Teguh Prakoso", "L", date(1989, 4, 4)),
    "unregistered": ("Nur Hidayah", "P", date(1993, 3, 23)),
    "occupation": ("Eko Prasetyo", "L", date(1986, 6, 6)),
    "no_occupation": ("Sri Wahyuni", "P", date(1984, 4, 14)),
    "collides": ("Andi Wijaya", "L", date(1982, 2, 12)),
    "twice": ("Lukman Hakim", "L", date(1978, 8, 18)),
    "registry_twice": ("Rudi Hartono", "L", date(1981, 1, 21)),
    "dead_unregistered": ("Fitri Handayani", "P", date(1994, 12, 12)),
    "dead_spelled": ("Maya Sari", "P", date(1990, 6, 16)),
}
KEYS = list(PEOPLE)


def nik(key: str) -> str:
    _, sex, born = PEOPLE[key]
    return compose_nik("17.05.01", born, sex, KEYS.index(key) + 1)


def pid(key: str) -> int:
    return KEYS.index(key) + 1


def _typo(value: str) -> str:
    """The last digit changed: the NIK stays well-formed, so only linkage can see through it."""
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def proposal(key: str, **overrides: Any) -> dict[str, Any]:
    name, sex, born = PEOPLE[key]
    row = {
        "proposal_id": pid(key),
        "nik": nik(key),
        "nama": name,
        "tanggal_lahir": born,
        "jenis_kelamin": sex,
        "kode_wilayah": VILLAGE,
        "pekerjaan_id": 1,
        "period_id": 1,
        "programme_id": 1,
    }
    return {**row, **overrides}


def record(key: str, record_id: int, **extra: Any) -> dict[str, Any]:
    name, sex, born = PEOPLE[key]
    row = {
        "id": record_id,
        "nik": nik(key),
        "nama": name,
        "tanggal_lahir": born,
        "jenis_kelamin": sex,
        "kode_wilayah": VILLAGE,
    }
    return {**row, **extra}


def proposals_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=PROPOSAL_SCHEMA)


def _proposals() -> pa.Table:
    special: dict[str, dict[str, Any]] = {
        "typo_bpjs": {"nik": _typo(nik("typo_bpjs"))},
        "outside": {"kode_wilayah": "17.06.01.2001"},
        "occupation": {"pekerjaan_id": 9},
        "no_occupation": {"pekerjaan_id": None},
        "dead_unregistered": {"nik": _typo(nik("dead_unregistered"))},
    }
    rows = [proposal(key, **special.get(key, {})) for key in KEYS]
    rows.append(proposal("twice", proposal_id=100))
    return proposals_table(rows)


def _welfare() -> pa.Table:
    absent = {"unregistered", "dead_unregistered"}
    rows = [
        record(key, 1000 + i, desil=7 if key == "rich" else 3)
        for i, key in enumerate(KEYS)
        if key not in absent
    ]
    # The registry holds this person twice: linkage cannot choose, a verifier must.
    rows.append(record("registry_twice", 1999, desil=3))
    return pa.Table.from_pylist(rows)


def _references() -> dict[str, Any]:
    return {
        "bpjs": pa.Table.from_pylist(
            [
                record("bpjs", 2001, kpj="12345678901", segmen="bpu", aktif=True),
                record("bpjs_inactive", 2002, kpj="22222222222", segmen="pu", aktif=False),
                record("typo_bpjs", 2003, kpj="33333333333", segmen="jakon", aktif=True),
            ]
        ),
        "exclusions": pa.Table.from_pylist([record("excluded", 3001, kategori="TNI")]),
        "deaths": pa.Table.from_pylist(
            [
                record("dead", 4001, tanggal_kejadian=date(2025, 3, 3)),
                record("collides", 4002, nama="Sumarni", jenis_kelamin="P"),
                record("dead_unregistered", 4003, tanggal_kejadian=date(2024, 1, 9)),
                record("dead_spelled", 4004, nama="Mayasari"),
            ]
        ),
        "other_programmes": pa.Table.from_pylist(
            [record("funded", 5001, program="Jamsos Provinsi Bengkulu")]
        ),
        "members": pa.table({"nik": [nik("member"), nik("member_other")], "programme_id": [1, 2]}),
        "other_proposals": pa.table(
            {
                "proposal_id": [900, 901],
                "nik": [nik("elsewhere"), nik("clean")],
                "kode_wilayah": ["17.05.02.2003", "17.05.02.2003"],
                "period_id": [1, 2],
            }
        ),
    }


@pytest.fixture(scope="module")
def result():
    return verify(_proposals(), rules=RULES, welfare=_welfare(), **_references())


def findings_of(result: Any, key: str, code: str | None = None) -> list[dict[str, Any]]:
    return [
        row
        for row in result.findings.to_pylist()
        if row["proposal_id"] == pid(key) and (code is None or row["code"] == code)
    ]


def codes_of(result: Any, key: str) -> set[str]:
    return {row["code"] for row in findings_of(result, key)}


def summary_of(result: Any, key: str) -> dict[str, Any]:
    return next(row for row in result.summary.to_pylist() if row["proposal_id"] == pid(key))


def test_a_clean_proposal_has_no_finding_and_carries_its_registry_record(result):
    assert codes_of(result, "clean") == set()
    assert summary_of(result, "clean") == {
        "proposal_id": pid("clean"),
        "outcome": "ok",
        "welfare_id": 1000,
        "desil": 3,
    }


def test_findings_have_the_contract_columns_in_input_order(result):
    assert result.findings.column_names[:8] == [
        "proposal_id",
        "code",
        "severity",
        "message",
        "evidence_kind",
        "evidence_id",
        "score",
        "explanation",
    ]
    assert result.summary.column("proposal_id").to_pylist() == [*range(1, len(KEYS) + 1), 100]
    assert result.counts["proposals"] == len(KEYS) + 1
    assert sum(result.counts[o] for o in ("ok", "warn", "review", "reject")) == len(KEYS) + 1


def test_a_nik_with_letters_is_a_nik_format_finding():
    table = proposals_table([proposal("clean", nik="17050I1705900001")])
    (row,) = verify(
        table, rules=replace(RULES, requires_registry=False, max_desil=None)
    ).findings.to_pylist()
    assert (row["code"], row["severity"]) == ("NIK_FORMAT", "reject")
    assert "«I»" in row["message"]


def test_a_mistyped_nik_still_finds_the_registry_and_says_which_nik_is_right(result):
    (row,) = findings_of(result, "typo_bpjs", "NIK_REGISTRY_DIFFERS")
    assert nik("typo_bpjs") in row["message"] and _typo(nik("typo_bpjs")) in row["message"]
    assert (row["evidence_kind"], row["evidence_id"]) == ("welfare", 1000 + KEYS.index("typo_bpjs"))
    assert row["score"] > 0.99 and row["severity"] == "warn"
    assert summary_of(result, "typo_bpjs")["welfare_id"] == 1000 + KEYS.index("typo_bpjs")
    assert "NIK_REGISTRY_DIFFERS" not in codes_of(result, "clean")


def test_the_registry_nik_finds_the_bpjs_participant_behind_a_mistyped_nik(result):
    (row,) = findings_of(result, "typo_bpjs", "BPJS_ACTIVE")
    assert row["evidence_id"] == 2003
    assert "KPJ 33333333333, segmen Jasa Konstruksi" in row["message"]


def test_age_is_counted_in_full_years_on_the_reference_date(result):
    (above,) = findings_of(result, "old", "AGE_OUT_OF_RANGE")
    assert above["message"] == (
        "Umur 65 tahun pada 31 Desember 2025, di atas batas 60 tahun program."
    )
    (below,) = findings_of(result, "young", "AGE_OUT_OF_RANGE")
    assert below["message"].startswith("Umur 15 tahun pada 31 Desember 2025, di bawah batas 18")
    assert "AGE_OUT_OF_RANGE" not in codes_of(result, "clean")


@pytest.mark.parametrize(
    ("born", "flagged"),
    [(date(1965, 12, 31), False), (date(1965, 1, 1), False), (date(1964, 12, 31), True)],
)
def test_the_age_limit_is_inclusive(born, flagged):
    row = proposal("clean", tanggal_lahir=born, nik=compose_nik("17.05.01", born, "L", 7))
    findings = verify(
        proposals_table([row]), rules=replace(RULES, requires_registry=False, max_desil=None)
    ).findings
    assert ("AGE_OUT_OF_RANGE" in findings.column("code").to_pylist()) is flagged


def test_without_a_stated_birth_date_the_age_comes_from_the_nik():
    row = proposal("old", tanggal_lahir=None)
    findings = verify(
        proposals_table([row]), rules=replace(RULES, requires_registry=False, max_desil=None)
    ).findings
    assert findings.column("code").to_pylist() == ["AGE_OUT_OF_RANGE"]
    assert "Umur 65 tahun" in findings.column("message")[0].as_py()


def test_a_village_outside_the_programme_region_is_domicile_outside(result):
    (row,) = findings_of(result, "outside", "DOMICILE_OUTSIDE")
    assert "17.06.01.2001" in row["message"] and "(17.05)" in row["message"]
    assert "DOMICILE_OUTSIDE" not in codes_of(result, "clean")


def test_only_the_second_proposal_of_a_nik_is_a_duplicate(result):
    assert "DUPLICATE_IN_BATCH" not in codes_of(result, "twice")
    (row,) = [r for r in result.findings.to_pylist() if r["proposal_id"] == 100]
    assert (row["code"], row["evidence_kind"], row["evidence_id"]) == (
        "DUPLICATE_IN_BATCH",
        "proposal",
        pid("twice"),
    )


def test_the_same_registry_person_under_two_niks_is_a_duplicate():
    rows = [proposal("clean"), proposal("clean", proposal_id=50, nik=_typo(nik("clean")))]
    result = verify(proposals_table(rows), rules=RULES, welfare=_welfare())
    duplicates = [r for r in result.findings.to_pylist() if r["code"] == "DUPLICATE_IN_BATCH"]
    assert [(r["proposal_id"], r["template"]) for r in duplicates] == [(50, "duplicate_person")]


def test_a_nik_proposed_by_another_village_in_the_period_goes_to_review(result):
    (row,) = findings_of(result, "elsewhere", "PROPOSED_ELSEWHERE")
    assert (row["severity"], row["evidence_id"]) == ("review", 900)
    assert "17.05.02.2003" in row["message"]
    # The clean person was proposed elsewhere too, but in another period.
    assert "PROPOSED_ELSEWHERE" not in codes_of(result, "clean")


def test_an_active_member_is_already_member(result):
    (same,) = findings_of(result, "member", "ALREADY_MEMBER")
    assert same["template"] == "already_member_same"
    (other,) = findings_of(result, "member_other", "ALREADY_MEMBER")
    assert "ID program 2" in other["message"]
    assert "ALREADY_MEMBER" not in codes_of(result, "clean")


def test_an_active_bpjs_participant_is_rejected_with_the_kpj(result):
    (row,) = findings_of(result, "bpjs", "BPJS_ACTIVE")
    assert row["message"] == (
        "Terdaftar aktif di BPJS Ketenagakerjaan (KPJ 12345678901, segmen BPU (bukan penerima "
        "upah)) — sudah terlindungi, tidak boleh dibayar dua kali."
    )
    assert (row["evidence_kind"], row["evidence_id"], row["severity"]) == ("bpjs", 2001, "reject")
    assert codes_of(result, "bpjs_inactive") == set()


def test_an_excluded_category_is_named(result):
    (row,) = findings_of(result, "excluded", "EXCLUDED")
    assert "Tercatat sebagai TNI" in row["message"] and row["evidence_id"] == 3001
    assert "EXCLUDED" not in codes_of(result, "clean")


def test_a_recorded_death_is_deceased_with_its_date(result):
    (row,) = findings_of(result, "dead", "DECEASED")
    assert "meninggal dunia pada 3 Maret 2025" in row["message"]
    assert row["evidence_id"] == 4001


def test_a_death_is_found_through_linkage_when_the_nik_is_mistyped(result):
    (row,) = findings_of(result, "dead_unregistered", "DECEASED")
    assert row["evidence_id"] == 4003 and row["score"] > 0.99
    assert row["explanation"].startswith("Sesuai:")


def test_a_similar_spelling_in_the_death_list_is_still_the_person(result):
    assert "DECEASED" in codes_of(result, "dead_spelled")
    assert "NAME_MISMATCH" not in codes_of(result, "dead_spelled")


def test_a_nik_listed_under_a_very_different_name_is_a_name_mismatch_not_a_death(result):
    codes = codes_of(result, "collides")
    assert "DECEASED" not in codes
    (row,) = findings_of(result, "collides", "NAME_MISMATCH")
    assert "atas nama Sumarni" in row["message"] and "Andi Wijaya" in row["message"]
    assert (row["evidence_kind"], row["evidence_id"], row["severity"]) == ("death", 4002, "review")


def test_funding_by_another_programme_names_it(result):
    (row,) = findings_of(result, "funded", "OTHER_PROGRAMME")
    assert "Jamsos Provinsi Bengkulu" in row["message"]


def test_a_person_missing_from_the_registry_is_rejected_when_the_programme_requires_it(result):
    (row,) = findings_of(result, "unregistered", "NOT_IN_REGISTRY")
    assert row["severity"] == "reject" and row["evidence_id"] is None
    assert summary_of(result, "unregistered")["welfare_id"] is None
    assert "NOT_IN_REGISTRY" not in codes_of(result, "clean")


def test_not_in_registry_is_only_a_warning_when_the_registry_is_not_required():
    rules = replace(RULES, requires_registry=False)
    result = verify(proposals_table([proposal("unregistered")]), rules=rules, welfare=_welfare())
    assert [(r["code"], r["severity"]) for r in result.findings.to_pylist()] == [
        ("NOT_IN_REGISTRY", "warn")
    ]
    assert result.summary.column("outcome").to_pylist() == ["warn"]


def test_a_desil_above_the_limit_is_rejected_with_the_record(result):
    (row,) = findings_of(result, "rich", "DESIL_ABOVE_LIMIT")
    assert row["message"].startswith("Desil 7 di data kesejahteraan")
    assert summary_of(result, "rich")["desil"] == 7
    assert "DESIL_ABOVE_LIMIT" not in codes_of(result, "clean")


def test_an_occupation_outside_the_programme_is_not_eligible(result):
    (row,) = findings_of(result, "occupation", "OCCUPATION_NOT_ELIGIBLE")
    assert row["template"] == "occupation_not_eligible" and "ID 9" in row["message"]
    (missing,) = findings_of(result, "no_occupation", "OCCUPATION_NOT_ELIGIBLE")
    assert missing["template"] == "occupation_missing"


def test_two_equal_registry_candidates_go_to_clerical_review(result):
    (row,) = findings_of(result, "registry_twice", "UNCERTAIN_MATCH")
    assert row["evidence_kind"] == "welfare" and row["evidence_id"] in (
        1999,
        1000 + KEYS.index("registry_twice"),
    )
    # Both candidates score alike; neither is convincing against the other.
    assert row["severity"] == "review" and row["score"] >= 0.5
    assert "NOT_IN_REGISTRY" not in codes_of(result, "registry_twice")
    assert summary_of(result, "registry_twice")["outcome"] == "review"


def test_the_worst_severity_decides_the_outcome(result):
    assert summary_of(result, "bpjs")["outcome"] == "reject"
    assert summary_of(result, "elsewhere")["outcome"] == "review"
    assert summary_of(result, "typo_bpjs")["outcome"] == "reject"


def test_severities_can_be_overridden_per_code():
    rules = replace(RULES, severities={"BPJS_ACTIVE": "warn"})
    result = verify(
        proposals_table([proposal("bpjs")]),
        rules=rules,
        welfare=_welfare(),
        bpjs=_references()["bpjs"],
    )
    assert [(r["code"], r["severity"]) for r in result.findings.to_pylist()] == [
        ("BPJS_ACTIVE", "warn")
    ]


def test_every_code_has_a_default_severity():
    assert set(DEFAULT_SEVERITIES) == set(CODES)
    with pytest.raises(ValueError, match="BOGUS"):
        Rules("17.05", date(2025, 1, 1), severities={"BOGUS": "reject"})
    with pytest.raises(ValueError, match="BPJS_ACTIVE"):
        Rules("17.05", date(2025, 1, 1), severities={"BPJS_ACTIVE": "maybe"})


def test_a_registry_rule_without_the_registry_is_refused():
    with pytest.raises(VerifyInputError, match="data kesejahteraan"):
        verify(proposals_table([proposal("clean")]), rules=RULES)


def test_missing_columns_and_repeated_ids_are_refused_in_indonesian():
    with pytest.raises(VerifyInputError, match="Kolom nama tidak ada di data usulan"):
        verify(pa.table({"proposal_id": [1], "nik": ["1"]}), rules=Rules("17.05", date(2025, 1, 1)))
    repeated = proposals_table([proposal("clean"), proposal("rich", proposal_id=pid("clean"))])
    with pytest.raises(VerifyInputError, match="dipakai lebih dari sekali"):
        verify(repeated, rules=Rules("17.05", date(2025, 1, 1)))


def test_an_empty_batch_gives_empty_tables():
    result = verify(proposals_table([]), rules=RULES, welfare=_welfare(), **_references())
    assert (result.findings.num_rows, result.summary.num_rows) == (0, 0)
    assert result.counts["proposals"] == 0


def test_every_message_is_rebuilt_from_its_template_and_params(result):
    rows = result.findings.to_pylist()
    assert {row["code"] for row in rows} >= set(CODES) - {
        "NIK_FORMAT",
        "NIK_DATE",
        "NIK_SERIAL",
        "NIK_DOB_MISMATCH",
        "NIK_SEX_MISMATCH",
    }
    for row in rows:
        assert render(row["template"], row["params"]) == row["message"]


def test_a_message_renders_in_another_language_with_its_words_translated(result):
    (row,) = findings_of(result, "bpjs", "BPJS_ACTIVE")
    english = {
        TEMPLATES["bpjs_active"]: "Active BPJS participant (KPJ {kpj}, segment {segment}).",
        "BPU (bukan penerima upah)": "BPU (non-wage earner)",
    }
    assert render(row["template"], row["params"], lambda s: english.get(s, s)) == (
        "Active BPJS participant (KPJ 12345678901, segment BPU (non-wage earner))."
    )

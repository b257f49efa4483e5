"""PP 82/2019 amounts and the documents checklists: what a case expects, never invented."""

from __future__ import annotations

from lindung.claims import benefits
from lindung.claims.models import ClaimComponentKind


def test_jkm_expects_42_million_in_three_components() -> None:
    rules = benefits.opening_components("JKM", paid_months=3)
    assert [(r.kind, r.expected) for r in rules] == [
        ("jkm_lump_sum", 20_000_000),
        ("jkm_periodic", 12_000_000),
        ("jkm_funeral", 10_000_000),
    ]
    assert benefits.expected_total("JKM", 3) == benefits.JKM_TOTAL == 42_000_000


def test_the_scholarship_comes_only_from_36_paid_months() -> None:
    assert "jkm_scholarship" not in [r.kind for r in benefits.opening_components("JKM", 35)]
    rules = {r.kind: r for r in benefits.opening_components("JKM", 36)}
    scholarship = rules["jkm_scholarship"]
    assert scholarship.expected is None  # depends on the children's schooling
    assert "174.000.000" in scholarship.note and "36 bulan" in scholarship.note
    assert benefits.expected_total("JKM", 36) == 42_000_000


def test_jkk_amounts_are_never_guessed_only_the_regulations_caps() -> None:
    jkk = benefits.KINDS["JKK"]
    assert all(benefits.RULES[kind].expected is None for kind in jkk)
    assert benefits.RULES["jkk_home_care"].cap == 20_000_000
    assert benefits.TRANSPORT_CAPS == {"darat": 5_000_000, "laut": 2_000_000, "udara": 10_000_000}
    assert benefits.expected_total("JKK", 100) == 0
    assert benefits.over_cap("jkk_home_care", 20_000_001)
    assert not benefits.over_cap("jkk_home_care", 20_000_000)
    assert not benefits.over_cap("jkk_medical", 900_000_000)  # no cap on medical care


def test_every_component_kind_has_a_rule_and_belongs_to_a_benefit() -> None:
    assert set(benefits.RULES) == set(ClaimComponentKind.values)
    for benefit, kinds in benefits.KINDS.items():
        assert all(k.startswith(benefit.lower()) or k == "other" for k in kinds)


def test_checklists_have_unique_short_codes_and_required_lines() -> None:
    for benefit in ("JKK", "JKM"):
        rules = benefits.DOCUMENTS[benefit]
        codes = [r.code for r in rules]
        assert len(codes) == len(set(codes)) and all(len(c) <= 30 for c in codes)
        assert sum(r.required for r in rules) >= 5
    jkm = {r.code for r in benefits.DOCUMENTS["JKM"] if r.required}
    assert {"akta_kematian", "ket_ahli_waris", "rekening_ahli_waris"} <= jkm
    assert benefits.document_label("laporan_tahap_1") == "Laporan kecelakaan kerja tahap I"
    assert benefits.document_label("unknown") == "unknown"

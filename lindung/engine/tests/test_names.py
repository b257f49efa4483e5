from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.engine.names import name_tokens, normalize_name, normalize_names


def test_abbreviations_of_muhammad_normalise_equal():
    assert (
        normalize_name("M. Rizki")
        == normalize_name("Muhammad Rizki")
        == normalize_name("Moh Rizki")
        == normalize_name("Mochammad Rizki")
        == normalize_name("MUH. RIZKI")
        == "MUHAMMAD RIZKI"
    )


def test_titles_and_degrees_are_dropped():
    assert normalize_name("Hj. Siti Aminah, S.Pd.") == "SITI AMINAH"
    assert normalize_name("Prof. Dr. Ir. H. Budi Santoso, S.H., M.H.") == "BUDI SANTOSO"
    assert normalize_name("Bapak Joko Widodo SE") == "JOKO WIDODO"
    assert normalize_name("K.H. Abdul Ghofur") == "ABDUL GHOFUR"
    assert normalize_name("Sri Wahyuni, A.Md.Kep") == "SRI WAHYUNI"
    assert normalize_name("Dewi Lestari S.Pd.I") == "DEWI LESTARI"
    assert normalize_name("dr. Nur Aini, M.Kes.") == "NUR AINI"


def test_st_before_a_name_is_siti():
    assert normalize_name("St. Aminah") == "SITI AMINAH"
    assert normalize_name("Sti Aminah") == "SITI AMINAH"


def test_st_after_a_name_is_a_degree():
    assert normalize_name("Agus Salim, S.T.") == "AGUS SALIM"


def test_spelling_variants_fold_to_one_form():
    assert normalize_name("Achmad Dahlan") == normalize_name("Akhmad Dahlan") == "AHMAD DAHLAN"
    assert normalize_name("Abd. Rahman") == normalize_name("Abd.Rahman") == "ABDUL RAHMAN"
    assert normalize_name("H.M. Yusuf") == "MUHAMMAD YUSUF"


def test_an_initial_stays_an_initial():
    assert normalize_name("A. Rahman") == "A RAHMAN"
    assert normalize_name("Rizki M.") == "RIZKI M"


def test_spaces_and_case_are_collapsed():
    assert normalize_name("  budi   santoso ") == "BUDI SANTOSO"


def test_an_apostrophe_inside_a_name_joins_it():
    assert normalize_name("Ma'ruf") == "MARUF"
    assert normalize_name("Ma’ruf Amin") == "MARUF AMIN"


def test_accents_are_dropped():
    assert normalize_name("Désirée Zoë") == "DESIREE ZOE"
    assert normalize_name("ＢＵＤＩ") == "BUDI"


def test_a_name_that_is_only_a_title_is_kept():
    assert normalize_name("Dr") == "DR"
    assert normalize_name("Ibu Hj.") == "IBU HJ"


def test_nothing_to_keep_gives_an_empty_string():
    assert normalize_name("") == ""
    assert normalize_name(" ,.- ") == ""


def test_normalize_names_handles_none_and_empty():
    assert normalize_names(["M. Rizki", None, "", "M. Rizki"]) == [
        "MUHAMMAD RIZKI",
        "",
        "",
        "MUHAMMAD RIZKI",
    ]


def test_name_tokens_splits_a_normalised_name():
    assert name_tokens("SITI AMINAH") == ["SITI", "AMINAH"]
    assert name_tokens("") == []


@pytest.mark.parametrize("raw", ["Hj. Siti Aminah, S.Pd.", "Dr. S.Pd.", "Ibu Dr", "H.DR.", "ß"])
def test_tricky_names_are_idempotent(raw):
    once = normalize_name(raw)
    assert normalize_name(once) == once


@given(st.text())
def test_normalising_twice_changes_nothing(raw):
    once = normalize_name(raw)
    assert normalize_name(once) == once


@given(st.text())
def test_a_name_with_letters_never_becomes_empty(raw):
    if any(c.isalpha() for c in raw):
        assert normalize_name(raw) != ""

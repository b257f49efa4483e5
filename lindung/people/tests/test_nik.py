from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.people.nik import Finding, check_kk, compose_nik, mask_nik, parse_nik

REF = date(2025, 6, 1)


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


# --- round trip and robustness

district_codes = st.builds(
    "{:02d}.{:02d}.{:02d}".format,
    st.integers(1, 99),
    st.integers(0, 99),
    st.integers(0, 99),
)
# Two-digit years are read as the latest century that is not after REF.
birth_dates = st.dates(min_value=date(1925, 6, 2), max_value=REF)


@given(district_codes, birth_dates, st.sampled_from(["L", "P"]), st.integers(1, 9999))
def test_a_composed_nik_parses_back_to_its_parts(district, born, sex, serial):
    nik = compose_nik(district, born, sex, serial)
    info = parse_nik(nik, reference_date=REF)
    assert len(nik) == 16
    assert info.valid, info.findings
    assert (info.nik, info.region_code, info.birth_date, info.sex, info.serial) == (
        nik,
        district,
        born,
        sex,
        serial,
    )
    assert info.province_code == district[:2]
    assert info.regency_code == district[:5]


@given(st.text())
def test_it_never_raises_on_any_text(raw):
    info = parse_nik(raw, reference_date=REF, birth_date=date(1990, 1, 1), sex="L")
    json.dumps(info.to_dict())
    check_kk(raw, reference_date=REF)


@given(st.from_regex(r"[0-9 .\-']{0,40}", fullmatch=True))
def test_it_never_raises_on_digit_like_text(raw):
    info = parse_nik(raw, reference_date=REF, region_exists=lambda code: False)
    assert info.valid == (not any(f.severity == "error" for f in info.findings))
    check_kk(raw, reference_date=REF)


def test_it_survives_a_huge_string():
    info = parse_nik("1" * 1_000_000, reference_date=REF)
    assert codes(info.findings) == ["NIK_FORMAT"]


# --- reading the parts


def test_it_reads_a_mans_nik():
    info = parse_nik("1705012211900003", reference_date=REF)
    assert info.valid
    assert info.findings == ()
    assert info.region_code == "17.05.01"
    assert info.province_code == "17"
    assert info.regency_code == "17.05"
    assert info.birth_date == date(1990, 11, 22)
    assert info.sex == "L"
    assert info.serial == 3


def test_it_reads_a_womans_birth_day_minus_forty():
    info = parse_nik("1705016211900003", reference_date=REF)
    assert info.valid
    assert (info.birth_date, info.sex) == (date(1990, 11, 22), "P")


@pytest.mark.parametrize(
    ("ddmmyy", "born"),
    [
        ("010525", date(2025, 5, 1)),
        ("010625", date(2025, 6, 1)),
        ("020625", date(1925, 6, 2)),
        ("311299", date(1999, 12, 31)),
        ("010100", date(2000, 1, 1)),
        ("290200", date(2000, 2, 29)),
    ],
)
def test_it_picks_the_century_that_is_not_after_the_reference_date(ddmmyy, born):
    info = parse_nik(f"170501{ddmmyy}0001", reference_date=REF)
    assert info.valid, info.findings
    assert info.birth_date == born


def test_a_stated_birth_date_settles_the_century_for_a_centenarian():
    info = parse_nik("1705010101200001", reference_date=REF, birth_date=date(1920, 1, 1))
    assert info.valid, info.findings
    assert info.birth_date == date(1920, 1, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "  1705016211900003  ",
        "'1705016211900003",
        "’1705016211900003",
        "170501 621190 0003",
        "1705.0162.1190.0003",
        "170501-621190-0003",
        "\ufeff1705016211900003",
    ],
)
def test_it_tolerates_separators_spaces_and_the_excel_apostrophe(raw):
    info = parse_nik(raw, reference_date=REF)
    assert info.valid, info.findings
    assert info.nik == "1705016211900003"


# --- NIK_FORMAT


def test_it_says_how_many_digits_were_typed():
    info = parse_nik("170501621190000", reference_date=REF)
    assert not info.valid
    assert info.findings == (
        Finding("NIK_FORMAT", "error", "NIK harus 16 angka; yang diketik 15 angka."),
    )
    assert info.nik == "170501621190000"
    assert info.region_code is None


@pytest.mark.parametrize("raw", ["1.70501E+15", "1,70501E+15", "1.705016E15", "1705016211900000.0"])
def test_it_recognises_a_nik_that_excel_turned_into_a_number(raw):
    info = parse_nik(raw, reference_date=REF)
    assert codes(info.findings) == ["NIK_FORMAT"]
    message = info.findings[0].message
    assert "Excel" in message
    assert "Teks" in message
    assert raw in message


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_it_calls_an_empty_nik_empty(raw):
    info = parse_nik(raw, reference_date=REF)
    assert codes(info.findings) == ["NIK_FORMAT"]
    assert "kosong" in info.findings[0].message


@pytest.mark.parametrize(
    "raw",
    [
        "17050162119O0003",  # letter O for zero
        "１７０５０１６２１１９０００３",  # full-width digits
        "١٧٠٥٠١٦٢١١٩٠٠٠٣",  # Arabic-Indic digits
        "1705016211900003🙂",
    ],
)
def test_it_accepts_only_ascii_digits(raw):
    info = parse_nik(raw, reference_date=REF)
    assert codes(info.findings) == ["NIK_FORMAT"]
    assert "0-9" in info.findings[0].message
    assert info.nik == raw


def test_it_rejects_a_nik_of_zeros():
    info = parse_nik("0000000000000000", reference_date=REF)
    assert codes(info.findings) == ["NIK_FORMAT"]


def test_it_rejects_province_00_but_still_reads_the_rest():
    info = parse_nik("0005016211900003", reference_date=REF)
    assert codes(info.findings) == ["NIK_FORMAT"]
    assert "digit 1-2" in info.findings[0].message
    assert info.region_code is None
    assert (info.birth_date, info.sex, info.serial) == (date(1990, 11, 22), "P", 3)


# --- NIK_DATE


def test_it_rejects_a_nik_with_a_bad_date():
    info = parse_nik("1705013102990001", reference_date=REF)
    assert codes(info.findings) == ["NIK_DATE"]
    assert info.findings[0].message.startswith(
        "Tanggal lahir di NIK (digit 7-12) tidak valid: 310299."
    )
    assert info.birth_date is None
    assert (info.region_code, info.sex, info.serial) == ("17.05.01", "L", 1)


def test_a_bad_womans_date_still_tells_the_sex():
    info = parse_nik("1705017102990001", reference_date=REF)
    assert codes(info.findings) == ["NIK_DATE"]
    assert info.sex == "P"


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_a_day_outside_both_ranges_tells_no_sex(day):
    info = parse_nik(f"170501{day}01900001", reference_date=REF)
    assert codes(info.findings) == ["NIK_DATE"]
    assert info.sex is None
    assert info.region_code == "17.05.01"


def test_it_rejects_a_month_13():
    assert codes(parse_nik("1705011513900001", reference_date=REF).findings) == ["NIK_DATE"]


def test_it_rejects_a_birth_date_after_the_reference_date():
    info = parse_nik("1705010101990001", reference_date=date(1995, 1, 1))
    assert codes(info.findings) == ["NIK_DATE"]
    assert "1 Januari 1999" in info.findings[0].message


def test_it_rejects_someone_older_than_120_years():
    info = parse_nik("1705010101000001", reference_date=REF, birth_date=date(1900, 1, 1))
    assert codes(info.findings) == ["NIK_DATE"]
    assert "120 tahun" in info.findings[0].message


# --- NIK_SERIAL, region, stated data


def test_it_rejects_serial_0000():
    info = parse_nik("1705016211900000", reference_date=REF)
    assert codes(info.findings) == ["NIK_SERIAL"]
    assert info.serial == 0


def test_an_unknown_region_is_only_a_warning():
    asked: list[str] = []

    def region_exists(code: str) -> bool:
        asked.append(code)
        return False

    info = parse_nik("1705016211900003", reference_date=REF, region_exists=region_exists)
    assert asked == ["17.05.01"]
    assert codes(info.findings) == ["NIK_REGION_UNKNOWN"]
    assert info.findings[0].severity == "warning"
    assert info.valid


def test_a_known_region_gives_no_finding():
    info = parse_nik("1705016211900003", reference_date=REF, region_exists=lambda c: True)
    assert info.findings == ()


def test_it_flags_a_stated_birth_date_that_differs_from_the_nik():
    info = parse_nik("1705016211900003", reference_date=REF, birth_date=date(1990, 11, 23))
    assert codes(info.findings) == ["NIK_DOB_MISMATCH"]
    message = info.findings[0].message
    assert "23 November 1990" in message
    assert "22 November 1990" in message


def test_it_accepts_the_stated_birth_date_when_it_agrees():
    info = parse_nik("1705016211900003", reference_date=REF, birth_date=date(1990, 11, 22))
    assert info.valid


@pytest.mark.parametrize(("nik", "stated"), [("1705016211900003", "L"), ("1705012211900003", "p")])
def test_it_flags_a_stated_sex_that_differs_from_the_nik(nik, stated):
    info = parse_nik(nik, reference_date=REF, sex=stated)
    assert codes(info.findings) == ["NIK_SEX_MISMATCH"]
    assert "ditambah 40" in info.findings[0].message


def test_it_accepts_a_stated_sex_in_lower_case_when_it_agrees():
    assert parse_nik("1705016211900003", reference_date=REF, sex=" p ").valid


def test_to_dict_is_ready_for_json():
    info = parse_nik("1705016211900000", reference_date=REF, region_exists=lambda c: False)
    assert json.loads(json.dumps(info.to_dict())) == {
        "valid": False,
        "nik": "1705016211900000",
        "region_code": "17.05.01",
        "province_code": "17",
        "regency_code": "17.05",
        "birth_date": "1990-11-22",
        "sex": "P",
        "serial": 0,
        "findings": [
            {
                "code": "NIK_REGION_UNKNOWN",
                "severity": "warning",
                "message": info.findings[0].message,
            },
            {"code": "NIK_SERIAL", "severity": "error", "message": info.findings[1].message},
        ],
    }


def test_a_finding_can_be_shown_through_a_translation_catalogue():
    finding = parse_nik("123", reference_date=REF).findings[0]
    catalogue = {"{label} harus 16 angka; yang diketik {count} angka.": "{label}: {count} digits."}
    assert finding.render(lambda msgid: catalogue.get(msgid, msgid)) == "NIK: 3 digits."
    assert finding.render(lambda msgid: msgid) == finding.message


def test_the_default_reference_date_is_today():
    tomorrow = date.today() + timedelta(days=1)
    nik = compose_nik("17.05.01", tomorrow.replace(year=tomorrow.year - 100), "L", 1)
    assert parse_nik(nik).valid


# --- compose_nik


def test_compose_adds_forty_to_a_womans_day_and_accepts_undotted_codes():
    assert compose_nik("170501", date(1990, 11, 22), "P", 3) == "1705016211900003"
    assert compose_nik("17.05.01", date(2001, 1, 5), "L", 9999) == "1705010501019999"


@pytest.mark.parametrize(
    ("district", "sex", "serial"),
    [
        ("17.05", "L", 1),
        ("00.05.01", "L", 1),
        ("17.05.0a", "L", 1),
        ("17.05.01", "X", 1),
        ("17.05.01", "L", 0),
        ("17.05.01", "L", 10000),
    ],
)
def test_compose_rejects_bad_arguments(district, sex, serial):
    with pytest.raises(ValueError):
        compose_nik(district, date(1990, 1, 1), sex, serial)


# --- KK


def test_a_good_kk_has_no_findings():
    assert check_kk("1705012211900003", reference_date=REF) == ()
    assert check_kk("'1705 0122 1190 0003", reference_date=REF) == ()


def test_a_short_kk_is_a_format_error():
    assert check_kk("170501221190", reference_date=REF) == (
        Finding("KK_FORMAT", "error", "Nomor KK harus 16 angka; yang diketik 12 angka."),
    )


def test_a_kk_in_excel_notation_is_a_format_error():
    (finding,) = check_kk("1.70501E+15", reference_date=REF)
    assert finding.code == "KK_FORMAT"
    assert "Excel" in finding.message


@pytest.mark.parametrize("raw", ["0005012211900003", "0000000000000000", "", "17050122119000x3"])
def test_other_malformed_kks_are_format_errors(raw):
    assert codes(check_kk(raw, reference_date=REF)) == ["KK_FORMAT"]


def test_a_kk_date_has_no_plus_forty():
    (finding,) = check_kk("1705016211900003", reference_date=REF)
    assert finding.code == "KK_DATE"
    assert "621190" in finding.message


def test_a_kk_issued_after_the_reference_date_is_a_date_error():
    assert codes(check_kk("1705010101990003", reference_date=date(1995, 1, 1))) == ["KK_DATE"]


def test_a_kk_with_serial_0000_is_a_serial_error():
    assert codes(check_kk("1705012211900000", reference_date=REF)) == ["KK_SERIAL"]


# --- mask_nik


def test_mask_keeps_the_first_and_last_four_digits():
    assert mask_nik("1705016211900003") == "1705********0003"
    assert len(mask_nik("1705016211900003")) == 16


def test_mask_hides_everything_of_a_short_value():
    assert mask_nik("12345678") == "********"
    assert mask_nik("") == ""


def test_a_finding_renders_its_document_names_through_the_translation_too() -> None:
    finding = check_kk("")[0]
    words = {
        "{label} kosong; isi 16 angka sesuai {document}.": "{label} is empty; enter {document}.",
        "nomor KK": "family card number",
        "kartu keluarga": "the family card",
    }
    assert (
        finding.render(lambda s: words.get(s, s))
        == "Family card number is empty; enter the family card."
    )

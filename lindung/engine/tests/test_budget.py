from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.engine.budget import (
    Adjustment,
    PlanError,
    Rate,
    contribution,
    format_number,
    format_rupiah,
    next_year_need,
    parse_rupiah,
    plan,
    share,
)

JKK = Rate("JKK", date(2015, 7, 1), amount=10_000, income_from=1_000_000, income_to=1_000_000)
JKM = Rate("JKM", date(2015, 7, 1), amount=6_800)
JHT = Rate("JHT", date(2015, 7, 1), basis_points=200)
NATIONAL = [JKK, JKM, JHT]
NOT_APBD = frozenset({"apbn", "apbd", "apbd_p"})
PP_50_TRANSPORT = Adjustment(
    "PP 50/2025 transportasi",
    frozenset({"JKK", "JKM"}),
    5_000,
    date(2026, 1, 1),
    date(2027, 3, 31),
    sector="transport",
    exempt_funding=NOT_APBD,
)
PP_50_OTHERS = Adjustment(
    "PP 50/2025 sektor lain",
    frozenset({"JKK", "JKM"}),
    5_000,
    date(2026, 4, 1),
    date(2026, 12, 31),
    sector="transport",
    sector_excluded=True,
    exempt_funding=NOT_APBD,
)
PP_50 = [PP_50_TRANSPORT, PP_50_OTHERS]


def _monthly(month: date, *, sector: str | None = None, funding: str = "apbd", jht: bool = False):
    benefits = ["JKK", "JKM", "JHT"] if jht else ["JKK", "JKM"]
    return contribution(
        rates=NATIONAL,
        adjustments=PP_50,
        benefits=benefits,
        declared_income=1_000_000,
        month=month,
        sector=sector,
        funding_source=funding,
    )


class TestMoney:
    def test_rupiah_is_written_with_dots_for_thousands(self):
        assert format_rupiah(101_808_000) == "Rp101.808.000"
        assert format_rupiah(0) == "Rp0"
        assert format_rupiah(999) == "Rp999"
        assert format_rupiah(-1_000) == "-Rp1.000"
        assert format_number(5_400) == "5.400"

    @pytest.mark.parametrize(
        "text", ["480000000", "480.000.000", "Rp480.000.000", "rp 480.000.000,-", "Rp. 480000000"]
    )
    def test_amounts_are_read_the_way_people_write_them(self, text):
        assert parse_rupiah(text) == 480_000_000

    @pytest.mark.parametrize("text", ["", "abc", "480,5", "48.00.000", "1e9", "Rp"])
    def test_an_unreadable_amount_is_refused_with_a_sentence(self, text):
        with pytest.raises(PlanError) as error:
            parse_rupiah(text)
        assert "bukan jumlah rupiah" in str(error.value)

    def test_a_negative_amount_is_refused(self):
        with pytest.raises(PlanError, match="tidak boleh negatif"):
            parse_rupiah("-Rp1.000")

    @given(st.integers(min_value=-(10**15), max_value=10**15))
    def test_formatting_and_reading_round_trip(self, n):
        if n >= 0:
            assert parse_rupiah(format_rupiah(n)) == n
        assert format_rupiah(n).replace(".", "").replace("Rp", "") == str(n)

    def test_shares_round_half_up_to_the_whole_rupiah(self):
        assert share(1_000_000, 200) == 20_000
        assert share(6_800, 5_000) == 3_400
        assert share(6_801, 5_000) == 3_401  # 3,400.5 -> up
        assert share(6_799, 5_000) == 3_400  # 3,399.5 -> up
        assert share(1_234_567, 100) == 12_346  # 12,345.67
        assert share(1_234_549, 100) == 12_345  # 12,345.49

    @given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
    def test_a_share_is_never_more_than_half_a_rupiah_off(self, amount, bp):
        exact = amount * bp / 10_000
        assert abs(share(amount, bp) - exact) <= 0.5
        assert isinstance(share(amount, bp), int)


class TestTheRealCases:
    def test_seluma_first_stage(self):
        result = plan(participants=2_020, months=3, monthly_rate=16_800)
        assert result.total == 101_808_000
        assert result.remainder == 0
        assert result.solved == "amount"

    def test_samosir_2026(self):
        assert plan(participants=1_815, months=12).total == 365_904_000
        with_costs = plan(participants=1_815, months=12, other_costs=30_000_000)
        assert with_costs.total == 395_904_000
        assert with_costs.contributions == 365_904_000

    def test_480_million_for_5400_participants_lasts_5_months(self):
        result = plan(participants=5_400, amount=480_000_000)
        assert (result.months, result.remainder) == (5, 26_400_000)
        assert result.total == 453_600_000

    def test_480_million_for_12_months_covers_2380_participants(self):
        result = plan(months=12, amount=480_000_000)
        assert result.remainder == 480_000_000 - 2_380 * 12 * 16_800
        assert (result.participants, result.remainder) == (2_380, 192_000)

    def test_samosir_next_year_from_the_target(self):
        need = next_year_need(1_495, 320, months=12, monthly_rate=16_800)
        assert (need.participants, need.total) == (1_815, 365_904_000)
        with_costs = next_year_need(1_495, 320, other_costs=30_000_000)
        assert with_costs.total == 395_904_000


class TestPlanning:
    def test_other_costs_come_off_the_amount_first(self):
        result = plan(months=12, amount=395_904_000, other_costs=30_000_000)
        assert (result.participants, result.remainder) == (1_815, 0)

    def test_too_little_money_for_one_month_gives_zero_months_and_keeps_the_money(self):
        result = plan(participants=1_000, amount=10_000_000)
        assert (result.months, result.remainder) == (0, 10_000_000)

    @pytest.mark.parametrize(
        "kwargs",
        [{}, {"participants": 1}, {"participants": 1, "months": 1, "amount": 1}],
    )
    def test_it_needs_exactly_two_of_the_three(self, kwargs):
        with pytest.raises(PlanError, match="tepat dua"):
            plan(**kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "label"),
        [
            ({"participants": 0, "months": 3}, "Jumlah peserta"),
            ({"participants": 5, "months": -1}, "Jumlah bulan"),
            ({"months": 3, "amount": 0}, "Jumlah uang"),
            ({"participants": 5, "months": 3, "monthly_rate": 0}, "Iuran per bulan"),
        ],
    )
    def test_it_refuses_values_that_are_not_positive(self, kwargs, label):
        with pytest.raises(PlanError) as error:
            plan(**kwargs)
        assert str(error.value) == f"{label} harus lebih dari 0."

    def test_it_refuses_negative_other_costs_and_an_amount_below_them(self):
        with pytest.raises(PlanError, match="Biaya lain tidak boleh negatif"):
            plan(participants=1, months=1, other_costs=-1)
        with pytest.raises(PlanError, match=r"tidak cukup untuk biaya lain Rp30\.000\.000"):
            plan(months=12, amount=20_000_000, other_costs=30_000_000)

    def test_errors_render_through_the_given_translation(self):
        error = PlanError("not_positive", label="Jumlah bulan")
        english = {"Jumlah bulan": "Months", "{label} harus lebih dari 0.": "{label} must be > 0."}
        assert error.render(lambda s: english.get(s, s)) == "Months must be > 0."

    @given(
        st.integers(min_value=1, max_value=100_000),
        st.integers(min_value=1, max_value=36),
        st.integers(min_value=1, max_value=10**12),
        st.integers(min_value=1, max_value=100_000),
    )
    def test_a_solved_figure_is_the_largest_the_money_allows(self, people, months, amount, rate):
        by_months = plan(participants=people, amount=amount, monthly_rate=rate)
        assert 0 <= by_months.remainder < people * rate
        by_people = plan(months=months, amount=amount, monthly_rate=rate)
        assert 0 <= by_people.remainder < months * rate


class TestContribution:
    def test_the_pemda_package_is_16800_and_36800_with_jht(self):
        assert _monthly(date(2025, 10, 1)).total == 16_800
        assert _monthly(date(2025, 10, 1), jht=True).amounts == {
            "JKK": 10_000,
            "JKM": 6_800,
            "JHT": 20_000,
        }
        assert _monthly(date(2025, 10, 1), jht=True).total == 36_800

    def test_an_apbd_programme_keeps_the_full_rate_in_2026(self):
        for month in (date(2026, 2, 1), date(2026, 6, 1)):
            for sector in ("transport", "agriculture", None):
                result = _monthly(month, sector=sector, funding="apbd")
                assert (result.total, result.adjustments) == (16_800, ())

    def test_a_transport_worker_not_paid_by_apbd_pays_half_from_january_2026(self):
        result = _monthly(date(2026, 2, 1), sector="transport", funding="csr")
        assert result.amounts == {"JKK": 5_000, "JKM": 3_400}
        assert result.total == 8_400
        assert result.adjustments == ("PP 50/2025 transportasi",)
        assert _monthly(date(2027, 3, 1), sector="transport", funding="csr").total == 8_400
        assert _monthly(date(2027, 4, 1), sector="transport", funding="csr").total == 16_800
        assert _monthly(date(2025, 12, 1), sector="transport", funding="csr").total == 16_800

    def test_other_sectors_pay_half_from_april_to_december_2026(self):
        assert _monthly(date(2026, 3, 1), sector="agriculture", funding="csr").total == 16_800
        assert _monthly(date(2026, 4, 1), sector="agriculture", funding="csr").total == 8_400
        assert _monthly(date(2026, 12, 1), sector=None, funding="self").total == 8_400
        assert _monthly(date(2027, 1, 1), sector="agriculture", funding="csr").total == 16_800

    def test_jht_is_not_discounted(self):
        result = _monthly(date(2026, 5, 1), sector="trade", funding="csr", jht=True)
        assert result.amounts["JHT"] == 20_000
        assert result.total == 28_400

    def test_a_month_is_read_from_any_day_in_it(self):
        assert _monthly(date(2026, 4, 30), sector="trade", funding="csr").month == date(2026, 4, 1)

    def test_a_missing_band_is_an_error_that_names_the_income(self):
        with pytest.raises(PlanError) as error:
            contribution(
                rates=NATIONAL,
                benefits=["JKK"],
                declared_income=1_500_000,
                month=date(2026, 1, 1),
                funding_source="apbd",
            )
        assert error.value.code == "rate_missing"
        assert "JKK" in str(error.value) and "Rp1.500.000" in str(error.value)
        assert "Januari 2026" in str(error.value)

    def test_rates_follow_their_validity_periods(self):
        old = Rate("JKM", date(2020, 1, 1), date(2025, 12, 31), amount=6_800)
        new = Rate("JKM", date(2026, 1, 1), amount=7_000)

        def jkm(month: date) -> int:
            return contribution(
                rates=[old, new],
                benefits=["JKM"],
                declared_income=1,
                month=month,
                funding_source="apbd",
            ).total

        assert (jkm(date(2025, 12, 1)), jkm(date(2026, 1, 1))) == (6_800, 7_000)
        with pytest.raises(PlanError, match="Tidak ada tarif JKM"):
            jkm(date(2019, 12, 1))

    def test_two_rates_for_the_same_month_are_reported_not_guessed(self):
        with pytest.raises(PlanError) as error:
            contribution(
                rates=[JKM, Rate("JKM", date(2026, 1, 1), amount=7_000)],
                benefits=["JKM"],
                declared_income=1,
                month=date(2026, 1, 1),
                funding_source="apbd",
            )
        assert error.value.code == "rate_ambiguous"

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from lindung.programs import services
from lindung.programs.models import FundingSource, RateSchedule, Sector
from lindung.programs.tests.conftest import Setup


def test_seluma_pays_16800_a_month_for_jkk_and_jkm(setup: Setup) -> None:
    result = services.monthly_contribution(programme=setup.seluma, month=date(2025, 10, 1))
    assert result.amounts == {"JKK": 10_000, "JKM": 6_800}
    assert result.total == 16_800


def test_with_jht_the_package_costs_36800(setup: Setup) -> None:
    programme = services.programme_update(actor=None, programme=setup.seluma, covers_jht=True)
    result = services.monthly_contribution(programme=programme, month=date(2025, 10, 1))
    assert result.amounts["JHT"] == 20_000
    assert result.total == 36_800


def test_an_apbd_programme_keeps_the_full_rate_in_2026(setup: Setup) -> None:
    for month in (date(2026, 2, 1), date(2026, 7, 1)):
        for sector in (Sector.TRANSPORT, Sector.AGRICULTURE, None):
            result = services.monthly_contribution(
                programme=setup.seluma, month=month, sector=sector
            )
            assert result.total == 16_800, (month, sector)
            assert result.adjustments == ()


def test_a_transport_member_not_paid_by_apbd_pays_half_in_february_2026(setup: Setup) -> None:
    result = services.monthly_contribution(
        programme=setup.seluma,
        month=date(2026, 2, 1),
        sector=Sector.TRANSPORT,
        funding_source=FundingSource.CSR,
    )
    assert result.amounts == {"JKK": 5_000, "JKM": 3_400}
    assert result.total == 8_400
    assert result.adjustments[0].startswith("PP 50/2025")


def test_other_sectors_pay_half_only_from_april_2026(setup: Setup) -> None:
    def total(month: date) -> int:
        return services.monthly_contribution(
            programme=setup.seluma,
            month=month,
            sector=Sector.TRADE,
            funding_source=FundingSource.APBDES,
        ).total

    assert (total(date(2026, 3, 1)), total(date(2026, 4, 1))) == (16_800, 8_400)
    assert (total(date(2026, 12, 1)), total(date(2027, 1, 1))) == (8_400, 16_800)


def test_the_rate_table_answers_every_sector_and_funding_source_at_once(
    setup: Setup, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        table = services.rate_table(setup.seluma, date(2026, 2, 1))
    assert table[(None, FundingSource.APBD)].total == 16_800
    assert table[(Sector.TRANSPORT, FundingSource.CSR)].total == 8_400
    assert table[(Sector.TRANSPORT, FundingSource.APBD_P)].total == 16_800
    assert table[(Sector.FISHERIES, FundingSource.CSR)].total == 16_800
    assert len(table) == (len(Sector.values) + 1) * len(FundingSource.values)


def test_a_declared_income_without_a_jkk_band_is_a_clear_error(setup: Setup) -> None:
    programme = services.programme_update(
        actor=None, programme=setup.seluma, declared_income=1_500_000
    )
    with pytest.raises(ValidationError) as error:
        services.monthly_contribution(programme=programme, month=date(2026, 1, 1))
    message = " ".join(error.value.messages)
    assert "Tidak ada tarif JKK" in message and "Rp1.500.000" in message


def test_an_admin_adds_a_band_and_the_function_uses_it(setup: Setup) -> None:
    services.rate_create(
        actor=setup.users["admin"],
        programme=setup.seluma,
        benefit="JKK",
        income_from=1_000_001,
        income_to=2_000_000,
        amount=12_345,
        valid_from=date(2015, 7, 1),
    )
    programme = services.programme_update(
        actor=None, programme=setup.seluma, declared_income=1_500_000
    )
    result = services.monthly_contribution(programme=programme, month=date(2025, 1, 1))
    assert result.amounts["JKK"] == 12_345


def test_a_new_rate_takes_over_when_the_old_one_ends(setup: Setup) -> None:
    jkm = setup.seluma.rates.get(benefit="JKM")
    manager = setup.users["manager"]
    services.rate_update(actor=manager, rate=jkm, valid_to=date(2026, 12, 31))
    services.rate_create(
        actor=manager,
        programme=setup.seluma,
        benefit="JKM",
        amount=7_000,
        valid_from=date(2027, 1, 1),
    )

    def jkm_in(month: date) -> int:
        return services.monthly_contribution(programme=setup.seluma, month=month).amounts["JKM"]

    assert (jkm_in(date(2026, 12, 1)), jkm_in(date(2027, 1, 1))) == (6_800, 7_000)


class TestOverlaps:
    def test_an_overlapping_rate_period_is_refused_with_a_sentence(self, setup: Setup) -> None:
        with pytest.raises(ValidationError) as error:
            services.rate_create(
                actor=setup.users["manager"],
                programme=setup.seluma,
                benefit="JKM",
                amount=7_000,
                valid_from=date(2026, 1, 1),
            )
        message = error.value.message_dict["valid_from"][0]
        assert "tumpang tindih dengan tarif JKM" in message
        assert "1 Juli 2015" in message
        assert setup.seluma.rates.filter(benefit="JKM").count() == 1

    def test_a_jkk_band_that_overlaps_another_band_is_refused(self, setup: Setup) -> None:
        with pytest.raises(ValidationError, match="tumpang tindih"):
            services.rate_create(
                actor=None,
                programme=setup.seluma,
                benefit="JKK",
                income_from=500_000,
                income_to=1_000_000,
                amount=5_000,
                valid_from=date(2020, 1, 1),
            )

    def test_a_band_next_to_another_is_accepted(self, setup: Setup) -> None:
        rate = services.rate_create(
            actor=None,
            programme=setup.seluma,
            benefit="JKK",
            income_from=1_000_001,
            amount=20_000,
            valid_from=date(2015, 7, 1),
        )
        assert rate.pk is not None

    def test_editing_a_rate_does_not_collide_with_itself(self, setup: Setup) -> None:
        jkm = setup.seluma.rates.get(benefit="JKM")
        services.rate_update(actor=None, rate=jkm, legal_reference="PP 44/2015 Lampiran")
        assert setup.seluma.rates.get(benefit="JKM").legal_reference == "PP 44/2015 Lampiran"

    def test_rates_of_another_programme_do_not_collide(self, setup: Setup) -> None:
        other = services.programme_create(
            actor=None,
            owner_code="12.17",
            name="LANJUTKAN",
            legal_type="kepbup",
            legal_number="166",
            legal_year=2024,
        )
        assert other.rates.filter(benefit="JKM").count() == 1

    def test_rate_periods_run_by_whole_months(self, setup: Setup) -> None:
        with pytest.raises(ValidationError) as error:
            services.rate_create(
                actor=None,
                programme=setup.seluma,
                benefit="JHT",
                basis_points=300,
                valid_from=date(2030, 1, 15),
                valid_to=date(2030, 2, 10),
            )
        errors = error.value.message_dict
        assert errors["valid_from"] == ["Tarif berlaku per bulan: tanggal mulai harus tanggal 1."]
        assert "28 Februari 2030" in errors["valid_to"][0]

    def test_an_adjustment_that_could_apply_with_pp_50_is_refused(self, setup: Setup) -> None:
        with pytest.raises(ValidationError) as error:
            services.adjustment_create(
                actor=None,
                programme=setup.seluma,
                name="Potongan daerah",
                applies_jkm=True,
                discount_basis_points=1_000,
                valid_from=date(2026, 6, 1),
                sector=Sector.TRANSPORT,
            )
        assert "PP 50/2025" in error.value.message_dict["valid_from"][0]

    def test_an_adjustment_for_a_sector_pp_50_leaves_out_is_accepted(self, setup: Setup) -> None:
        adjustment = services.adjustment_create(
            actor=None,
            programme=setup.seluma,
            name="Potongan nelayan 2028",
            applies_jkk=True,
            discount_basis_points=1_000,
            valid_from=date(2028, 1, 1),
            valid_to=date(2028, 12, 31),
            sector=Sector.FISHERIES,
        )
        fisher = services.monthly_contribution(
            programme=setup.seluma,
            month=date(2028, 5, 1),
            sector=Sector.FISHERIES,
        )
        assert adjustment.pk and fisher.amounts["JKK"] == 9_000


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints need PostgreSQL"
)
def test_postgresql_itself_refuses_overlapping_rates_written_around_the_service(
    setup: Setup,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RateSchedule.objects.create(
            programme=setup.seluma, benefit="JKM", amount=1, valid_from=date(2026, 1, 1)
        )


def test_history_records_who_changed_a_rate_and_what(setup: Setup) -> None:
    jkm = setup.seluma.rates.get(benefit="JKM")
    services.rate_update(actor=setup.users["manager"], rate=jkm, valid_to=date(2026, 12, 31))
    latest = jkm.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and latest.history_user == setup.users["manager"]
    assert latest.valid_to == date(2026, 12, 31)
    from lindung.programs.selectors import programme_history

    entry = programme_history(setup.seluma)[0]
    assert entry.who == str(setup.users["manager"])
    assert entry.subject.startswith("Tarif JKM")
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("berlaku sampai", "", "31 Desember 2026")
    ]

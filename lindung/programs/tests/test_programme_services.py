from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from lindung.programs import services
from lindung.programs.models import BudgetStatus, Occupation, Priority, ProposalPeriod, QuotaKind
from lindung.programs.selectors import programme_history
from lindung.programs.tests.conftest import SELUMA, Setup, programme_fields


def _refusal(**overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        services.programme_create(
            actor=None, owner_code=SELUMA, **programme_fields(name="Lain", **overrides)
        )
    return error.value.message_dict


class TestProgrammeRules:
    def test_a_new_programme_starts_from_the_national_rates_and_pp_50(self, setup: Setup) -> None:
        rates = {(r.benefit, r.amount, r.basis_points) for r in setup.seluma.rates.all()}
        assert rates == {("JKK", 10_000, None), ("JKM", 6_800, None), ("JHT", None, 200)}
        assert setup.seluma.adjustments.count() == 2
        assert setup.seluma.benefits == ["JKK", "JKM"]

    def test_min_age_above_max_age_is_refused(self, setup: Setup) -> None:
        errors = _refusal(min_age=60, max_age=18)
        assert errors["max_age"] == ["Usia maksimal (18) lebih kecil dari usia minimal (60)."]

    def test_a_desil_outside_1_to_10_is_refused(self, setup: Setup) -> None:
        errors = _refusal(max_desil=11, requires_registry=True)
        assert errors["max_desil"] == ["Desil harus antara 1 (termiskin) dan 10."]

    def test_a_desil_limit_needs_the_registry(self, setup: Setup) -> None:
        assert "DTSEN" in _refusal(max_desil=4)["max_desil"][0]

    @pytest.mark.parametrize("size", [0, -5, None])
    def test_a_quota_must_be_positive(self, setup: Setup, size: int | None) -> None:
        errors = _refusal(quota_kind=QuotaKind.VILLAGE, quota_size=size)
        assert errors["quota_size"] == ["Jumlah kuota harus lebih dari 0."]

    def test_negative_or_zero_declared_income_is_refused(self, setup: Setup) -> None:
        assert "lebih dari Rp0" in _refusal(declared_income=0)["declared_income"][0]

    def test_a_programme_covers_at_least_one_benefit(self, setup: Setup) -> None:
        assert "covers_jkk" in _refusal(covers_jkk=False, covers_jkm=False)

    def test_priorities_are_known_unique_and_consistent(self, setup: Setup) -> None:
        assert "priority" in _refusal(priority=["tallest"])
        assert "priority" in _refusal(priority=[Priority.OLDEST, Priority.OLDEST])
        both = _refusal(priority=[Priority.OLDEST, Priority.YOUNGEST])
        assert both["priority"] == ["Usia tertua dan usia termuda tidak bisa dipakai bersamaan."]

    def test_a_district_cannot_own_a_programme(self, setup: Setup) -> None:
        with pytest.raises(ValidationError) as error:
            services.programme_create(actor=None, owner_code="17.05.01", **programme_fields())
        assert "kecamatan atau desa" in error.value.message_dict["owner"][0]

    def test_two_programmes_of_one_regency_need_different_names(self, setup: Setup) -> None:
        with pytest.raises(ValidationError, match="nama yang sama"):
            services.programme_create(actor=None, owner_code=SELUMA, **programme_fields())

    def test_a_manager_cannot_create_a_programme_for_another_regency(self, setup: Setup) -> None:
        with pytest.raises(PermissionDenied):
            services.programme_create(
                actor=setup.users["samosir"], owner_code=SELUMA, **programme_fields(name="X")
            )

    @pytest.mark.parametrize("role", ["desa", "auditor", "leadership", "finance", "verifier"])
    def test_other_roles_cannot_change_programme_rules(self, setup: Setup, role: str) -> None:
        with pytest.raises(PermissionDenied):
            services.programme_update(
                actor=setup.users[role], programme=setup.seluma, quota_size=99
            )

    def test_a_rule_change_and_the_occupation_list_are_one_history_entry(
        self, setup: Setup
    ) -> None:
        farmers = Occupation.objects.filter(name__in=["Petani", "Nelayan"])
        services.programme_update(
            actor=setup.users["manager"],
            programme=setup.seluma,
            quota_size=12,
            occupations=list(farmers),
        )
        entry = programme_history(setup.seluma)[0]
        assert entry.who == str(setup.users["manager"])
        changes = {c.label: (c.old, c.new) for c in entry.changes}
        assert changes["jumlah kuota"] == ("10", "12")
        assert changes["pekerjaan yang layak"] == ("", "Nelayan, Petani")

    def test_the_informal_occupations_are_seeded_with_transport_marked(self, db: None) -> None:
        names = set(Occupation.objects.values_list("name", flat=True))
        assert {"Petani", "Nelayan", "Pemulung", "Juru parkir", "Ketua RT", "Jurnalis"} <= names
        transport = set(
            Occupation.objects.filter(sector="transport").values_list("name", flat=True)
        )
        assert transport == {"Ojek/pengemudi", "Tukang becak"}


class TestBudgetLines:
    def _line(self, setup: Setup, **overrides: Any):
        fields = {
            "fiscal_year": 2025,
            "funding_source": "apbd",
            "pagu": 101_808_000,
            "status": BudgetStatus.PLANNED,
        } | overrides
        return services.budget_line_create(
            actor=setup.users["finance"], programme=setup.seluma, **fields
        )

    def test_finance_records_a_budget_line(self, setup: Setup) -> None:
        line = self._line(setup, other_costs=1_000_000)
        assert line.for_contributions == 100_808_000

    @pytest.mark.parametrize(
        ("overrides", "field", "text"),
        [
            ({"pagu": 0}, "pagu", "Pagu harus lebih dari Rp0."),
            ({"other_costs": 200_000_000}, "other_costs", "melebihi pagu Rp101.808.000"),
            ({"starts_on": date(2024, 12, 1)}, "starts_on", "di luar tahun anggaran 2025"),
            (
                {"starts_on": date(2025, 10, 1), "ends_on": date(2025, 9, 1)},
                "ends_on",
                "tidak boleh sebelum tanggal mulai",
            ),
            ({"status": BudgetStatus.APPROVED}, "dpa_number", "nomor DPA"),
            ({"fiscal_year": 1990}, "fiscal_year", "antara 2000 dan 2100"),
        ],
    )
    def test_impossible_budget_lines_are_refused(
        self, setup: Setup, overrides: dict[str, Any], field: str, text: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            self._line(setup, **overrides)
        assert text in " ".join(error.value.message_dict[field])

    def test_the_auditor_cannot_record_a_budget_line(self, setup: Setup) -> None:
        with pytest.raises(PermissionDenied):
            services.budget_line_create(
                actor=setup.users["auditor"],
                programme=setup.seluma,
                fiscal_year=2025,
                funding_source="apbd",
                pagu=1,
            )


class TestProposalPeriods:
    def _period(self, setup: Setup, opens: date, closes: date, name: str = "Tahap 1"):
        return services.period_create(
            actor=setup.users["manager"],
            programme=setup.seluma,
            name=name,
            opens_on=opens,
            closes_on=closes,
        )

    def test_closing_before_opening_is_refused(self, setup: Setup) -> None:
        with pytest.raises(ValidationError) as error:
            self._period(setup, date(2026, 2, 1), date(2026, 1, 1))
        assert error.value.message_dict["closes_on"] == [
            "Tanggal tutup tidak boleh sebelum tanggal buka."
        ]

    def test_overlapping_periods_of_a_programme_are_refused(self, setup: Setup) -> None:
        self._period(setup, date(2026, 1, 1), date(2026, 1, 31))
        with pytest.raises(ValidationError) as error:
            self._period(setup, date(2026, 1, 31), date(2026, 3, 1), name="Tahap 2")
        assert "tumpang tindih dengan 'Tahap 1'" in error.value.message_dict["opens_on"][0]
        after = self._period(setup, date(2026, 2, 1), date(2026, 3, 1), name="Tahap 2")
        assert after.pk is not None

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
    def test_postgresql_itself_refuses_overlapping_periods(self, setup: Setup) -> None:
        self._period(setup, date(2026, 1, 1), date(2026, 1, 31))
        with pytest.raises(IntegrityError), transaction.atomic():
            ProposalPeriod.objects.create(
                programme=setup.seluma,
                name="Lewat samping",
                opens_on=date(2026, 1, 15),
                closes_on=date(2026, 2, 15),
            )

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from lindung.synth import generate_population, make_village_list

REFERENCE = date(2026, 1, 1)


@pytest.fixture(scope="session")
def seluma() -> pa.Table:
    return generate_population("17.05", 3000, seed=7, reference_date=REFERENCE)


@pytest.fixture(scope="session")
def seluma_list(seluma: pa.Table) -> tuple[pa.Table, pa.Table]:
    return make_village_list(seluma, 400, seed=7, reference_date=REFERENCE)

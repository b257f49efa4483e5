from __future__ import annotations

import pytest

from lindung.regions.services import regions_load


@pytest.fixture
def seluma(db: None) -> None:
    """Kabupaten Seluma (17.05) with Bengkulu above it: 14 kecamatan, 202 villages."""
    regions_load(only="17.05")

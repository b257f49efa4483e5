"""The national BPU rates every new programme starts from, as data the manager can edit.

Only what DOMAIN.md confirms is seeded: JKK Rp10,000 for a declared income of exactly
Rp1,000,000 (the other bands of Lampiran II PP 44/2015 are left for an administrator to add),
JKM Rp6,800 flat, JHT 2% of the declared income, and PP 50/2025's 50% discount on JKK and
JKM in 2026 for BPU not paid through APBN/APBD.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lindung.programs.models import Benefit, FundingSource, Sector

# Start of BPJS Ketenagakerjaan's programmes under PP 44/2015.
NATIONAL_RATES_FROM = date(2015, 7, 1)
JKK_REFERENCE = "Lampiran II PP 44/2015, diubah PP 82/2019 dan PP 49/2023"

NATIONAL_RATES: list[dict[str, Any]] = [
    {
        "benefit": Benefit.JKK,
        "income_from": 1_000_000,
        "income_to": 1_000_000,
        "amount": 10_000,
        "valid_from": NATIONAL_RATES_FROM,
        "legal_reference": JKK_REFERENCE,
    },
    {
        "benefit": Benefit.JKM,
        "amount": 6_800,
        "valid_from": NATIONAL_RATES_FROM,
        "legal_reference": "PP 44/2015",
    },
    {"benefit": Benefit.JHT, "basis_points": 200, "valid_from": NATIONAL_RATES_FROM},
]

# Contributions paid through the regional budget are APBD money whatever the account:
# the revised budget and DBHCHT (a transfer spent through the APBD) keep the full rate too.
PP_50_EXEMPT = [
    FundingSource.APBN.value,
    FundingSource.APBD.value,
    FundingSource.APBD_P.value,
    FundingSource.DBHCHT.value,
]
PP_50_REFERENCE = "PP 50/2025"

PP_50_ADJUSTMENTS: list[dict[str, Any]] = [
    {
        "name": "PP 50/2025: potongan 50% JKK dan JKM BPU sektor transportasi",
        "applies_jkk": True,
        "applies_jkm": True,
        "discount_basis_points": 5_000,
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2027, 3, 31),
        "sector": Sector.TRANSPORT,
        "sector_excluded": False,
        "exempt_funding": PP_50_EXEMPT,
        "legal_reference": PP_50_REFERENCE,
    },
    {
        "name": "PP 50/2025: potongan 50% JKK dan JKM BPU sektor lain",
        "applies_jkk": True,
        "applies_jkm": True,
        "discount_basis_points": 5_000,
        "valid_from": date(2026, 4, 1),
        "valid_to": date(2026, 12, 31),
        "sector": Sector.TRANSPORT,
        "sector_excluded": True,
        "exempt_funding": PP_50_EXEMPT,
        "legal_reference": PP_50_REFERENCE,
    },
]

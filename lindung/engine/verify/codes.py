"""Reason codes, their default severities and the programme rules a verification applies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

REJECT, REVIEW, WARN = "reject", "review", "warn"
SEVERITIES = (REJECT, REVIEW, WARN)

NIK_CODES = ("NIK_FORMAT", "NIK_DATE", "NIK_SERIAL", "NIK_DOB_MISMATCH", "NIK_SEX_MISMATCH")
CODES = (
    *NIK_CODES,
    "NIK_REGISTRY_DIFFERS",
    "AGE_OUT_OF_RANGE",
    "DOMICILE_OUTSIDE",
    "DUPLICATE_IN_BATCH",
    "PROPOSED_ELSEWHERE",
    "ALREADY_MEMBER",
    "BPJS_ACTIVE",
    "OTHER_PROGRAMME",
    "EXCLUDED",
    "DECEASED",
    "NOT_IN_REGISTRY",
    "DESIL_ABOVE_LIMIT",
    "OCCUPATION_NOT_ELIGIBLE",
    "NAME_MISMATCH",
    "UNCERTAIN_MATCH",
)

DEFAULT_SEVERITIES: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(NIK_CODES, REJECT),
        # The person is in the registry under another NIK: the payment would go to a NIK
        # that is not theirs, but a verifier can see both and correct it.
        "NIK_REGISTRY_DIFFERS": WARN,
        "AGE_OUT_OF_RANGE": REJECT,
        "DOMICILE_OUTSIDE": REJECT,
        "DUPLICATE_IN_BATCH": REJECT,
        "PROPOSED_ELSEWHERE": REVIEW,
        "ALREADY_MEMBER": REJECT,
        "BPJS_ACTIVE": REJECT,
        "OTHER_PROGRAMME": REJECT,
        "EXCLUDED": REJECT,
        "DECEASED": REJECT,
        # Only a warning when the programme does not require the registry; see `severities`.
        "NOT_IN_REGISTRY": REJECT,
        "DESIL_ABOVE_LIMIT": REJECT,
        "OCCUPATION_NOT_ELIGIBLE": REJECT,
        "NAME_MISMATCH": REVIEW,
        "UNCERTAIN_MATCH": REVIEW,
    }
)


class VerifyInputError(ValueError):
    """Inputs that cannot be verified, with one Indonesian sentence saying what to supply."""


@dataclass(frozen=True)
class Rules:
    """What a programme accepts; `severities` overrides `DEFAULT_SEVERITIES` per code."""

    region_code: str
    reference_date: date
    min_age: int | None = None
    max_age: int | None = None
    requires_registry: bool = False
    max_desil: int | None = None
    eligible_occupation_ids: frozenset[int] | None = None
    severities: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.severities) - set(CODES))
        if unknown:
            raise ValueError(f"kode alasan tidak dikenal: {', '.join(unknown)}")
        bad = sorted(c for c, s in self.severities.items() if s not in SEVERITIES)
        if bad:
            raise ValueError(
                f"tingkat untuk {', '.join(bad)} harus salah satu dari {', '.join(SEVERITIES)}"
            )

    def severity(self, code: str) -> str:
        if code in self.severities:
            return self.severities[code]
        if code == "NOT_IN_REGISTRY" and not self.requires_registry:
            return WARN
        return DEFAULT_SEVERITIES[code]

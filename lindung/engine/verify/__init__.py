"""Automatic verification of proposals: set-based checks in DuckDB plus record linkage.

Pure (no Django): Arrow tables in, Arrow tables out. See docs/verification.md.
"""

from lindung.engine.verify.codes import (
    CODES,
    DEFAULT_SEVERITIES,
    SEVERITIES,
    Rules,
    VerifyInputError,
)
from lindung.engine.verify.messages import TEMPLATES, render
from lindung.engine.verify.run import FINDINGS_SCHEMA, SUMMARY_SCHEMA, VerifyResult, verify

__all__ = [
    "CODES",
    "DEFAULT_SEVERITIES",
    "FINDINGS_SCHEMA",
    "SEVERITIES",
    "SUMMARY_SCHEMA",
    "TEMPLATES",
    "Rules",
    "VerifyInputError",
    "VerifyResult",
    "render",
    "verify",
]

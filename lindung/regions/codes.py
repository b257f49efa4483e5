"""Kemendagri area codes as plain strings, no Django.

Codes are dotted: `17` province, `17.05` regency/city, `17.05.01` district,
`17.05.01.2001` village. Containment is a prefix relation, which is what lets the
database answer "everything inside this area" with one indexed LIKE.
"""

from __future__ import annotations

import re

PROVINCE, REGENCY, DISTRICT, VILLAGE = 1, 2, 3, 4
LENGTHS = {PROVINCE: 2, REGENCY: 5, DISTRICT: 8, VILLAGE: 13}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def is_code(code: str) -> bool:
    return bool(_CODE.match(code))


def level_of(code: str) -> int:
    if not is_code(code):
        raise ValueError(f"bukan kode wilayah Kemendagri: {code!r}")
    return code.count(".") + 1


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_codes(code: str) -> list[str]:
    """Codes of the areas containing `code`, from the province down, without itself."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def contains(outer: str, inner: str) -> bool:
    """True when area `outer` is `inner` or contains it."""
    return inner == outer or inner.startswith(outer + ".")


def is_kota(regency_code: str) -> bool:
    """Regency part 71-99 is a city (kota); 01-69 a regency (kabupaten)."""
    return level_of(regency_code) >= REGENCY and int(regency_code[3:5]) >= 71


def village_kind(village_code: str) -> str:
    """'kelurahan', 'desa' or 'desa_adat', from the first digit of the village part."""
    if level_of(village_code) != VILLAGE:
        raise ValueError(f"bukan kode desa/kelurahan: {village_code!r}")
    return {"1": "kelurahan", "2": "desa", "3": "desa_adat"}.get(village_code[9], "desa")


def from_nik_prefix(digits: str) -> str:
    """'170501' (the first six digits of a NIK) -> '17.05.01'."""
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"

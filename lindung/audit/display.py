"""An audit event's `detail` as its Indonesian reader reads it.

The keys are what the code writes (English, stable, for machines); the log page shows each
through these labels. A key not listed here is shown as stored, so a new one is readable,
if not translated, from the day it is first written. Values that are codes (a claim's
status, a user's role), amounts under an app's own keys and ids with names are shown
through what their app registers in its `ready()` (`register_codes`, `register_money`,
`register_names`), as it registers its area scope, so this app depends on none of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lindung.engine.budget import format_rupiah

DETAIL_LABELS = {
    "added": _("ahli waris ditambahkan"),
    "adjustment_lines": _("baris penyesuaian"),
    "allocations": _("dibagi ke tagihan"),
    "amount": _("nilai"),
    "area": _("wilayah"),
    "before": _("sebelumnya"),
    "benefit": _("manfaat"),
    "bill": _("tagihan iuran"),
    "bill_total": _("total tagihan kita"),
    "bpjs_reference": _("nomor klaim BPJS"),
    "budget_line": _("pos anggaran"),
    "change": _("perubahan"),
    "codes": _("dokumen"),
    "column_mapping": _("kolom berkas"),
    "count": _("jumlah"),
    "counts": _("hitungan baris"),
    "entries": _("baris SK"),
    "event_date": _("tanggal kejadian"),
    "fields": _("kolom diubah"),
    "file_name": _("nama berkas"),
    "file_sha256": _("sidik berkas (SHA-256)"),
    "filters": _("saringan"),
    "finding": _("temuan"),
    "format": _("format"),
    "from": _("dari"),
    "from_status": _("status sebelumnya"),
    "full_nik": _("NIK lengkap"),
    "header_row": _("baris judul"),
    "ids": _("nomor selisih"),
    "include_sent": _("termasuk yang sudah dikirim"),
    "invoice": _("tagihan BPJS"),
    "kind": _("jenis"),
    "kpj": _("KPJ"),
    "lines": _("baris tagihan"),
    "members": _("jumlah peserta"),
    "membership": _("id peserta"),
    "month": _("bulan"),
    "monthly_cost": _("biaya per bulan"),
    "months_left": _("sisa bulan"),
    "name": _("nama"),
    "number": _("nomor"),
    "ours": _("menurut kita"),
    "paid_amount": _("jumlah dibayar"),
    "paid_total": _("total dibayar"),
    "personal_data": _("data pribadi"),
    "prefix": _("awalan token"),
    "programme": _("program"),
    "programme_id": _("program"),
    "q": _("pencarian"),
    "reason": _("alasan"),
    "received_on": _("tanggal diterima"),
    "rejected_rows": _("baris ditolak"),
    "relation": _("hubungan"),
    "remaining": _("sisa anggaran"),
    "removed": _("ahli waris dihapus"),
    "report": _("laporan"),
    "resolution": _("penyelesaian"),
    "role": _("peran"),
    "row": _("nomor baris"),
    "rows": _("jumlah baris"),
    "scope": _("wilayah kerja"),
    "sheet_name": _("nama lembar"),
    "since": _("sejak"),
    "source": _("sumber"),
    "sp2d_date": _("tanggal SP2D"),
    "sp2d_number": _("nomor SP2D"),
    "status": _("status"),
    "theirs": _("menurut BPJS"),
    "to": _("menjadi"),
    "to_status": _("status baru"),
    "total": _("total"),
    "until": _("sampai"),
    "user": _("pengguna"),
    "username": _("nama pengguna"),
    "version": _("versi"),
    "via": _("lewat"),
    "village_code": _("desa"),
    "what": _("isi"),
}

# An invoice import's `counts` reuse keys that mean something else at the top level
# ("amount" is a number of rows whose contribution differs there, not a sum of money).
COUNT_LABELS = {
    "amount": _("jumlah berbeda"),
    "billed": _("KPJ ditagih"),
    "bpjs_only": _("hanya di BPJS"),
    "duplicate": _("ganda"),
    "file_total": _("total di berkas"),
    "invalid": _("tidak terbaca"),
    "matched": _("cocok"),
    "ours_only": _("tidak ditagih BPJS"),
    "rows": _("baris berkas"),
    "total": _("selisih total tagihan"),
}
NESTED_LABELS = {"counts": COUNT_LABELS}

# Keys whose whole numbers are rupiah, at the top level and inside a nested dict. Not
# "ours"/"theirs": a reconciliation difference may be about a status or a name.
MONEY_KEYS = frozenset(
    {"amount", "bill_total", "monthly_cost", "paid_amount", "paid_total", "remaining", "total"}
)
NESTED_MONEY_KEYS = {"counts": frozenset({"file_total"})}
MONEY_MAPS = frozenset({"allocations"})  # bill -> rupiah
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_OBJECT_MONEY_KEYS: dict[str, frozenset[str]] = {}

# How a change reached the log, when it came another way than a page's own form.
VIA_LABELS = {
    "api": _("API"),
    "edit_form": _("formulir ubah data orang"),
    "match_review": _("telaah kecocokan nama"),
    "registration_correct": _("koreksi data pendaftaran BPJS"),
}
_ANY = "*"
_CODES: dict[tuple[str, str], dict[Any, Any]] = {(_ANY, "via"): VIA_LABELS}


# Ids named on the page (a programme's id reads as its name), one query per key per page.
Names = dict[str, dict[int, str]]
_NAMES: dict[str, Callable[[set[int]], dict[int, str]]] = {}


def register_names(key: str, names: Callable[[set[int]], dict[int, str]]) -> None:
    """Show the ids under `key` in any event's detail with the names `names` gives a set of
    them (never personal data: the log shows the page to every auditor)."""
    _NAMES[key] = names


def names_for(details: Iterable[dict[str, Any]]) -> Names:
    """The names of every registered id in `details` (a page's events), a query per key."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for detail in details:
        for key in _NAMES.keys() & detail.keys():
            if _is_whole(detail[key]):
                wanted[key].add(detail[key])
    return {key: _NAMES[key](ids) for key, ids in wanted.items()}


def register_money(object_type: str, *keys: str) -> None:
    """Show the whole numbers under `keys` in `object_type`'s events as rupiah too."""
    _OBJECT_MONEY_KEYS[object_type] = _OBJECT_MONEY_KEYS.get(object_type, frozenset()) | set(keys)


def register_codes(object_type: str | None, key: str, choices: Iterable[tuple[str, Any]]) -> None:
    """Show the codes under `key` in the details of `object_type`'s events (None: every
    event's) by their labels: `register_codes("claim", "to_status", ClaimStatus.choices)`."""
    _CODES[(object_type or _ANY, key)] = dict(choices)


def detail_items(
    detail: dict[str, Any], object_type: str = "", names: Names | None = None
) -> list[tuple[str, str]]:
    """(label, value) pairs as plain text (the template escapes them), by label: the order
    the code wrote does not survive PostgreSQL's jsonb, which sorts keys by length. Money
    reads as rupiah, days as Indonesian dates ("5 November 2025"; "Oktober 2025" for a
    month), registered codes by their labels, ids found in `names` (`names_for`) by name
    with the id after it."""
    money = MONEY_KEYS | _OBJECT_MONEY_KEYS.get(object_type, frozenset())
    # An object type's own labels win over those for every event.
    codes = {key: labels for (kind, key), labels in _CODES.items() if kind == _ANY}
    codes |= {key: labels for (kind, key), labels in _CODES.items() if kind == object_type}
    for key, found in (names or {}).items():
        codes[key] = {value: f"{name} ({value})" for value, name in found.items()}
    return _labelled(detail, DETAIL_LABELS, money, codes)


def _labelled(
    detail: dict[str, Any],
    labels: dict[str, Any],
    money: frozenset[str],
    codes: dict[str, dict[Any, Any]] | None = None,
) -> list[tuple[str, str]]:
    pairs = [
        (str(labels.get(key, key)), _read(key, value, money, (codes or {}).get(key)))
        for key, value in detail.items()
    ]
    return sorted(pairs, key=lambda pair: pair[0].casefold())


def _read(key: str, value: Any, money: frozenset[str], codes: dict[Any, Any] | None) -> str:
    if key in money:
        return _money(value)
    if codes is not None:
        if (isinstance(value, str) or _is_whole(value)) and value in codes:
            return str(codes[value])
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return ", ".join(str(codes.get(v, v)) for v in value)
    return _value(key, value)


def _money(value: Any) -> str:
    return format_rupiah(value) if _is_whole(value) else _value("", value)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _value(key: str, value: Any) -> str:
    if value is None or value in ("", [], {}):
        return "—"
    if isinstance(value, bool):
        return str(_("Ya") if value else _("Tidak"))
    if isinstance(value, list):
        return ", ".join(_value(key, item) for item in value)
    if isinstance(value, dict):
        if key in MONEY_MAPS:
            # Bill ids in number order: 7 before 12.
            pairs = sorted(((str(k), _money(v)) for k, v in value.items()), key=_by_number)
        else:
            labels = NESTED_LABELS.get(key, DETAIL_LABELS)
            pairs = _labelled(value, labels, NESTED_MONEY_KEYS.get(key, frozenset()))
        return ", ".join(f"{label}: {text}" for label, text in pairs)
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return _day(value, "F Y" if key == "month" else "j F Y")
    return str(value)


def _by_number(pair: tuple[str, str]) -> tuple[int, str]:
    return len(pair[0]), pair[0]


def _day(iso: str, pattern: str) -> str:
    try:
        return date_format(date.fromisoformat(iso), pattern)
    except ValueError:  # shaped like a day but not one
        return iso

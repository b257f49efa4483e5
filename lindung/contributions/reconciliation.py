"""BPJS's invoice against our bill: what differs, and how each difference was settled.

`invoice_import` records BPJS's invoice for an approved bill: its stated total and, when BPJS
sends it, its member list (CSV or XLSX, one row per KPJ). The list is compared with the
bill in one DuckDB query (the bill's lines summed per member, joined on the KPJ), and every
difference is stored with COPY. Each data row of the file ends in exactly one bucket:

    rows = matched + amount + bpjs_only + duplicate + invalid

- invalid: no readable KPJ or amount (the row and what is wrong are kept);
- duplicate: a readable row whose KPJ an earlier row of the file already has;
- the first row of each KPJ: matched (in our bill, same amount), amount (in our bill, another
  amount) or bpjs_only (not in our bill; `detail` says whether the KPJ or NIK is an ended
  member of ours, one not billed this month, one not yet registered, or nobody we know).

From the bill's side, every KPJ we billed is matched, amount or ours_only:
`billed = matched + amount + ours_only`. A TOTAL difference is added when BPJS's stated total
differs from the sum of its file's rows, and when it differs from our bill.

`difference_resolve` and `differences_resolve` settle differences with a recorded reason;
every import, decision and export is in the audit trail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import RECONCILE_INVOICES, VIEW_BILLS, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core import bulk
from lindung.engine.budget import format_rupiah
from lindung.engine.tabular import TabularError, guess_mapping, read_sheet
from lindung.membership.bpjs_columns import KPJ_PATTERN, RESULT_SYNONYMS
from lindung.membership.models import Membership

from . import documents
from .models import Bill, BillLine, DifferenceKind, Invoice, InvoiceDifference, Resolution
from .months import month_label

MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 2_000_000
BULK_LIMIT = 500
COUNT_KEYS = ("rows", "matched", "amount", "bpjs_only", "duplicate", "invalid")
ACTION_IMPORT = AuditEvent.Action.INVOICE_IMPORT
ACTION_RESOLVE = AuditEvent.Action.DIFFERENCE_RESOLVE
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# fmt: off
INVOICE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "kpj": RESULT_SYNONYMS["kpj"],
    "nik": RESULT_SYNONYMS["nik"],
    "nama": RESULT_SYNONYMS["nama"],
    "iuran": ("Iuran", "Jumlah", "Total Iuran", "Jumlah Iuran", "Total", "Nominal",
              "Jumlah Tagihan", "Tagihan", "Iuran (Rp)", "Jumlah (Rp)", "Total Tagihan"),
    "jkk": ("JKK", "Iuran JKK"),
    "jkm": ("JKM", "Iuran JKM"),
}
# fmt: on


class ReconciliationError(ValidationError):
    """The invoice cannot be imported or the decision recorded; the message says why."""


# -- permissions -----------------------------------------------------------------------------


def _check_actor(actor: User | None, bill: Bill) -> None:
    """`actor` None is an operator at the command line."""
    if actor is None:
        return
    if not has_capability(actor, RECONCILE_INVOICES):
        raise PermissionDenied(_("Peran Anda tidak boleh mencocokkan tagihan BPJS."))
    if not scoping.can_see_area(actor, bill.programme.owner_id):
        raise PermissionDenied(_("Tagihan ini di luar wilayah kerja Anda."))


# -- import ----------------------------------------------------------------------------------


def invoice_import(
    *,
    actor: User | None,
    bill: Bill,
    number: str,
    total: int,
    issued_on: date | None = None,
    data: bytes | None = None,
    file_name: str = "",
) -> Invoice:
    """Record BPJS's invoice for `bill` and every way it differs from the bill.

    Raises PermissionDenied, or ReconciliationError saying what to fix; a refused import
    leaves nothing behind."""
    _check_actor(actor, bill)
    number = (number or "").strip()
    _check_invoice(bill, number, total)
    sha = hashlib.sha256(data).hexdigest() if data is not None else ""
    _refuse_repeats(bill, number, sha)
    compared: _Compared | None = None
    if data is not None:
        if not file_name:
            raise ValueError("file_name is needed to tell CSV from XLSX")
        compared = _compare(bill, _read_invoice(data, file_name))
    try:
        with transaction.atomic():
            # Serialises imports for one bill, so the repeat checks below see every earlier
            # import (an approved bill is never updated: the lock only orders readers).
            Bill.objects.select_for_update().filter(pk=bill.pk).first()
            _refuse_repeats(bill, number, sha)
            invoice = _write(actor, bill, number, total, issued_on, file_name, sha, compared)
    except IntegrityError:
        _refuse_repeats(bill, number, sha)
        raise
    return invoice


def _check_invoice(bill: Bill, number: str, total: int) -> None:
    if not bill.approved:
        raise ReconciliationError(
            _(
                "Tagihan %(month)s belum disetujui. Tagihan BPJS dicocokkan dengan tagihan yang "
                "sudah disetujui Dinas; setujui tagihannya dulu."
            )
            % {"month": month_label(bill.month)},
            code="bill_not_approved",
        )
    if not number:
        raise ReconciliationError(
            _("Isi nomor tagihan BPJS seperti tertulis di tagihannya."), code="number"
        )
    if len(number) > 100:
        raise ReconciliationError(
            _("Nomor tagihan BPJS paling panjang 100 karakter."), code="number"
        )
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ReconciliationError(
            _("Jumlah tagihan BPJS harus rupiah utuh, nol atau lebih (tanpa sen)."),
            code="total",
        )


def _refuse_repeats(bill: Bill, number: str, sha: str) -> None:
    earlier = Invoice.objects.filter(bill=bill, number=number).first()
    if earlier is not None:
        raise ReconciliationError(
            _(
                "Tagihan BPJS nomor %(number)s untuk tagihan ini sudah diunggah pada %(when)s. "
                "Buka tagihan BPJS itu; bila BPJS mengirim tagihan pengganti, pakai nomornya."
            )
            % {"number": number, "when": _when(earlier)},
            code="number_repeated",
        )
    if sha:
        earlier = Invoice.objects.filter(bill=bill, file_sha256=sha).first()
        if earlier is not None:
            raise ReconciliationError(
                _(
                    "Berkas ini sudah diunggah untuk tagihan ini sebagai tagihan BPJS nomor "
                    "%(number)s pada %(when)s; tidak ada yang diubah."
                )
                % {"number": earlier.number, "when": _when(earlier)},
                code="file_repeated",
            )


def _when(invoice: Invoice) -> str:
    return timezone.localtime(invoice.imported_at).strftime("%d-%m-%Y %H:%M")


# -- reading the file ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    rows: pa.Table  # _row, kpj, nik, nama, iuran, jkk, jkm: text as in the file
    mapping: dict[str, str | None]
    header_row: int
    sheet_name: str | None


def _read_invoice(data: bytes, file_name: str) -> _Sheet:
    try:
        sheet = read_sheet(
            data,
            filename=file_name,
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
            fields=INVOICE_SYNONYMS,
        )
    except TabularError as error:
        message = _(error.template).format(**error.params) if error.template else error.message
        raise ReconciliationError(message, code=error.code) from None
    mapping = guess_mapping(sheet.headers, INVOICE_SYNONYMS)
    found = ", ".join(sheet.headers[:20])
    if mapping["kpj"] is None:
        raise ReconciliationError(
            _(
                "Kolom nomor KPJ tidak ditemukan di berkas %(name)s. Kolom yang terbaca: "
                "%(found)s. Daftar peserta dari BPJS harus punya kolom KPJ (atau No KPJ, Nomor "
                "Peserta); ganti judul kolomnya lalu unggah lagi."
            )
            % {"name": file_name, "found": found},
            code="columns",
        )
    if mapping["iuran"] is None and (mapping["jkk"] is None or mapping["jkm"] is None):
        raise ReconciliationError(
            _(
                "Kolom iuran tidak ditemukan di berkas %(name)s. Kolom yang terbaca: %(found)s. "
                "Daftar peserta dari BPJS harus punya kolom Iuran (atau Jumlah, Total Iuran), "
                "atau kolom JKK dan JKM."
            )
            % {"name": file_name, "found": found},
            code="columns",
        )
    n = sheet.rows.num_rows
    columns = {
        field: (sheet.rows.column(header) if header is not None else pa.nulls(n, pa.string()))
        for field, header in mapping.items()
    }
    rows = pa.table({"_row": sheet.row_numbers, **columns})
    return _Sheet(rows, mapping, sheet.header_row, sheet.sheet_name)


# -- our side --------------------------------------------------------------------------------

_OURS_FIELDS: list[pa.Field[Any]] = [
    pa.field("membership_id", pa.int64()),
    pa.field("kpj", pa.string()),
    pa.field("nik", pa.string()),
    pa.field("name", pa.string()),
    pa.field("status", pa.string()),
    pa.field("coverage_start", pa.date32()),
    pa.field("ended_on", pa.date32()),
    pa.field("billed", pa.int64()),
]
OURS_SCHEMA = pa.schema(_OURS_FIELDS)


def _ours_sql(bill: Bill) -> str:
    members = Membership._meta.db_table
    lines = BillLine._meta.db_table
    return (
        "SELECT m.id, m.kpj, m.nik, m.name, m.status, m.coverage_start, m.ended_on, b.total "  # noqa: S608 - tables from the models, ids are ints
        f"FROM {members} m LEFT JOIN (SELECT membership_id, SUM(total) AS total FROM {lines} "
        f"WHERE bill_id = {int(bill.pk)} GROUP BY membership_id) b ON b.membership_id = m.id "
        f"WHERE m.programme_id = {int(bill.programme_id)}"
    )


def read_ours(bill: Bill) -> pa.Table:
    """The programme's memberships with what `bill` bills each (null: not in the bill)."""
    return bulk.select_table(_ours_sql(bill), OURS_SCHEMA)


# -- comparing -------------------------------------------------------------------------------

DIFFERENCE_COLUMNS = ("kind", "membership_id", "row_number", "kpj", "name", "ours", "theirs")

_MACROS = r"""
CREATE MACRO clean_kpj(s) AS
    upper(regexp_replace(ltrim(trim(coalesce(s, '')), '''‘’`'), '\s+', '', 'g'));
CREATE MACRO plain(s) AS
    regexp_replace(regexp_replace(upper(trim(coalesce(s, ''))), '^RP\.?', ''), '\s+', '', 'g');
CREATE MACRO whole(s) AS regexp_replace(s, '[.,]0{1,2}$', '');
CREATE MACRO rupiah(s) AS CASE
    WHEN regexp_full_match(whole(plain(s)), '-?[0-9]{1,15}')
        THEN CAST(whole(plain(s)) AS BIGINT)
    WHEN regexp_full_match(whole(plain(s)), '-?[0-9]{1,3}([.][0-9]{3}){1,4}')
      OR regexp_full_match(whole(plain(s)), '-?[0-9]{1,3}([,][0-9]{3}){1,4}')
        THEN CAST(regexp_replace(whole(plain(s)), '[.,]', '', 'g') AS BIGINT)
    END;
"""

_FILE = """
CREATE TEMP TABLE f AS
SELECT _row AS row_number,
       clean_kpj(kpj) AS kpj,
       trim(coalesce(kpj, '')) AS kpj_text,
       regexp_full_match(clean_kpj(kpj), $kpj_pattern) AS kpj_ok,
       regexp_replace(coalesce(nik, ''), '[^0-9]', '', 'g') AS nik,
       left(trim(coalesce(nama, '')), 150) AS name,
       CASE WHEN $by_parts THEN rupiah(jkk) + rupiah(jkm) ELSE rupiah(iuran) END AS amount,
       CASE WHEN $by_parts THEN trim(coalesce(jkk, '') || ' + ' || coalesce(jkm, ''))
            ELSE trim(coalesce(iuran, '')) END AS amount_text
  FROM sheet
"""

_OURS = """
CREATE TEMP TABLE billed AS
SELECT CASE WHEN clean_kpj(kpj) = '' THEN '#' || membership_id ELSE clean_kpj(kpj) END AS key,
       clean_kpj(kpj) AS kpj, min(membership_id) AS membership_id, min(name) AS name,
       sum(billed)::BIGINT AS billed
  FROM ours WHERE billed IS NOT NULL GROUP BY 1, 2;
CREATE TEMP TABLE known AS
SELECT membership_id, clean_kpj(kpj) AS kpj, nik, name, status, coverage_start, ended_on,
       billed IS NOT NULL AS in_bill
  FROM ours;
"""

_ROWS = """
CREATE TEMP TABLE ranked AS
SELECT f.*, row_number() OVER w AS nth, min(row_number) OVER w AS first_row
  FROM f WHERE kpj_ok AND amount IS NOT NULL
WINDOW w AS (PARTITION BY kpj);
CREATE TEMP TABLE firsts AS
SELECT r.*, b.membership_id AS billed_id, b.billed, b.name AS billed_name,
       CASE WHEN b.key IS NULL THEN 'bpjs_only'
            WHEN b.billed <> r.amount THEN 'amount' ELSE 'matched' END AS bucket
  FROM ranked r LEFT JOIN billed b ON b.key = r.kpj
 WHERE r.nth = 1;
"""

# Who a KPJ billed only by BPJS might be: a membership with that KPJ outside this bill, else
# one with that NIK (in this bill under another KPJ, or outside it).
_BPJS_ONLY = """
WITH by_kpj AS (
    SELECT kpj, arg_max(membership_id, membership_id) AS id FROM known
     WHERE kpj <> '' AND NOT in_bill GROUP BY kpj
), by_nik AS (
    SELECT nik, arg_max(membership_id, in_bill::INT * 1e12 + membership_id) AS id FROM known
     WHERE nik <> '' GROUP BY nik
), found AS (
    SELECT s.row_number, s.kpj, s.name, s.amount, s.nik,
           coalesce(k.id, CASE WHEN length(s.nik) = 16 THEN n.id END) AS id,
           k.id IS NOT NULL AS via_kpj
      FROM firsts s
      LEFT JOIN by_kpj k ON k.kpj = s.kpj
      LEFT JOIN by_nik n ON n.nik = s.nik
     WHERE s.bucket = 'bpjs_only'
)
SELECT 'bpjs_only' AS kind, m.membership_id, s.row_number, s.kpj,
       CASE WHEN s.name <> '' THEN s.name ELSE coalesce(m.name, '') END AS name,
       NULL::BIGINT AS ours, s.amount AS theirs,
       CASE
         WHEN m.membership_id IS NULL THEN $unknown
         WHEN m.in_bill THEN replace($other_kpj, '{kpj}', m.kpj)
         WHEN m.status = 'ended' THEN replace(
              CASE WHEN s.via_kpj THEN $ended_kpj ELSE $ended_nik END,
              '{date}', strftime(m.ended_on, '%d-%m-%Y'))
         WHEN m.status = 'registered' THEN replace(
              CASE WHEN s.via_kpj THEN $unbilled_kpj ELSE $unbilled_nik END,
              '{date}', coalesce(strftime(m.coverage_start, '%d-%m-%Y'), '-'))
         ELSE CASE WHEN s.via_kpj THEN $unregistered_kpj ELSE $unregistered_nik END
       END AS detail
  FROM found s LEFT JOIN known m ON m.membership_id = s.id
"""

_OTHERS = """
SELECT 'amount' AS kind, billed_id AS membership_id, row_number, kpj,
       CASE WHEN name <> '' THEN name ELSE billed_name END AS name,
       billed AS ours, amount AS theirs, '' AS detail
  FROM firsts WHERE bucket = 'amount'
UNION ALL
SELECT 'duplicate', b.membership_id, r.row_number, r.kpj,
       CASE WHEN r.name <> '' THEN r.name ELSE coalesce(b.name, '') END,
       b.billed, r.amount, replace($duplicate, '{row}', CAST(r.first_row AS VARCHAR))
  FROM ranked r LEFT JOIN billed b ON b.key = r.kpj
 WHERE r.nth > 1
UNION ALL
SELECT 'invalid', NULL, row_number, left(kpj, 20), name, NULL, amount,
       trim(CASE WHEN kpj = '' THEN $kpj_empty
                 WHEN NOT kpj_ok THEN replace($kpj_bad, '{value}', left(kpj_text, 40))
                 ELSE '' END
            || ' ' ||
            CASE WHEN amount IS NOT NULL THEN ''
                 WHEN amount_text IN ('', '+') THEN $amount_empty
                 ELSE replace($amount_bad, '{value}', left(amount_text, 40)) END)
  FROM f WHERE NOT kpj_ok OR amount IS NULL
UNION ALL
SELECT 'ours_only', b.membership_id, NULL, b.kpj, b.name, b.billed, NULL,
       CASE WHEN b.kpj = '' THEN $no_kpj
            WHEN bad.row_number IS NOT NULL
                 THEN replace($in_invalid_row, '{row}', CAST(bad.row_number AS VARCHAR))
            ELSE $not_listed END
  FROM billed b
  LEFT JOIN (SELECT kpj, min(row_number) AS row_number FROM f
              WHERE kpj_ok AND amount IS NULL GROUP BY kpj) bad ON bad.kpj = b.kpj
 WHERE NOT EXISTS (SELECT 1 FROM ranked r WHERE r.kpj = b.key)
"""


def _texts() -> dict[str, str]:
    """The sentences of `detail`, translated now; `{...}` is filled in by the query."""
    return {
        "unknown": _("KPJ dan NIK ini tidak dikenal di program ini."),
        "other_kpj": _("NIK ini milik peserta kita yang ditagih dengan KPJ {kpj}."),
        "ended_kpj": _("KPJ ini milik peserta kita yang sudah berhenti sejak {date}."),
        "ended_nik": _("NIK ini milik peserta kita yang sudah berhenti sejak {date}."),
        "unbilled_kpj": _(
            "KPJ ini milik peserta kita yang tidak ditagih bulan ini (perlindungan mulai {date})."
        ),
        "unbilled_nik": _(
            "NIK ini milik peserta kita yang tidak ditagih bulan ini (perlindungan mulai {date})."
        ),
        "unregistered_kpj": _("KPJ ini milik peserta kita yang belum tercatat terdaftar."),
        "unregistered_nik": _(
            "NIK ini milik peserta kita yang belum tercatat terdaftar di BPJS (belum ada KPJ)."
        ),
        "duplicate": _("KPJ ini sudah ada di baris {row}."),
        "kpj_empty": _("KPJ kosong."),
        "kpj_bad": _("KPJ '{value}' tidak terbaca (5-20 angka atau huruf)."),
        "amount_empty": _("Iuran kosong."),
        "amount_bad": _("Iuran '{value}' bukan jumlah rupiah utuh."),
        "no_kpj": _("Peserta kita ini belum punya nomor KPJ, jadi tidak bisa dicocokkan."),
        "in_invalid_row": _(
            "KPJ ini ada di baris {row} berkas BPJS, tetapi iurannya tidak terbaca."
        ),
        "not_listed": _("Tidak ada di daftar peserta tagihan BPJS."),
    }


@dataclass(frozen=True)
class _Compared:
    sheet: _Sheet
    differences: pa.Table  # DIFFERENCE_COLUMNS + detail
    counts: dict[str, int]
    file_total: int
    members: int


def _compare(bill: Bill, sheet: _Sheet) -> _Compared:
    """The file's rows against the bill, set-based in DuckDB."""
    ours = read_ours(bill)
    by_parts = sheet.mapping["iuran"] is None
    texts = _texts()
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute(_MACROS)
        con.register("sheet", sheet.rows)
        con.register("ours", ours)
        con.execute(_FILE, {"kpj_pattern": KPJ_PATTERN.pattern, "by_parts": by_parts})
        con.execute(_OURS)
        con.execute(_ROWS)
        bpjs_only = con.execute(
            _BPJS_ONLY,
            {
                k: texts[k]
                for k in (
                    "unknown",
                    "other_kpj",
                    "ended_kpj",
                    "ended_nik",
                    "unbilled_kpj",
                    "unbilled_nik",
                    "unregistered_kpj",
                    "unregistered_nik",
                )
            },
        ).fetch_arrow_table()
        others = con.execute(
            _OTHERS,
            {
                k: texts[k]
                for k in (
                    "duplicate",
                    "kpj_empty",
                    "kpj_bad",
                    "amount_empty",
                    "amount_bad",
                    "no_kpj",
                    "in_invalid_row",
                    "not_listed",
                )
            },
        ).fetch_arrow_table()
        row = con.execute(
            """
            SELECT (SELECT count(*) FROM f),
                   (SELECT count(*) FILTER (WHERE bucket = 'matched') FROM firsts),
                   (SELECT count(*) FROM firsts),
                   (SELECT coalesce(sum(amount), 0)::BIGINT FROM ranked),
                   (SELECT count(*) FROM billed)
            """
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    rows, matched, members, file_total, billed = (int(v) for v in row)
    differences = pa.concat_tables([bpjs_only, others.cast(bpjs_only.schema)])
    found = _count_kinds(differences)
    counts = {
        "rows": rows,
        "matched": matched,
        "amount": found.get("amount", 0),
        "bpjs_only": found.get("bpjs_only", 0),
        "duplicate": found.get("duplicate", 0),
        "invalid": found.get("invalid", 0),
        "ours_only": found.get("ours_only", 0),
        "billed": billed,
    }
    # Counts in = counts out, from the file's side and from the bill's.
    in_file = sum(counts[k] for k in ("matched", "amount", "bpjs_only", "duplicate", "invalid"))
    assert counts["rows"] == in_file, counts
    assert counts["billed"] == counts["matched"] + counts["amount"] + counts["ours_only"], counts
    return _Compared(sheet, differences, counts, file_total, members)


def _count_kinds(differences: pa.Table) -> dict[str, int]:
    grouped = differences.group_by("kind").aggregate([("kind", "count")])
    kinds = grouped.column("kind").to_pylist()
    numbers = grouped.column("kind_count").to_pylist()
    return {str(k): int(n or 0) for k, n in zip(kinds, numbers, strict=True)}


# -- writing ---------------------------------------------------------------------------------


def _write(
    actor: User | None,
    bill: Bill,
    number: str,
    total: int,
    issued_on: date | None,
    file_name: str,
    sha: str,
    compared: _Compared | None,
) -> Invoice:
    counts: dict[str, int] = dict.fromkeys((*COUNT_KEYS, "ours_only", "billed"), 0)
    totals: list[tuple[int, int, str]] = []
    if compared is not None:
        counts = dict(compared.counts)
        counts["file_total"] = compared.file_total
        if compared.file_total != total:
            totals.append(
                (
                    compared.file_total,
                    total,
                    _(
                        "Jumlah di tagihan BPJS %(total)s tidak sama dengan jumlah iuran di "
                        "daftar pesertanya %(rows)s."
                    )
                    % {"total": format_rupiah(total), "rows": format_rupiah(compared.file_total)},
                )
            )
    if total != bill.total:
        totals.append(
            (
                bill.total,
                total,
                _("BPJS menagih %(theirs)s, tagihan kita %(ours)s: selisih %(gap)s.")
                % {
                    "theirs": format_rupiah(total),
                    "ours": format_rupiah(bill.total),
                    "gap": format_rupiah(total - bill.total),
                },
            )
        )
    counts["total"] = len(totals)
    invoice = Invoice.objects.create(
        programme_id=bill.programme_id,
        bill=bill,
        number=number,
        issued_on=issued_on,
        total=total,
        members=compared.members if compared is not None else None,
        file_name=file_name[:255] if compared is not None else "",
        file_sha256=sha,
        counts=counts,
        imported_by=actor,
        imported_at=timezone.now(),
    )
    table = _total_rows(totals)
    if compared is not None:
        table = pa.concat_tables([table, compared.differences.cast(table.schema)])
    n = table.num_rows
    bulk.insert_table(
        InvoiceDifference,
        table.append_column("invoice_id", pa.array([invoice.pk] * n, pa.int64()))
        .append_column("resolution", pa.array([""] * n, pa.string()))
        .append_column("reason", pa.array([""] * n, pa.string())),
    )
    detail: dict[str, Any] = {
        "bill": bill.pk,
        "month": bill.month.isoformat(),
        "number": number,
        "total": total,
        "bill_total": bill.total,
        "counts": counts,
    }
    if compared is not None:
        detail |= {
            "file_name": file_name,
            "file_sha256": sha,
            "header_row": compared.sheet.header_row,
            "sheet_name": compared.sheet.sheet_name,
            "column_mapping": compared.sheet.mapping,
        }
    audit_record(
        actor=actor,
        action=ACTION_IMPORT,
        object_type="invoice",
        object_id=str(invoice.pk),
        detail=detail,
    )
    return invoice


_DIFFERENCE_FIELDS: list[pa.Field[Any]] = [
    pa.field("kind", pa.string()),
    pa.field("membership_id", pa.int64()),
    pa.field("row_number", pa.int64()),
    pa.field("kpj", pa.string()),
    pa.field("name", pa.string()),
    pa.field("ours", pa.int64()),
    pa.field("theirs", pa.int64()),
    pa.field("detail", pa.string()),
]
_DIFFERENCE_SCHEMA = pa.schema(_DIFFERENCE_FIELDS)


def _total_rows(totals: list[tuple[int, int, str]]) -> pa.Table:
    n = len(totals)
    return pa.table(
        {
            "kind": [DifferenceKind.TOTAL.value] * n,
            "membership_id": pa.nulls(n, pa.int64()),
            "row_number": pa.nulls(n, pa.int64()),
            "kpj": [""] * n,
            "name": [""] * n,
            "ours": pa.array([t[0] for t in totals], pa.int64()),
            "theirs": pa.array([t[1] for t in totals], pa.int64()),
            "detail": [t[2][:255] for t in totals],
        },
        schema=_DIFFERENCE_SCHEMA,
    )


# -- resolving -------------------------------------------------------------------------------


def _check_decision(resolution: str, reason: str) -> str:
    if resolution not in Resolution.values:
        raise ReconciliationError(
            _("Pilih penyelesaian: data kita benar, data BPJS benar, atau diterima."),
            code="resolution",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ReconciliationError(
            _(
                "Tulis alasannya: apa yang diperiksa dan mengapa selisih ini diselesaikan "
                "begini. Alasan ini dibaca auditor."
            ),
            code="reason",
        )
    return reason


def difference_resolve(
    *, actor: User | None, difference: InvoiceDifference, resolution: str, reason: str
) -> InvoiceDifference:
    """Settle one difference with a reason; a settled difference stays settled."""
    invoice = difference.invoice
    _check_actor(actor, invoice.bill)
    reason = _check_decision(resolution, reason)
    with transaction.atomic():
        # Two reconcilers deciding the same difference at once: the second sees the first.
        current = InvoiceDifference.objects.select_for_update().get(pk=difference.pk)
        if current.resolved:
            raise ReconciliationError(_already(current), code="resolved")
        current.resolution = resolution
        current.reason = reason
        current.resolved_by = actor
        current.resolved_at = timezone.now()
        current.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action=ACTION_RESOLVE,
            object_type="invoice_difference",
            object_id=str(current.pk),
            detail={
                "invoice": invoice.pk,
                "kind": current.kind,
                "kpj": current.kpj,
                "row": current.row_number,
                "ours": current.ours,
                "theirs": current.theirs,
                "resolution": resolution,
                "reason": reason,
            },
        )
    return current


def _already(difference: InvoiceDifference) -> str:
    who = difference.resolved_by.get_username() if difference.resolved_by else _("sistem")
    when = (
        timezone.localtime(difference.resolved_at).strftime("%d-%m-%Y %H:%M")
        if difference.resolved_at
        else ""
    )
    return _(
        "Selisih ini sudah diselesaikan oleh %(who)s pada %(when)s; keputusannya tidak diubah. "
        "Muat ulang halaman."
    ) % {"who": who, "when": when}


def differences_resolve(
    *,
    actor: User | None,
    invoice: Invoice,
    ids: Sequence[int],
    resolution: str,
    reason: str,
) -> int:
    """Settle many open differences of one invoice with one reason: one UPDATE, one audit
    event. All or nothing: if any is not open (any more), none is changed."""
    _check_actor(actor, invoice.bill)
    reason = _check_decision(resolution, reason)
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ReconciliationError(_("Pilih dulu selisih yang akan diselesaikan."), code="none")
    if len(wanted) > BULK_LIMIT:
        raise ReconciliationError(
            _("Paling banyak %(n)s selisih sekaligus.") % {"n": BULK_LIMIT}, code="too_many"
        )
    with transaction.atomic():
        rows = list(
            InvoiceDifference.objects.select_for_update()
            .filter(invoice=invoice, pk__in=wanted)
            .values_list("pk", "resolution")
        )
        if len(rows) != len(wanted):
            raise ReconciliationError(
                _("Sebagian selisih yang dipilih bukan milik tagihan BPJS ini."), code="foreign"
            )
        settled = [pk for pk, done in rows if done]
        if settled:
            raise ReconciliationError(
                _(
                    "%(n)s selisih yang dipilih sudah diselesaikan orang lain; tidak ada yang "
                    "diubah. Muat ulang halaman lalu pilih lagi."
                )
                % {"n": len(settled)},
                code="resolved",
            )
        changed = InvoiceDifference.objects.filter(
            invoice=invoice, pk__in=wanted, resolution=""
        ).update(
            resolution=resolution, reason=reason, resolved_by=actor, resolved_at=timezone.now()
        )
        assert changed == len(wanted)
        audit_record(
            actor=actor,
            action=ACTION_RESOLVE,
            object_type="invoice",
            object_id=str(invoice.pk),
            detail={
                "count": changed,
                "ids": wanted,
                "resolution": resolution,
                "reason": reason,
            },
        )
    return changed


# -- selectors -------------------------------------------------------------------------------


def bill_for(user: object, pk: int) -> Bill | None:
    """An approved or draft bill the user may see (the invoice form's bill)."""
    return scoping.visible(user, Bill.objects.select_related("programme")).filter(pk=pk).first()


def invoices_for(user: object, bill: Bill) -> QuerySet[Invoice]:
    return scoping.visible(user, Invoice.objects.filter(bill=bill))


def invoice_for(user: object, pk: int) -> Invoice | None:
    invoices = Invoice.objects.select_related("bill", "programme", "imported_by")
    return scoping.visible(user, invoices).filter(pk=pk).first()


def differences(
    user: object, invoice: Invoice, *, kind: str = "", state: str = ""
) -> QuerySet[InvoiceDifference]:
    """An invoice's differences, of one `kind` and `state` ('open'/'resolved') if given."""
    rows = scoping.visible(user, InvoiceDifference.objects.filter(invoice=invoice))
    if kind in DifferenceKind.values:
        rows = rows.filter(kind=kind)
    if state == "open":
        rows = rows.filter(resolution="")
    elif state == "resolved":
        rows = rows.exclude(resolution="")
    return rows.select_related("membership", "resolved_by").order_by("kind", "row_number", "id")


@dataclass(frozen=True)
class KindSummary:
    kind: str
    label: str
    total: int
    open: int


@dataclass(frozen=True)
class Summary:
    kinds: list[KindSummary]
    differences: int
    open: int
    resolved: int
    gap: int  # BPJS's total minus our bill's: what is billed beyond (or short of) ours


def summary(invoice: Invoice) -> Summary:
    grouped = {
        row["kind"]: row
        for row in InvoiceDifference.objects.filter(invoice=invoice)
        .values("kind")
        .annotate(total=Count("id"), open=Count("id", filter=Q(resolution="")))
    }
    kinds = [
        KindSummary(
            kind,
            str(label),
            grouped.get(kind, {}).get("total", 0),
            grouped.get(kind, {}).get("open", 0),
        )
        for kind, label in DifferenceKind.choices
    ]
    total = sum(k.total for k in kinds)
    still_open = sum(k.open for k in kinds)
    return Summary(kinds, total, still_open, total - still_open, invoice.total - invoice.bill.total)


# -- export ----------------------------------------------------------------------------------


def invoice_export(*, actor: User, invoice: Invoice) -> tuple[bytes, str]:
    """The invoice's differences as XLSX (no NIK in them), audited as an export."""
    if not has_capability(actor, VIEW_BILLS):
        raise PermissionDenied(_("Peran Anda tidak boleh melihat tagihan."))
    if invoice_for(actor, invoice.pk) is None:
        raise PermissionDenied(_("Tagihan ini di luar wilayah kerja Anda."))
    bill = invoice.bill
    kinds = dict(DifferenceKind.choices)
    resolutions = dict(Resolution.choices)
    rows = [
        [
            str(kinds.get(d.kind, d.kind)),
            d.row_number,
            d.kpj,
            d.name,
            d.ours,
            d.theirs,
            d.detail,
            str(resolutions.get(d.resolution, "")) if d.resolution else _("Belum diselesaikan"),
            d.reason,
            d.resolved_by.get_username() if d.resolved_by else "",
            d.resolved_at,
        ]
        for d in differences(actor, invoice).iterator(chunk_size=5000)
    ]
    gap = invoice.total - bill.total
    report = documents.Report(
        title=_("Selisih tagihan BPJS %(number)s") % {"number": invoice.number},
        lines=[
            f"{invoice.programme.name} · {month_label(bill.month)}",
            _("Tagihan BPJS %(theirs)s, tagihan kita %(ours)s, selisih %(gap)s")
            % {
                "theirs": format_rupiah(invoice.total),
                "ours": format_rupiah(bill.total),
                "gap": format_rupiah(gap),
            },
        ],
        tables=[
            documents.Table(
                title=_("Selisih"),
                headers=[
                    _("Jenis selisih"),
                    _("Baris di berkas"),
                    _("KPJ"),
                    _("Nama"),
                    _("Menurut kita"),
                    _("Menurut BPJS"),
                    _("Keterangan"),
                    _("Penyelesaian"),
                    _("Alasan"),
                    _("Diselesaikan oleh"),
                    _("Diselesaikan"),
                ],
                rows=rows,
                money=frozenset({4, 5}),
            )
        ],
    )
    body = documents.xlsx(report)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="invoice",
        object_id=str(invoice.pk),
        detail={"what": "invoice_differences", "rows": len(rows), "format": "xlsx"},
    )
    safe = "".join(c if c.isalnum() else "-" for c in invoice.number).strip("-") or "tagihan"
    return body, f"selisih_tagihan_bpjs_{safe}.xlsx"

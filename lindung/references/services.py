"""Importing a reference extract as one immutable snapshot, all or nothing.

The file is read with `engine.tabular`, its columns mapped to fields, every rule applied to
whole columns (`cleaning`), and the rows written in bulk: COPY on PostgreSQL, batched
inserts on SQLite. Accepted and refused rows land in one transaction with the snapshot, so
an import either stands complete or leaves nothing. The same file for the same list and
area is imported once: a second import returns the first snapshot with `reused` set.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import IMPORT_REFERENCES, has_capability
from lindung.engine.tabular import (
    FIELD_SYNONYMS,
    RawSheet,
    TabularError,
    apply_mapping,
    guess_mapping,
    read_sheet,
)
from lindung.references.cleaning import FIELDS, LABELS, REQUIRED, Cleaned, clean, village_codes
from lindung.references.models import (
    ReferenceKind,
    ReferenceRecord,
    RejectedRecord,
    Snapshot,
    SnapshotStatus,
)
from lindung.regions.models import Region

# A regency's welfare extract is about a million rows (160 MB as CSV); a province's more.
MAX_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 6_000_000
SAMPLE_ROWS = 5
_SQLITE_BATCH = 20_000
_COPY_BATCH = 100_000

_RECORD_DEFAULTS: dict[str, Any] = {
    "name": pa.scalar("", pa.string()),
    "name_normalized": pa.scalar("", pa.string()),
    "birth_date": pa.scalar(None, pa.date32()),
    "sex": pa.scalar("", pa.string()),
    "village_code": pa.scalar("", pa.string()),
    "kk": pa.scalar("", pa.string()),
    "desil": pa.scalar(None, pa.int16()),
    "kpj": pa.scalar("", pa.string()),
    "segment": pa.scalar("", pa.string()),
    "active": pa.scalar(None, pa.bool_()),
    "category": pa.scalar("", pa.string()),
    "event_date": pa.scalar(None, pa.date32()),
    "detail": pa.scalar("", pa.string()),
}


@dataclass(frozen=True)
class Preview:
    """What the mapping screen shows: the header row, the guessed mapping, a sample."""

    sheet: RawSheet
    fields: tuple[str, ...]
    required: tuple[str, ...]
    mapping: dict[str, str | None]
    sample: list[dict[str, Any]]


def file_sha256(file: Path | bytes) -> str:
    digest = hashlib.sha256()
    if isinstance(file, bytes):
        digest.update(file)
        return digest.hexdigest()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_extract(file: Path | bytes, *, filename: str) -> RawSheet:
    """The file's sheet, or a ValidationError saying what is wrong with the file."""
    try:
        return read_sheet(file, filename=filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except TabularError as error:
        message = _(error.template).format(**error.params) if error.template else error.message
        raise ValidationError(message, code=error.code) from None


def snapshot_preview(*, kind: str, file: Path | bytes, filename: str) -> Preview:
    _check_kind(kind)
    sheet = read_extract(file, filename=filename)
    fields = FIELDS[kind]
    return Preview(
        sheet=sheet,
        fields=fields,
        required=REQUIRED[kind],
        mapping=guess_mapping(sheet.headers, {f: FIELD_SYNONYMS[f] for f in fields}),
        sample=sheet.rows.slice(0, SAMPLE_ROWS).to_pylist(),
    )


def area_of_file(file: Path | bytes, *, kind: str) -> str | None:
    """The smallest area holding every village code in the file, or None without codes."""
    _check_kind(kind)
    sheet = read_extract(file, filename=file.name if isinstance(file, Path) else "data.csv")
    header = guess_mapping(sheet.headers, {"kode_wilayah": FIELD_SYNONYMS["kode_wilayah"]})
    if header["kode_wilayah"] is None:
        return None
    villages = village_codes(sheet.rows.column(header["kode_wilayah"]))
    found = [code for code in pc.unique(villages).to_pylist() if code]
    if not found:
        return None
    shared = found[0].split(".")
    for code in found[1:]:
        parts = code.split(".")
        while shared and parts[: len(shared)] != shared:
            shared.pop()
    return ".".join(shared) or None


def resolve_mapping(
    headers: list[str], kind: str, mapping: Mapping[str, str | None] | None
) -> dict[str, str | None]:
    """The field -> header mapping to use; refuses unknown fields, headers and gaps."""
    fields = FIELDS[kind]
    if mapping is None:
        resolved = guess_mapping(headers, {f: FIELD_SYNONYMS[f] for f in fields})
    else:
        unknown = sorted(set(mapping) - set(fields))
        if unknown:
            raise ValidationError(
                _("Kolom %(fields)s tidak dipakai untuk jenis data ini.")
                % {"fields": ", ".join(unknown)},
                code="mapping_field",
            )
        resolved = {field: mapping.get(field) or None for field in fields}
        absent = [h for h in resolved.values() if h is not None and h not in headers]
        if absent:
            raise ValidationError(
                _("Kolom %(headers)s tidak ada di berkas. Kolom di berkas: %(found)s.")
                % {"headers": ", ".join(absent), "found": ", ".join(headers)},
                code="mapping_header",
            )
    missing = [field for field in REQUIRED[kind] if resolved[field] is None]
    if missing:
        raise ValidationError(
            _(
                "Kolom wajib %(missing)s tidak ditemukan. Kolom di berkas: %(found)s. "
                "Ganti judul kolom di berkas, atau pilih kolomnya di layar pemetaan (di baris "
                "perintah: --mapping)."
            )
            % {
                "missing": ", ".join(str(LABELS[f]) for f in missing),
                "found": ", ".join(headers),
            },
            code="mapping_required",
        )
    return resolved


def snapshot_import(
    *,
    actor: User | None,
    kind: str,
    source: str,
    extracted_on: date,
    area_code: str,
    file: Path | bytes,
    filename: str,
    mapping: Mapping[str, str | None] | None = None,
) -> Snapshot:
    """Import one extract; `actor` None is an operator at the command line."""
    _check_request(actor, kind, source, extracted_on, area_code)
    sha256 = file_sha256(file)
    existing = _existing(kind, area_code, sha256)
    if existing is not None:
        return existing
    sheet = read_extract(file, filename=filename)
    resolved = resolve_mapping(sheet.headers, kind, mapping)
    cleaned = clean(apply_mapping(sheet, resolved), kind)
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                kind=kind,
                source=source.strip(),
                area_id=area_code,
                extracted_on=extracted_on,
                file_name=Path(filename).name[:255],
                file_sha256=sha256,
                row_count=sheet.rows.num_rows,
                accepted_count=cleaned.records.num_rows,
                rejected_count=len(cleaned.rejected_positions),
                column_mapping=resolved,
                headers=sheet.headers,
                imported_by=actor,
                status=SnapshotStatus.READY,
                note=_reading_note(sheet),
            )
            _insert_records(snapshot, cleaned.records)
            _insert_rejected(snapshot, sheet, cleaned)
    except IntegrityError:
        # Someone imported the same file a moment ago: theirs stands.
        existing = _existing(kind, area_code, sha256)
        if existing is None:
            raise
        return existing
    return snapshot


def _check_kind(kind: str) -> None:
    if kind not in ReferenceKind.values:
        raise ValidationError(
            _("Jenis data %(kind)s tidak dikenal; pilih salah satu: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(ReferenceKind.values)},
            code="kind",
        )


def _check_request(
    actor: User | None, kind: str, source: str, extracted_on: date, area_code: str
) -> None:
    _check_kind(kind)
    if actor is not None:
        if not has_capability(actor, IMPORT_REFERENCES):
            raise PermissionDenied(_("Peran Anda tidak boleh mengimpor data pembanding."))
        if not scoping.can_see_area(actor, area_code):
            raise PermissionDenied(
                _("Wilayah %(code)s di luar wilayah kerja Anda.") % {"code": area_code}
            )
    if not Region.objects.filter(code=area_code).exists():
        raise ValidationError(
            _("Wilayah %(code)s tidak ada di daftar wilayah; tulis kode Kemendagri, mis. 17.05.")
            % {"code": area_code},
            code="area",
        )
    if not source.strip():
        raise ValidationError(
            _("Isi sumber data, mis. DTSEN atau BPJS Ketenagakerjaan."), code="source"
        )
    if extracted_on > date.today():
        raise ValidationError(_("Tanggal data tidak boleh di masa depan."), code="extracted_on")


def _existing(kind: str, area_code: str, sha256: str) -> Snapshot | None:
    snapshot = Snapshot.objects.filter(kind=kind, area_id=area_code, file_sha256=sha256).first()
    if snapshot is not None:
        snapshot.reused = True
    return snapshot


def _reading_note(sheet: RawSheet) -> str:
    note = _("Judul kolom di baris %(row)d") % {"row": sheet.header_row}
    if sheet.sheet_name:
        note += _(" lembar %(sheet)s") % {"sheet": sheet.sheet_name}
    if sheet.skipped_empty_rows:
        note += _("; %(count)d baris kosong dilewati") % {"count": sheet.skipped_empty_rows}
    return note + "."


# --- bulk writes ---------------------------------------------------------------------------


def _insert_records(snapshot: Snapshot, records: pa.Table) -> None:
    rows = records.num_rows
    columns: dict[str, Any] = {
        "snapshot_id": pa.repeat(pa.scalar(snapshot.pk, pa.int64()), rows),
        "row_number": records.column("row_number"),
        "nik": records.column("nik"),
    }
    for name, default in _RECORD_DEFAULTS.items():
        present = name in records.column_names
        columns[name] = records.column(name) if present else pa.repeat(default, rows)
    # Rows in NIK order fill the btree indexes left to right: about three times faster COPY.
    _bulk_insert(ReferenceRecord, pa.table(columns).sort_by("nik"))


def _insert_rejected(snapshot: Snapshot, sheet: RawSheet, cleaned: Cleaned) -> None:
    if not cleaned.rejected_positions:
        return
    index = pa.array(cleaned.rejected_positions, pa.int64())
    raw = sheet.rows.take(index).to_pylist()
    table = pa.table(
        {
            "snapshot_id": pa.repeat(pa.scalar(snapshot.pk, pa.int64()), len(raw)),
            "row_number": pc.take(sheet.row_numbers, index),
            "raw": pa.array([json.dumps(r, ensure_ascii=False) for r in raw], pa.string()),
            "reasons": pa.array(
                [json.dumps(r, ensure_ascii=False) for r in cleaned.reasons], pa.string()
            ),
        }
    )
    _bulk_insert(RejectedRecord, table)


def _bulk_insert(model: type[models.Model], table: pa.Table) -> None:
    """Insert an Arrow table whose column names are the model's database columns."""
    if table.num_rows == 0:
        return
    quote = connection.ops.quote_name
    target = f"{quote(model._meta.db_table)} ({', '.join(quote(c) for c in table.column_names)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy:
                for chunk in _csv_chunks(table):
                    copy.write(chunk)
            return
        marks = ", ".join(["%s"] * table.num_columns)
        for batch in table.to_batches(max_chunksize=_SQLITE_BATCH):
            values = zip(*(column.to_pylist() for column in batch.columns), strict=True)
            cursor.executemany(f"INSERT INTO {target} VALUES ({marks})", list(values))  # noqa: S608


def _csv_chunks(table: pa.Table) -> Iterator[bytes]:
    """CSV for COPY: a null is an empty field, an empty string is `""`."""
    options = pacsv.WriteOptions(include_header=False)
    for batch in table.to_batches(max_chunksize=_COPY_BATCH):
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, options)
        yield buffer.getvalue()

"""Collective registration with BPJS Ketenagakerjaan: the file sent, the result read back.

- `registration_export` writes the programme's determined members not yet sent into one
  XLSX or CSV file (columns: `bpjs_columns`) and marks them sent, in one transaction.
- `registration_import` reads BPJS's result file and reconciles it with the programme's
  active memberships in one pass: a KPJ and start date register a member, a refusal keeps
  them determined with BPJS's reason. Every row is kept as received with its outcome, so
  rows = registered + rejected + unchanged + unknown + invalid. The same file (SHA-256)
  imported again returns the first import; rows already applied come out unchanged.
- `registration_correct` fixes a refused member's data so the next export sends them again.

Registration work on a programme is serialised by locking the programme row: two exports
at once cannot both take the same members, and an import reads the memberships locked, so
nothing changed meanwhile is overwritten from a stale read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import REGISTER_MEMBERS, VIEW_FULL_NIK, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.core import bulk
from lindung.engine.tabular import RawSheet, TabularError, guess_mapping, read_sheet
from lindung.membership.bpjs_columns import (
    KPJ_PATTERN,
    REGISTRATION_COLUMNS,
    REGISTRATION_HEADERS,
    REGISTRATION_LOOKUPS,
    RESULT_SYNONYMS,
    clean_kpj,
    parse_day,
    registration_cells,
    result_status,
)
from lindung.membership.models import (
    ACTIVE_STATUSES,
    MemberAction,
    Membership,
    MembershipEvent,
    MemberStatus,
    RegistrationExport,
    RegistrationImport,
    RegistrationOutcome,
    RegistrationRow,
)
from lindung.people.nik import format_date_id, mask_nik, parse_nik
from lindung.programs.models import Programme
from lindung.proposals.services import ConflictError as ProposalConflictError

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MAX_BYTES = 50 * 1024 * 1024
TEXT_FORMAT = "@"  # Excel's Text format: typed or pasted digits stay text, all 16 of them
EDITABLE = ("nik", "name", "birth_place", "birth_date", "sex", "address", "phone")
_MAX_LENGTHS = {"name": 150, "birth_place": 100, "address": 255, "phone": 20}
# Cells starting with these run as formulas when Excel opens a CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EARLIEST_START = date(2015, 7, 1)  # BPJS Ketenagakerjaan began operating


class ConflictError(ProposalConflictError):
    """Someone changed the member since the page was loaded: the second action loses."""

    def __init__(self) -> None:
        super().__init__()
        self.message = _("Data peserta ini baru saja diubah oleh orang lain; muat ulang halaman.")
        self.args = (self.message,)


@dataclass(frozen=True)
class ImportResult:
    upload: RegistrationImport
    created: bool  # False: this file was imported before and `upload` is that import


def _check_actor(actor: User | None, programme: Programme) -> None:
    """`actor` None is an operator at the command line or a system job."""
    if actor is None:
        return
    # The files carry full NIKs: both capabilities, whatever the role table says later.
    if not (has_capability(actor, REGISTER_MEMBERS) and has_capability(actor, VIEW_FULL_NIK)):
        raise PermissionDenied(_("Peran Anda tidak boleh mendaftarkan peserta ke BPJS."))
    if not scoping.can_see_area(actor, programme.owner_id):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))


def _lock_programme(programme: Programme) -> None:
    # Serialises registration work per programme on PostgreSQL; SQLite's IMMEDIATE
    # transactions already serialise writers.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()


# -- export ----------------------------------------------------------------------------------


def members_to_send(programme: Programme, *, include_sent: bool = False) -> QuerySet[Membership]:
    """Determined members never sent, or sent again after their data was corrected (a
    correction clears `registration_export`); `include_sent`: every determined member."""
    members = Membership.objects.filter(programme=programme, status=MemberStatus.DETERMINED, kpj="")
    if not include_sent:
        members = members.filter(registration_export__isnull=True)
    return members


def registration_export(
    *,
    actor: User | None,
    programme: Programme,
    file_format: str = "xlsx",
    include_sent: bool = False,
) -> tuple[RegistrationExport, bytes, str]:
    """The registration file for BPJS, its record, and a file name. Full NIKs leave the
    system here, so the export is written to the audit log."""
    _check_actor(actor, programme)
    if file_format not in FORMATS:
        raise ValidationError(
            _("Format %(format)s tidak dikenal; pilih xlsx atau csv.") % {"format": file_format},
            code="format",
        )
    with transaction.atomic():
        _lock_programme(programme)
        chosen = members_to_send(programme, include_sent=include_sent)
        rows = list(
            chosen.select_for_update(of=("self",))
            .order_by("village_id", "rank", "id")
            .values("id", *REGISTRATION_LOOKUPS)
        )
        if not rows:
            raise ValidationError(_nothing_to_send(programme, include_sent), code="empty")
        now = timezone.now()
        export = RegistrationExport.objects.create(
            programme=programme,
            file_format=file_format,
            member_count=len(rows),
            full_nik=True,
            created_by=actor,
            created_at=now,
        )
        _mark_sent(chosen, rows, export)
        _insert_exported_events(export, actor, now)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            object_type="registration_export",
            object_id=str(export.pk),
            detail={
                "programme": programme.pk,
                "count": len(rows),
                "format": file_format,
                "full_nik": True,
                "include_sent": include_sent,
            },
        )
        body = _xlsx(rows) if file_format == "xlsx" else _csv(rows)
    name = f"pendaftaran-bpjs-{programme.pk}-{export.pk}-{now:%Y%m%d}.{file_format}"
    return export, body, name


def _nothing_to_send(programme: Programme, include_sent: bool) -> str:
    if include_sent:
        return _("Tidak ada peserta berstatus ditetapkan di program %(name)s.") % {
            "name": programme.name
        }
    return _(
        "Semua peserta yang ditetapkan di program %(name)s sudah dikirim ke BPJS. Tunggu "
        "berkas hasil dari BPJS, atau centang 'kirim ulang' (di baris perintah: "
        "--include-sent) untuk mengirim lagi yang belum mendapat KPJ."
    ) % {"name": programme.name}


def _mark_sent(
    chosen: QuerySet[Membership], rows: list[dict[str, Any]], export: RegistrationExport
) -> None:
    ids = [row["id"] for row in rows]
    # One UPDATE over the rows just read (locked): bounded by their ids rather than an IN
    # list, which SQLite caps at 32,766 values. A member determined meanwhile would fall
    # inside the bounds without being in the file; the count shows it and all is undone.
    updated = chosen.filter(pk__gte=min(ids), pk__lte=max(ids)).update(
        registration_export=export, version=F("version") + 1
    )
    if updated != len(rows):
        raise ValidationError(
            _("Daftar peserta berubah saat berkas dibuat; coba lagi."), code="changed"
        )


def _insert_exported_events(export: RegistrationExport, actor: User | None, now: datetime) -> None:
    """One 'exported' event per member of `export`, in one INSERT ... SELECT."""
    quote = connection.ops.quote_name
    events, members = MembershipEvent._meta.db_table, Membership._meta.db_table
    sql = (
        f"INSERT INTO {quote(events)} (membership_id, at, actor_id, action, from_status, "  # noqa: S608 - table names from the models
        f"to_status, note, detail) SELECT id, %s, %s, %s, %s, %s, '', {bulk.json_param()} "
        f"FROM {quote(members)} WHERE registration_export_id = %s"
    )
    determined = MemberStatus.DETERMINED.value
    params = [bulk.db_datetime(now), actor.pk if actor else None, MemberAction.EXPORTED.value]
    params += [determined, determined, json.dumps({"export": export.pk}), export.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    out = io.BytesIO()
    # constant_memory: rows go to a temporary file as written, not kept as cell objects.
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Peserta")
        header = book.add_format({"bold": True, "bg_color": "#E8F0E8", "border": 1})
        text = book.add_format({"num_format": TEXT_FORMAT})
        number = book.add_format({"num_format": "0"})
        for col, column in enumerate(REGISTRATION_COLUMNS):
            sheet.set_column(col, col, column.width, text if column.text else number)
        sheet.freeze_panes(1, 0)
        for col, column in enumerate(REGISTRATION_COLUMNS):
            sheet.write_string(0, col, column.header, header)
        for index, row in enumerate(rows, start=1):
            for col, value in enumerate(registration_cells(row)):
                if isinstance(value, int):
                    sheet.write_number(index, col, value, number)
                elif value:
                    sheet.write_string(index, col, value, text)
    return out.getvalue()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM and ';', as the proposal templates: Excel with Indonesian settings
    splits the columns and keeps accents. NIKs are plain digits for BPJS's system; Excel
    opening the file by double-click turns them into numbers and drops the last digit, so
    people get the XLSX and the CSV is for systems (see the operator guide)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([column.header for column in REGISTRATION_COLUMNS])
    for row in rows:
        writer.writerow([_safe(value) for value in registration_cells(row)])
    return out.getvalue().encode("utf-8-sig")


def _safe(value: str | int) -> str | int:
    # A name typed as "=HYPERLINK(...)" must not run as a formula when Excel opens the file.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# -- import ----------------------------------------------------------------------------------


@dataclass
class _Member:
    """A locked active membership as the reconciliation sees it, changed in place."""

    id: int
    status: str
    kpj: str
    coverage_start: date | None
    problem: str
    export_id: int | None
    changed: bool = False


@dataclass(frozen=True)
class _Row:
    """One row of the result file, read but not yet decided."""

    number: int
    raw: dict[str, str]
    nik: str | None
    nik_problem: str
    status: str | None
    status_text: str
    kpj: str
    start: date | None
    start_text: str
    reason: str


@dataclass
class _Decision:
    row: _Row
    outcome: str
    message: str = ""
    member: _Member | None = None
    action: str = ""


@dataclass
class _Reconciled:
    decisions: list[_Decision] = field(default_factory=list)
    members: dict[str, _Member] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)


def registration_import(
    *, actor: User | None, programme: Programme, data: bytes, file_name: str
) -> RegistrationImport:
    """Read BPJS's result file and apply it; the same file again returns the first import."""
    return registration_import_result(
        actor=actor, programme=programme, data=data, file_name=file_name
    ).upload


def registration_import_result(
    *, actor: User | None, programme: Programme, data: bytes, file_name: str
) -> ImportResult:
    """As `registration_import`, saying whether this call imported the file."""
    _check_actor(actor, programme)
    sha = hashlib.sha256(data).hexdigest()
    earlier = _earlier(programme, sha)
    if earlier is not None:
        return ImportResult(earlier, created=False)
    sheet, mapping = read_result(data, file_name)
    rows = _read_rows(sheet, mapping)
    try:
        with transaction.atomic():
            _lock_programme(programme)
            earlier = _earlier(programme, sha)
            if earlier is not None:
                return ImportResult(earlier, created=False)
            reconciled = _reconcile(rows, *_members(programme))
            upload = _write_import(actor, programme, file_name, sha, sheet, mapping, reconciled)
    except IntegrityError:
        # The same file imported by someone else a moment ago: theirs stands.
        earlier = _earlier(programme, sha)
        if earlier is None:
            raise
        return ImportResult(earlier, created=False)
    return ImportResult(upload, created=True)


def _earlier(programme: Programme, sha: str) -> RegistrationImport | None:
    return RegistrationImport.objects.filter(programme=programme, file_sha256=sha).first()


def read_result(data: bytes, file_name: str) -> tuple[RawSheet, dict[str, str | None]]:
    """The result file's sheet and which header holds which field, or a ValidationError
    saying what is wrong with the file."""
    try:
        sheet = read_sheet(data, filename=file_name, max_bytes=MAX_BYTES, fields=RESULT_SYNONYMS)
    except TabularError as error:
        message = _(error.template).format(**error.params) if error.template else error.message
        raise ValidationError(message, code=error.code) from None
    mapping = guess_mapping(sheet.headers, RESULT_SYNONYMS)
    found = ", ".join(sheet.headers[:20])
    if mapping["nik"] is None:
        raise ValidationError(
            _(
                "Kolom NIK tidak ditemukan di berkas %(name)s. Kolom yang terbaca: %(found)s. "
                "Berkas hasil dari BPJS harus punya kolom NIK; ganti judul kolomnya menjadi NIK."
            )
            % {"name": file_name, "found": found},
            code="columns",
        )
    if mapping["kpj"] is None and mapping["status"] is None:
        ours = sum(header in sheet.headers for header in REGISTRATION_HEADERS)
        if ours > len(REGISTRATION_HEADERS) // 2:
            message = _(
                "Berkas %(name)s adalah berkas pendaftaran yang dikirim ke BPJS, bukan berkas "
                "hasil dari BPJS. Unggah berkas balasan BPJS yang berisi nomor KPJ atau status."
            )
        else:
            message = _(
                "Kolom nomor KPJ dan kolom Status tidak ditemukan di berkas %(name)s. Kolom "
                "yang terbaca: %(found)s. Berkas hasil BPJS perlu kolom No KPJ (dan Tanggal "
                "Kepesertaan) untuk yang terdaftar, Status dan Keterangan untuk yang ditolak."
            )
        raise ValidationError(message % {"name": file_name, "found": found}, code="columns")
    return sheet, mapping


def _read_rows(sheet: RawSheet, mapping: dict[str, str | None]) -> list[_Row]:
    def column(key: str) -> list[str | None]:
        header = mapping.get(key)
        if header is None:
            return [None] * sheet.rows.num_rows
        values: list[str | None] = sheet.rows.column(header).to_pylist()
        return values

    niks, kpjs, starts = column("nik"), column("kpj"), column("tanggal_mulai")
    statuses, reasons = column("status"), column("alasan")
    raws = [{k: "" if v is None else str(v) for k, v in r.items()} for r in sheet.rows.to_pylist()]
    numbers = [int(n or 0) for n in sheet.row_numbers.to_pylist()]
    rows = []
    for i, number in enumerate(numbers):
        nik, nik_problem = _nik(niks[i])
        status_text = (statuses[i] or "").strip()
        rows.append(
            _Row(
                number=number,
                raw=raws[i],
                nik=nik,
                nik_problem=nik_problem,
                status=result_status(status_text),
                status_text=status_text,
                kpj=clean_kpj(kpjs[i]),
                start=parse_day(starts[i]),
                start_text=(starts[i] or "").strip(),
                reason=(reasons[i] or "").strip()[:255],
            )
        )
    return rows


_NIK_NOISE = re.compile(r"[\s.\-']")


def _nik(text: str | None) -> tuple[str | None, str]:
    cleaned = _NIK_NOISE.sub("", (text or "").strip().lstrip("'‘’`"))
    if len(cleaned) == 16 and cleaned.isdigit():
        return cleaned, ""
    for finding in parse_nik(text).findings:
        if finding.severity == "error":
            return None, finding.render(_)
    return None, _("NIK tidak terbaca; tulis 16 angka sesuai KTP.")


def _members(programme: Programme) -> tuple[dict[str, _Member], set[str]]:
    """The programme's active memberships by NIK, locked until the transaction ends, and
    the NIKs of its ended members (to say why a row matches no one)."""
    active = (
        Membership.objects.filter(programme=programme, status__in=ACTIVE_STATUSES)
        .select_for_update()
        .values_list(
            "id",
            "nik",
            "status",
            "kpj",
            "coverage_start",
            "registration_problem",
            "registration_export_id",
        )
    )
    members = {
        nik: _Member(pk, status, kpj, start, problem, export)
        for pk, nik, status, kpj, start, problem, export in active
    }
    ended = Membership.objects.filter(programme=programme, status=MemberStatus.ENDED)
    return members, set(ended.values_list("nik", flat=True))


def _reconcile(rows: list[_Row], members: dict[str, _Member], ended: set[str]) -> _Reconciled:
    """Decide every row in file order against the members' state; a later row about the
    same member sees what an earlier one did."""
    result = _Reconciled(members=members)
    for row in rows:
        decision = _decide(row, members, ended)
        if decision.member is not None:
            result.seen.add(decision.member.id)
        result.decisions.append(decision)
    return result


def _decide(row: _Row, members: dict[str, _Member], ended: set[str]) -> _Decision:
    if row.nik is None:
        return _Decision(row, RegistrationOutcome.INVALID, row.nik_problem)
    member = members.get(row.nik)
    if member is None:
        if row.nik in ended:
            message = _("Peserta dengan NIK ini sudah berhenti dari program; baris tidak dipakai.")
        else:
            message = _("NIK ini tidak ada di antara peserta aktif program ini.")
        return _Decision(row, RegistrationOutcome.UNKNOWN, message)
    status = row.status or _implied_status(row)
    if status == "registered":
        return _registered(row, member)
    if status == "rejected":
        return _rejected(row, member)
    if row.status_text:
        message = _(
            "Status '%(status)s' tidak dikenali; tulis Berhasil/Terdaftar atau Ditolak/Gagal."
        ) % {"status": row.status_text}
    else:
        message = _(
            "Baris tanpa status, tanpa nomor KPJ dan tanpa keterangan: hasilnya tidak jelas."
        )
    return _Decision(row, RegistrationOutcome.INVALID, message, member)


def _implied_status(row: _Row) -> str | None:
    """Without a status cell: a KPJ means registered, a reason alone means refused."""
    if row.status_text:
        return None
    if row.kpj:
        return "registered"
    return "rejected" if row.reason else None


def _registered(row: _Row, member: _Member) -> _Decision:
    invalid = RegistrationOutcome.INVALID
    if not row.kpj:
        message = _("Baris berstatus berhasil tetapi nomor KPJ kosong; minta BPJS melengkapinya.")
        return _Decision(row, invalid, message, member)
    if not KPJ_PATTERN.fullmatch(row.kpj):
        message = _("Nomor KPJ '%(kpj)s' tidak terbaca; KPJ berisi 5-20 angka atau huruf.") % {
            "kpj": row.kpj
        }
        return _Decision(row, invalid, message, member)
    if row.start is None:
        if row.start_text:
            message = _(
                "Tanggal kepesertaan '%(text)s' tidak terbaca; tulis HH-BB-TTTT, mis. 01-02-2026."
            ) % {"text": row.start_text}
        else:
            message = _("Tanggal kepesertaan (mulai) kosong; minta BPJS melengkapinya.")
        return _Decision(row, invalid, message, member)
    latest = timezone.localdate() + timedelta(days=366)
    if not _EARLIEST_START <= row.start <= latest:
        message = _("Tanggal kepesertaan %(day)s tidak masuk akal; periksa kolom tanggal.") % {
            "day": format_date_id(row.start)
        }
        return _Decision(row, invalid, message, member)
    if member.status == MemberStatus.REGISTERED:
        if member.kpj == row.kpj:
            message = ""
            if member.coverage_start != row.start and member.coverage_start is not None:
                message = _(
                    "Tanggal mulai di berkas (%(file)s) berbeda dengan yang tercatat "
                    "(%(stored)s); yang tercatat tidak diubah."
                ) % {
                    "file": format_date_id(row.start),
                    "stored": format_date_id(member.coverage_start),
                }
            return _Decision(row, RegistrationOutcome.UNCHANGED, message, member)
        message = _(
            "Peserta ini sudah terdaftar dengan KPJ %(old)s, berkas menyebut KPJ %(new)s; tidak "
            "diubah. Tanyakan ke BPJS nomor mana yang benar."
        ) % {"old": member.kpj, "new": row.kpj}
        return _Decision(row, invalid, message, member)
    member.status = MemberStatus.REGISTERED
    member.kpj = row.kpj
    member.coverage_start = row.start
    member.problem = ""
    member.changed = True
    return _Decision(row, RegistrationOutcome.REGISTERED, "", member, MemberAction.REGISTERED)


def _rejected(row: _Row, member: _Member) -> _Decision:
    # Without a reason column, a status like "Gagal - NIK tidak valid" is the reason itself.
    said = row.status_text if len(re.split(r"[\s:;,()\-–]+", row.status_text)) > 2 else ""
    reason = row.reason or said or _("Ditolak BPJS tanpa keterangan; tanyakan alasannya ke BPJS.")
    unchanged = RegistrationOutcome.UNCHANGED
    if member.status == MemberStatus.REGISTERED:
        message = _(
            "Peserta ini sudah terdaftar dengan KPJ %(kpj)s; penolakan ini tidak mengubah apa pun."
        ) % {"kpj": member.kpj}
        return _Decision(row, unchanged, message, member)
    if member.problem == reason:
        return _Decision(row, unchanged, "", member)
    if member.export_id is None:
        message = _(
            "Data peserta sudah diperbaiki sesudah penolakan ini dan belum dikirim lagi; "
            "penolakan lama tidak diterapkan."
        )
        return _Decision(row, unchanged, message, member)
    member.problem = reason
    member.changed = True
    return _Decision(row, RegistrationOutcome.REJECTED, reason, member, MemberAction.REJECTED)


def _write_import(
    actor: User | None,
    programme: Programme,
    file_name: str,
    sha: str,
    sheet: RawSheet,
    mapping: dict[str, str | None],
    reconciled: _Reconciled,
) -> RegistrationImport:
    decisions = reconciled.decisions
    counts = dict.fromkeys(RegistrationOutcome.values, 0)
    for decision in decisions:
        counts[decision.outcome] += 1
    # Every row ends in exactly one outcome.
    assert sum(counts.values()) == len(decisions) == sheet.rows.num_rows
    missing = sum(
        1
        for m in reconciled.members.values()
        if m.status == MemberStatus.DETERMINED
        and m.export_id is not None
        and not m.problem
        and m.id not in reconciled.seen
    )
    now = timezone.now()
    upload = RegistrationImport.objects.create(
        programme=programme,
        file_name=file_name[:255],
        file_sha256=sha,
        row_count=len(decisions),
        counts={"rows": len(decisions), **counts, "missing": missing},
        missing=missing,
        detail={
            "header_row": sheet.header_row,
            "sheet_name": sheet.sheet_name,
            "skipped_empty_rows": sheet.skipped_empty_rows,
            "column_mapping": mapping,
        },
        created_by=actor,
        created_at=now,
    )
    _insert_rows(upload, decisions)
    _update_members(reconciled, now)
    _insert_events(upload, decisions, actor, now)
    return upload


def _insert_rows(upload: RegistrationImport, decisions: list[_Decision]) -> None:
    table = pa.table(
        {
            "upload_id": pa.array([upload.pk] * len(decisions), pa.int64()),
            "row_number": pa.array([d.row.number for d in decisions], pa.int64()),
            "raw": [json.dumps(d.row.raw, ensure_ascii=False) for d in decisions],
            "outcome": [str(d.outcome) for d in decisions],
            "message": [d.message[:255] for d in decisions],
            "membership_id": pa.array(
                [d.member.id if d.member else None for d in decisions], pa.int64()
            ),
        }
    )
    bulk.insert_table(RegistrationRow, table)


_CHANGES = "registration_changes"


def _update_members(reconciled: _Reconciled, now: datetime) -> None:
    """Write the changed members' new state in one UPDATE joined to a temporary table:
    Django's bulk_update builds a CASE per field and row, minutes for 30,000 members."""
    changed = [m for m in reconciled.members.values() if m.changed]
    if not changed:
        return
    values = [
        (
            m.id,
            m.status,
            m.kpj,
            m.coverage_start.isoformat() if m.coverage_start else None,
            m.problem,
        )
        for m in changed
    ]
    members = connection.ops.quote_name(Membership._meta.db_table)
    # The rows were read under the lock (`_members`): these values are the current ones,
    # and the version moves on from what is stored.
    update = (
        f"UPDATE {members} SET status = c.status, kpj = c.kpj, "  # noqa: S608 - table names from the models
        f"coverage_start = c.coverage_start, registration_problem = c.problem, "
        f"status_changed_at = CASE WHEN {members}.status = c.status "
        f"THEN {members}.status_changed_at ELSE %s END, version = {members}.version + 1 "
        f"FROM {_CHANGES} AS c WHERE {members}.id = c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_CHANGES}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_CHANGES} (id bigint PRIMARY KEY, "
            "status varchar(12) NOT NULL, kpj varchar(20) NOT NULL, coverage_start date, "
            "problem varchar(255) NOT NULL)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_CHANGES} FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {_CHANGES} VALUES (%s, %s, %s, %s, %s)", values)  # noqa: S608
        cursor.execute(update, [bulk.db_datetime(now)])
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {_CHANGES}")
    if updated != len(changed):
        raise ValidationError(_("Data peserta berubah saat hasil diterapkan; coba lagi."))


def _insert_events(
    upload: RegistrationImport, decisions: list[_Decision], actor: User | None, now: datetime
) -> None:
    applied = [d for d in decisions if d.action and d.member is not None]
    details, notes, to_status = [], [], []
    for d in applied:
        detail: dict[str, Any] = {"import": upload.pk, "row": d.row.number}
        if d.action == MemberAction.REGISTERED:
            assert d.row.start is not None
            detail |= {"kpj": d.row.kpj, "coverage_start": d.row.start.isoformat()}
            to_status.append(MemberStatus.REGISTERED.value)
            notes.append("")
        else:
            to_status.append(MemberStatus.DETERMINED.value)
            notes.append(d.message)
        details.append(json.dumps(detail, ensure_ascii=False))
    n = len(applied)
    table = pa.table(
        {
            "membership_id": pa.array([d.member.id for d in applied if d.member], pa.int64()),
            "at": [bulk.db_datetime(now)] * n,
            "actor_id": pa.array([actor.pk if actor else None] * n, pa.int64()),
            "action": [str(d.action) for d in applied],
            "from_status": [MemberStatus.DETERMINED.value] * n,
            "to_status": to_status,
            "note": notes,
            "detail": details,
        }
    )
    bulk.insert_table(MembershipEvent, table)


# -- correction ------------------------------------------------------------------------------


def registration_correct(
    *, actor: User | None, membership: Membership, expected_version: int, **fields: Any
) -> Membership:
    """Fix the data of a member BPJS refused, so the next export sends them again.

    `fields`: any of nik, name, birth_place, birth_date, sex, address, phone. Raises
    ValidationError (keyed by field) saying what to fix, ConflictError when someone changed
    the member since `expected_version`."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise TypeError(f"data peserta ini tidak bisa diperbaiki di sini: {unknown}")
    _check_actor(actor, membership.programme)
    if actor is not None and not scoping.can_see_area(actor, membership.village_id):
        raise PermissionDenied(_("Peserta ini di luar wilayah kerja Anda."))
    try:
        with transaction.atomic():
            return _correct(actor, membership, expected_version, fields)
    except IntegrityError as error:
        # The unique indexes on NIK per programme and period, if a check below raced.
        raise ValidationError(
            {"nik": [_("NIK ini sudah dipakai peserta lain di program atau periode ini.")]}
        ) from error


def _correct(
    actor: User | None, membership: Membership, expected_version: int, fields: dict[str, Any]
) -> Membership:
    current = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if current is None or current.version != expected_version:
        raise ConflictError
    if current.status != MemberStatus.DETERMINED or not current.registration_problem:
        raise ValidationError(
            _("Hanya peserta yang ditolak BPJS dan belum terdaftar yang diperbaiki di sini."),
            code="state",
        )
    before = {name: getattr(current, name) for name in EDITABLE}
    values = before | {name: _tidy(value) for name, value in fields.items()}
    _validate(current, values)
    changed = sorted(name for name in EDITABLE if values[name] != before[name])
    if not changed:
        raise ValidationError(
            _(
                "Tidak ada data yang berubah. Perbaiki data sesuai alasan BPJS (%(reason)s); bila "
                "data sudah benar, tanyakan ke BPJS atau ganti pesertanya."
            )
            % {"reason": current.registration_problem},
            code="unchanged",
        )
    now = timezone.now()
    current_rows = Membership.objects.filter(pk=current.pk, version=expected_version)
    updated = current_rows.update(
        **values, registration_problem="", registration_export=None, version=F("version") + 1
    )
    if updated != 1:
        raise ConflictError
    old = {name: _shown(name, before[name]) for name in changed}
    MembershipEvent.objects.create(
        membership=current,
        at=now,
        actor=actor,
        action=MemberAction.CORRECTED,
        from_status=MemberStatus.DETERMINED,
        to_status=MemberStatus.DETERMINED,
        note=current.registration_problem,
        detail={"fields": changed, "before": old},
    )
    current.refresh_from_db()
    return current


def _tidy(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _shown(name: str, value: Any) -> str:
    """A value as kept in the event: dates as ISO text, the old NIK masked."""
    if name == "nik":
        return mask_nik(str(value))
    return value.isoformat() if isinstance(value, date) else str(value)


def _validate(current: Membership, values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not values["name"]:
        errors["name"] = [_("Nama wajib diisi sesuai KTP.")]
    for name, limit in _MAX_LENGTHS.items():
        if len(values[name] or "") > limit:
            errors.setdefault(name, []).append(
                _("Paling banyak %(limit)s huruf.") % {"limit": limit}
            )
    born = values["birth_date"]
    if not isinstance(born, date) or born > timezone.localdate():
        errors["birth_date"] = [_("Tanggal lahir harus tanggal yang sudah lewat.")]
        born = None
    sex = values["sex"]
    if sex not in ("L", "P"):
        errors["sex"] = [_("Jenis kelamin L (laki-laki) atau P (perempuan).")]
    info = parse_nik(values["nik"], birth_date=born, sex=sex)
    problems = [f.render(_) for f in info.findings if f.severity == "error"]
    if problems:
        errors["nik"] = problems
    else:
        values["nik"] = info.nik
        errors |= _nik_taken(current, info.nik)
    if errors:
        raise ValidationError(errors)


def _nik_taken(current: Membership, nik: str) -> dict[str, list[str]]:
    others = Membership.objects.exclude(pk=current.pk).filter(nik=nik)
    active = others.filter(programme_id=current.programme_id, status__in=ACTIVE_STATUSES)
    if active.exists() or others.filter(period_id=current.period_id).exists():
        return {"nik": [_("NIK %(nik)s sudah tercatat untuk peserta lain di program ini.") % {
            "nik": mask_nik(nik)
        }]}  # fmt: skip
    return {}


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationStatus:
    """Where a programme's active members stand with BPJS, within the user's area."""

    not_sent: QuerySet[Membership]
    awaiting: QuerySet[Membership]
    rejected: QuerySet[Membership]
    registered: QuerySet[Membership]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_STATES = {
    "not_sent": Q(
        status=MemberStatus.DETERMINED, registration_export__isnull=True, registration_problem=""
    ),
    "awaiting": Q(
        status=MemberStatus.DETERMINED, registration_export__isnull=False, registration_problem=""
    ),
    "rejected": Q(status=MemberStatus.DETERMINED) & ~Q(registration_problem=""),
    "registered": Q(status=MemberStatus.REGISTERED),
}


def registration_status(user: object | None, programme: Programme) -> RegistrationStatus:
    """Counts (one query) and lists of each state; `user` None: unscoped (commands)."""
    members = Membership.objects.filter(programme=programme)
    if user is not None:
        members = scoping.visible(user, members)
    counts = members.aggregate(**{state: Count("id", filter=q) for state, q in _STATES.items()})
    lists = {state: members.filter(q).select_related("village") for state, q in _STATES.items()}
    return RegistrationStatus(counts={k: int(v or 0) for k, v in counts.items()}, **lists)


def exports_for(user: object, programme: Programme) -> QuerySet[RegistrationExport]:
    exports = RegistrationExport.objects.filter(programme=programme)
    return scoping.visible(user, exports).select_related("created_by")


def imports_for(user: object, programme: Programme) -> QuerySet[RegistrationImport]:
    imports = RegistrationImport.objects.filter(programme=programme)
    return scoping.visible(user, imports).select_related("created_by")


def import_for(user: object, import_id: int) -> RegistrationImport | None:
    imports = RegistrationImport.objects.select_related("programme", "created_by")
    return scoping.visible(user, imports).filter(pk=import_id).first()


def rows_of(
    user: object, upload: RegistrationImport, outcome: str = ""
) -> QuerySet[RegistrationRow]:
    """The rows of an import; a user whose area is smaller than the programme's sees only
    the rows of their own members."""
    rows = scoping.visible(user, RegistrationRow.objects.filter(upload=upload))
    if not scoping.can_see_area(user, upload.programme.owner_id):
        rows = rows.filter(membership__in=scoping.visible(user, Membership.objects.all()))
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.select_related("membership").order_by("row_number")


def member_for(user: object, member_id: int) -> Membership | None:
    members = Membership.objects.select_related("programme", "village")
    return scoping.visible(user, members).filter(pk=member_id).first()

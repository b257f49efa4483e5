"""Taking proposals in (a spreadsheet, a command, one form entry), correcting or withdrawing
them, and changing their status.

Every way in runs the same steps: check who sends what for which village and period, read
the rows, decide each row (`intake.decide`) against lookups made once, and write the batch,
its rows as received, the new proposals and their first event in bulk, in one transaction.
The period row is locked while deciding, so two uploads for the same period cannot both take
the last places in a quota or both create the same person.

`actor=None` is a system job (the demo, loading an earlier year's lists): it may use a
period that is not open today, named explicitly. People send only into an open period.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import PROPOSE, has_capability
from lindung.core import bulk
from lindung.engine.tabular import FIELD_SYNONYMS, TabularError, apply_mapping, guess_mapping
from lindung.engine.tabular import read_sheet as read_tabular
from lindung.membership.models import Membership
from lindung.people.nik import mask_nik
from lindung.programs import selectors as programme_selectors
from lindung.programs.models import Occupation, Programme, ProposalPeriod, QuotaKind
from lindung.proposals import intake, selectors
from lindung.proposals.models import (
    Action,
    Batch,
    Outcome,
    Proposal,
    ProposalEvent,
    ProposalRow,
    ProposalStatus,
    Source,
)
from lindung.regions import codes
from lindung.verification.models import Finding

SYNONYMS = {field: FIELD_SYNONYMS[field] for field in intake.FIELDS}


class IntakeError(Exception):
    """The whole submission is refused and nothing was written; `message` says what to do."""

    def __init__(self, message: str, code: str = "INTAKE") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ConflictError(Exception):
    """Someone changed the proposal since the page was loaded: the second action loses."""

    def __init__(self) -> None:
        self.message = _("Usulan ini baru saja diubah oleh orang lain; muat ulang halaman.")
        super().__init__(self.message)


@dataclass(frozen=True)
class Sender:
    """Who sends for where: `area` is the batch's area; `village` is set when every row is
    for one village (a desa operator, or a village chosen by the Dinas)."""

    actor: User | None
    programme: Programme
    period: ProposalPeriod
    area: str
    village: str | None
    today: date


@dataclass(frozen=True)
class ImportResult:
    batch: Batch
    created: bool  # False: this file was imported before and `batch` is that import


# -- who, where, when ----------------------------------------------------------------------


def sender_for(
    *,
    actor: User | None,
    programme: Programme,
    period: ProposalPeriod | None = None,
    village_code: str | None = None,
    today: date | None = None,
) -> Sender:
    """Check that `actor` may propose to `programme` for `village_code` (or for their whole
    area) in `period` (default: the period open today). Raises IntakeError or
    PermissionDenied with an Indonesian message."""
    if actor is not None and not has_capability(actor, PROPOSE):
        raise PermissionDenied(_("Peran Anda tidak boleh mengirim usulan."))
    if actor is not None and programme_selectors.programme_for(actor, programme.pk) is None:
        raise IntakeError(_("Program ini tidak berlaku di wilayah kerja Anda."), "PROGRAMME")
    if not programme.active:
        raise IntakeError(
            _("Program %(name)s tidak aktif.") % {"name": programme.name}, "PROGRAMME"
        )
    area = _area(actor, programme)
    village = _village(area, village_code)
    today = today or timezone.localdate()
    chosen = _period(actor, programme, period, today)
    return Sender(actor, programme, chosen, village or area, village, today)


def _area(actor: User | None, programme: Programme) -> str:
    area = selectors.proposing_area(actor, programme)
    if area is None:
        raise IntakeError(_("Program ini tidak berlaku di wilayah kerja Anda."), "PROGRAMME")
    return area


def _village(area: str, village_code: str | None) -> str | None:
    if not village_code:
        return area if codes.level_of(area) == codes.VILLAGE else None
    code = intake.dotted_village_code(village_code) or village_code.strip()
    if code not in selectors.villages_in(area):
        raise IntakeError(
            _("Desa/kelurahan %(code)s tidak ada di wilayah kerja Anda untuk program ini.")
            % {"code": village_code},
            "VILLAGE",
        )
    return code


def _period(
    actor: User | None, programme: Programme, period: ProposalPeriod | None, today: date
) -> ProposalPeriod:
    if period is not None and period.programme_id != programme.pk:
        raise IntakeError(_("Periode usulan ini bukan milik program tersebut."), "PERIOD")
    if period is None:
        period = selectors.open_period(programme, today)
    if period is None:
        upcoming = selectors.next_period(programme, today)
        message = _("Tidak ada periode usulan yang sedang dibuka untuk program %(name)s.") % {
            "name": programme.name
        }
        if upcoming is not None:
            message += " " + _("Periode berikutnya, %(period)s, dibuka %(day)s.") % {
                "period": upcoming.name,
                "day": _day(upcoming.opens_on),
            }
        raise IntakeError(message, "PERIOD_CLOSED")
    if actor is not None and period.opens_on > today:
        raise IntakeError(
            _("Periode usulan %(period)s belum dibuka; dibuka %(day)s.")
            % {"period": period.name, "day": _day(period.opens_on)},
            "PERIOD_CLOSED",
        )
    if actor is not None and period.closes_on < today:
        raise IntakeError(
            _("Periode usulan %(period)s sudah ditutup pada %(day)s; usulan tidak dapat dikirim.")
            % {"period": period.name, "day": _day(period.closes_on)},
            "PERIOD_CLOSED",
        )
    return period


def _day(value: date) -> str:
    return date_format(value, "j F Y")


# -- spreadsheet ---------------------------------------------------------------------------


def batch_import(
    *,
    sender: Sender,
    data: bytes | Path,
    file_name: str,
    source: str = Source.UPLOAD,
) -> ImportResult:
    """Import a CSV/XLSX/XLS/ODS file of proposals. The same file sent again for the same
    period and area returns the first import and writes nothing."""
    content = data.read_bytes() if isinstance(data, Path) else data
    sha = hashlib.sha256(content).hexdigest()
    earlier = _earlier(sender, sha)
    if earlier is not None:
        return ImportResult(earlier, created=False)
    try:
        sheet = read_tabular(content, filename=file_name, fields=SYNONYMS)
    except TabularError as error:
        raise IntakeError(error.message, error.code) from error
    mapping = guess_mapping(sheet.headers, SYNONYMS)
    _check_columns(sender, mapping, sheet.headers)
    table = apply_mapping(sheet, mapping)
    raw = _raw_rows(sheet.rows)
    detail = {
        "header_row": sheet.header_row,
        "skipped_empty_rows": sheet.skipped_empty_rows,
        "sheet_name": sheet.sheet_name,
        "column_mapping": mapping,
    }
    with transaction.atomic():
        _lock(sender.period)
        earlier = _earlier(sender, sha)
        if earlier is not None:
            return ImportResult(earlier, created=False)
        batch, _decisions = _write(sender, table, raw, source, file_name, sha, detail)
    return ImportResult(batch, created=True)


def _earlier(sender: Sender, sha: str) -> Batch | None:
    found = Batch.objects.filter(period=sender.period, area_id=sender.area, file_sha256=sha)
    return found.first()


def _check_columns(sender: Sender, mapping: Mapping[str, str | None], headers: list[str]) -> None:
    wanted = list(intake.REQUIRED)
    if sender.village is None:
        wanted.append(intake.VILLAGE_COLUMN)
    missing = [field for field in wanted if mapping.get(field) is None]
    if missing:
        raise IntakeError(
            _(
                "Kolom %(missing)s tidak ditemukan di berkas. Kolom yang terbaca: %(found)s. "
                "Unduh templat usulan dan salin data ke kolom yang sesuai."
            )
            % {"missing": ", ".join(missing), "found": ", ".join(headers[:20])},
            "COLUMNS",
        )


def _raw_rows(rows: pa.Table) -> list[dict[str, str]]:
    """Every cell as received, header -> text ('' for an empty cell)."""
    return [{k: "" if v is None else v for k, v in row.items()} for row in rows.to_pylist()]


def _lock(period: ProposalPeriod) -> None:
    # Serialises intake per period on PostgreSQL: quota and duplicate lookups stay true until
    # this transaction commits. SQLite's IMMEDIATE transactions already serialise writers.
    ProposalPeriod.objects.select_for_update().filter(pk=period.pk).first()


# -- form ----------------------------------------------------------------------------------


def proposal_submit(*, sender: Sender, fields: Mapping[str, str]) -> Proposal:
    """One proposal typed into the form: `fields` keyed by the template's column names.
    Refusals raise ValidationError keyed by those names; nothing is written then."""
    values = {name: (fields.get(name) or "").strip() for name in intake.FIELDS}
    columns = {name: pa.array([value or None], pa.string()) for name, value in values.items()}
    table = pa.table({**columns, "_row": pa.array([1], pa.int32())})
    raw = [{name: value for name, value in values.items() if value}]
    with transaction.atomic():
        _lock(sender.period)
        batch, decisions = _write(sender, table, raw, Source.FORM, "", None, {})
        decision = decisions[0]
        if decision.outcome != Outcome.ACCEPTED:
            raise ValidationError(_field_errors(decision.problems))
    return batch.proposals.get()


def _field_errors(problems: list[dict[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem["field"] or "__all__", []).append(problem["message"])
    return errors


# -- writing -------------------------------------------------------------------------------


def _context(sender: Sender) -> intake.Context:
    programme = sender.programme
    occupations = Occupation.objects.filter(active=True).values_list("pk", "name", "keywords")
    return intake.Context(
        today=sender.today,
        villages=selectors.villages_in(sender.area),
        fixed_village=sender.village,
        occupations=intake.occupation_spellings(list(occupations)),
        existing=selectors.existing_proposals(sender.period, sender.area),
        quota_kind=programme.quota_kind,
        quota_size=selectors.proposal_limit(programme, sender.period),
        places_left=selectors.places_left(programme, sender.period, sender.area),
    )


def _write(
    sender: Sender,
    table: pa.Table,
    raw: list[dict[str, str]],
    source: str,
    file_name: str,
    sha: str | None,
    detail: dict[str, Any],
) -> tuple[Batch, list[intake.Decision]]:
    decisions = intake.decide(table, _context(sender))
    counts = dict.fromkeys(Outcome.values, 0)
    for decision in decisions:
        counts[decision.outcome] += 1
    now = timezone.now()
    batch = Batch.objects.create(
        programme=sender.programme,
        period=sender.period,
        area_id=sender.area,
        source=source,
        file_name=file_name[:255],
        file_sha256=sha,
        created_by=sender.actor,
        created_at=now,
        row_count=len(decisions),
        accepted_count=counts[Outcome.ACCEPTED],
        rejected_count=counts[Outcome.REJECTED],
        duplicate_count=counts[Outcome.DUPLICATE],
        detail=detail,
    )
    created = _create_proposals(sender, batch, decisions, now)
    _create_rows(batch, decisions, raw, created)
    return batch, decisions


_PROPOSAL_TEXT = (
    "nik",
    "kk",
    "name",
    "name_normalized",
    "birth_place",
    "sex",
    "address",
    "phone",
    "occupation_text",
)


def _create_proposals(
    sender: Sender, batch: Batch, decisions: list[intake.Decision], now: datetime
) -> dict[int, int]:
    """Insert the accepted rows' proposals and their 'submitted' events in bulk;
    returns row number -> proposal id."""
    values = [d.values for d in decisions if d.values is not None]
    if not values:
        return {}
    n, stamp = len(values), bulk.db_datetime(now)
    columns: dict[str, Any] = {name: [v[name] for v in values] for name in _PROPOSAL_TEXT}
    columns |= {
        "programme_id": [sender.programme.pk] * n,
        "period_id": [sender.period.pk] * n,
        "village_id": [v["village_id"] for v in values],
        "batch_id": [batch.pk] * n,
        "birth_date": [v["birth_date"].isoformat() for v in values],
        "occupation_id": pa.array([v["occupation_id"] for v in values], pa.int64()),
        "status": [ProposalStatus.SUBMITTED.value] * n,
        "status_changed_at": [stamp] * n,
        "version": [1] * n,
        "created_by_id": pa.array([_pk(sender.actor)] * n, pa.int64()),
        "created_at": [stamp] * n,
    }
    bulk.insert_table(Proposal, pa.table(columns))
    _insert_submitted_events(batch, sender.actor, stamp)
    # (village, NIK) is unique in a period: it finds each new row's id without RETURNING.
    ids = {
        (village, nik): pk
        for pk, village, nik in batch.proposals.values_list("pk", "village_id", "nik")
    }
    return {
        d.row_number: ids[(d.values["village_id"], d.values["nik"])]
        for d in decisions
        if d.values is not None
    }


def _pk(user: User | None) -> int | None:
    return user.pk if user is not None else None


def _insert_submitted_events(batch: Batch, actor: User | None, stamp: str) -> None:
    """One 'submitted' event per proposal of `batch`, in one INSERT ... SELECT."""
    quote = connection.ops.quote_name
    events, proposals = ProposalEvent._meta.db_table, Proposal._meta.db_table
    sql = (
        f"INSERT INTO {quote(events)} (proposal_id, at, actor_id, action, from_status, "  # noqa: S608 - table names from the models
        f"to_status, note, detail) SELECT id, %s, %s, %s, '', %s, '', {bulk.json_param()} "
        f"FROM {quote(proposals)} WHERE batch_id = %s"
    )
    detail = json.dumps({"batch": batch.pk})
    params = [stamp, _pk(actor), Action.SUBMITTED.value, ProposalStatus.SUBMITTED.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, detail, batch.pk])


def _create_rows(
    batch: Batch,
    decisions: list[intake.Decision],
    raw: list[dict[str, str]],
    created: dict[int, int],
) -> None:
    def proposal_of(d: intake.Decision) -> int | None:
        if d.outcome == Outcome.ACCEPTED:
            return created[d.row_number]
        if d.existing_id is not None:
            return d.existing_id
        return created[d.first_row] if d.first_row is not None else None

    table = pa.table(
        {
            "batch_id": pa.array([batch.pk] * len(decisions), pa.int64()),
            "row_number": [d.row_number for d in decisions],
            "raw": [json.dumps(cells, ensure_ascii=False) for cells in raw],
            "outcome": [d.outcome for d in decisions],
            "problems": [json.dumps(d.problems, ensure_ascii=False) for d in decisions],
            "proposal_id": pa.array([proposal_of(d) for d in decisions], pa.int64()),
        }
    )
    bulk.insert_table(ProposalRow, table)


# -- status changes ------------------------------------------------------------------------


@transaction.atomic
def proposal_transition(
    *,
    actor: User | None,
    proposal: Proposal,
    to_status: str,
    action: str,
    note: str = "",
    expected_version: int,
    detail: dict[str, Any] | None = None,
) -> Proposal:
    """Move `proposal` to `to_status` if nobody changed it since `expected_version`, and
    record the step. The caller checks who may do what; this guards against two people
    acting on the same proposal at once: the second one gets ConflictError."""
    if to_status not in ProposalStatus.values or action not in Action.values:
        raise ValueError(f"status atau tindakan tidak dikenal: {to_status!r}, {action!r}")
    current = Proposal.objects.filter(pk=proposal.pk, version=expected_version)
    from_status = current.values_list("status", flat=True).first()
    now = timezone.now()
    # The WHERE on version is the guard: between the read above and here, another
    # transaction may have moved the proposal on; then nothing is updated.
    updated = current.update(status=to_status, status_changed_at=now, version=F("version") + 1)
    if from_status is None or updated == 0:
        raise ConflictError
    ProposalEvent.objects.create(
        proposal_id=proposal.pk,
        at=now,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail or {},
    )
    proposal.status = to_status
    proposal.status_changed_at = now
    proposal.version = expected_version + 1
    return proposal


# -- corrections and withdrawals by the village ---------------------------------------------

# The village may still correct what it sent until the kecamatan forwards it or the Dinas
# decides on it; a correction sends it back to SUBMITTED, so the next verification run
# checks the new data.
CORRECTABLE_STATUSES = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.VERIFIED,
    ProposalStatus.REVIEW,
    ProposalStatus.RETURNED,
)
# It may take a proposal back until the Dinas decides on it; that frees its quota place.
WITHDRAWABLE_STATUSES = (*CORRECTABLE_STATUSES, ProposalStatus.FORWARDED)
# Proposal field -> the template column intake reads it from: a correction is read as a row.
_COLUMN_OF = {
    "nik": "nik",
    "kk": "kk",
    "name": "nama",
    "birth_place": "tempat_lahir",
    "birth_date": "tanggal_lahir",
    "sex": "jenis_kelamin",
    "address": "alamat",
    "phone": "no_hp",
    "occupation": "pekerjaan",
}
_FIELD_OF = {column: name for name, column in _COLUMN_OF.items()}


def may_change(actor: object, proposal: Proposal) -> bool:
    """Whether `actor` may correct or withdraw `proposal` at all (its status aside): a role
    that proposes, for an area that holds the proposing village."""
    return has_capability(actor, PROPOSE) and scoping.can_see_area(actor, proposal.village_id)


def has_membership(proposal: Proposal) -> bool:
    return Membership.objects.filter(proposal=proposal).exists()


def _check_actor(actor: User, proposal: Proposal) -> None:
    if not has_capability(actor, PROPOSE):
        raise PermissionDenied(_("Peran Anda tidak boleh mengubah usulan."))
    if not scoping.can_see_area(actor, proposal.village_id):
        raise PermissionDenied(_("Usulan ini di luar wilayah kerja Anda."))


@transaction.atomic
def proposal_withdraw(
    *, actor: User, proposal: Proposal, expected_version: int, note: str
) -> Proposal:
    """The village (or its kecamatan, or the Dinas) takes back a proposal the Dinas has not
    decided on yet, saying why. A withdrawn proposal no longer takes a quota place."""
    _check_actor(actor, proposal)
    # A page showing an older version is stale whatever the status is now: say so first.
    if proposal.version != expected_version:
        raise ConflictError
    if proposal.status not in WITHDRAWABLE_STATUSES:
        raise ValidationError(
            _(
                "Usulan berstatus “%(status)s” tidak dapat ditarik: hanya usulan yang belum "
                "diputuskan Dinas yang dapat ditarik."
            )
            % {"status": proposal.get_status_display()},
            code="STATUS",
        )
    if has_membership(proposal):
        raise ValidationError(
            _("Orang ini sudah menjadi peserta dari usulan ini; usulannya tidak dapat ditarik."),
            code="MEMBER",
        )
    text = note.strip()
    if not text:
        raise ValidationError(
            {"note": [_("Tulis alasan usulan ini ditarik, mis. orang ini pindah atau meninggal.")]}
        )
    return proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=ProposalStatus.WITHDRAWN,
        action=Action.WITHDRAWN,
        note=text,
        expected_version=expected_version,
    )


@transaction.atomic
def proposal_correct(
    *,
    actor: User,
    proposal: Proposal,
    expected_version: int,
    note: str = "",
    nik: str | None = None,
    kk: str | None = None,
    name: str | None = None,
    birth_place: str | None = None,
    birth_date: date | str | None = None,
    sex: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    occupation: Occupation | str | None = None,
) -> Proposal:
    """The village's correction of a proposal not yet forwarded or decided (typically one the
    kecamatan returned). Fields left None stay as they are; the given ones are read exactly as
    an intake row is (`intake.decide`). Refusals raise ValidationError keyed by these argument
    names and change nothing. The proposal goes back to SUBMITTED with its current findings
    set aside, and a CORRECTED event lists every change (old -> new, NIK and KK masked)."""
    _check_actor(actor, proposal)
    if proposal.version != expected_version:
        raise ConflictError
    _check_correctable(proposal)
    given = {
        "nik": nik,
        "kk": kk,
        "name": name,
        "birth_place": birth_place,
        "birth_date": birth_date,
        "sex": sex,
        "address": address,
        "phone": phone,
        "occupation": occupation,
    }
    given = {field: value for field, value in given.items() if value is not None}
    # Locked like an intake: the NIK looked up below stays free until this commits.
    _lock(proposal.period)
    values = _corrected_values(proposal, given)
    _check_nik_free(proposal, values.get("nik"))
    changes = _changes(proposal, values)
    if not changes:
        raise ValidationError(
            _("Tidak ada isian yang berubah. Ubah data yang salah, atau tarik usulan ini."),
            code="UNCHANGED",
        )
    proposal_transition(
        actor=actor,
        proposal=proposal,
        to_status=ProposalStatus.SUBMITTED,
        action=Action.CORRECTED,
        note=note.strip(),
        expected_version=expected_version,
        detail={"changes": changes},
    )
    Proposal.objects.filter(pk=proposal.pk).update(**values)
    # The findings were about the old data; the next run finds those of the new.
    Finding.objects.filter(proposal=proposal, current=True).update(current=False)
    for field, value in values.items():
        setattr(proposal, field, value)
    if "occupation_id" in values:
        proposal.occupation = Occupation.objects.filter(pk=values["occupation_id"]).first()
    return proposal


def _check_correctable(proposal: Proposal) -> None:
    if proposal.status in CORRECTABLE_STATUSES:
        return
    if proposal.status == ProposalStatus.FORWARDED:
        message = _(
            "Usulan ini sudah diteruskan kecamatan ke Dinas; minta Dinas mengembalikannya ke "
            "desa bila datanya perlu diperbaiki."
        )
    else:
        message = _("Usulan berstatus “%(status)s” tidak dapat diperbaiki lagi.") % {
            "status": proposal.get_status_display()
        }
    raise ValidationError(message, code="STATUS")


def _corrected_values(proposal: Proposal, given: dict[str, Any]) -> dict[str, Any]:
    """The Proposal fields for the `given` corrections, read by intake's rules as one row
    made of the proposal's current data with the corrections in place."""
    chosen = given.get("occupation")
    cells = dict.fromkeys(intake.FIELDS, "")
    cells |= {
        "nik": proposal.nik,
        "kk": proposal.kk,
        "nama": proposal.name,
        "tempat_lahir": proposal.birth_place,
        "tanggal_lahir": proposal.birth_date.isoformat(),
        "jenis_kelamin": proposal.sex,
        "alamat": proposal.address,
        "no_hp": proposal.phone,
        "pekerjaan": proposal.occupation_text,
    }
    for field, value in given.items():
        cells[_COLUMN_OF[field]] = _cell(value)
    decision = intake.decide(_one_row(cells), _correction_context(proposal))[0]
    errors: dict[str, list[str]] = {}
    for problem in decision.problems:
        about = _FIELD_OF.get(problem["field"])
        if about in given:  # what was accepted once is not judged again
            errors.setdefault(about, []).append(problem["message"])
    if isinstance(chosen, Occupation) and not _listed(proposal, chosen):
        message = _("Pekerjaan %(name)s tidak ada di daftar program ini; pilih dari daftar.")
        errors.setdefault("occupation", []).append(message % {"name": chosen.name})
    if errors:
        raise ValidationError(errors)
    read = decision.values or {}
    values = {field: read[field] for field in given if field != "occupation"}
    if "name" in given:
        values["name_normalized"] = read["name_normalized"]
    if chosen is not None:
        values["occupation_text"] = read["occupation_text"]
        values["occupation_id"] = (
            chosen.pk if isinstance(chosen, Occupation) else read["occupation_id"]
        )
    return values


def _cell(value: date | Occupation | str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return value.name if isinstance(value, Occupation) else value


def _one_row(cells: dict[str, str]) -> pa.Table:
    columns = {name: pa.array([value or None], pa.string()) for name, value in cells.items()}
    return pa.table({**columns, "_row": pa.array([1], pa.int32())})


def _correction_context(proposal: Proposal) -> intake.Context:
    # No quota and no existing proposals: a correction takes no new place, and the NIK is
    # checked against the village's other proposals by `_check_nik_free`.
    occupations = Occupation.objects.filter(active=True).values_list("pk", "name", "keywords")
    return intake.Context(
        today=timezone.localdate(),
        villages={proposal.village_id: proposal.village.name},
        fixed_village=proposal.village_id,
        occupations=intake.occupation_spellings(list(occupations)),
        existing={},
        quota_kind=QuotaKind.NONE,
        quota_size=None,
        places_left={},
    )


def _listed(proposal: Proposal, occupation: Occupation) -> bool:
    return selectors.eligible_occupations(proposal.programme).filter(pk=occupation.pk).exists()


def _check_nik_free(proposal: Proposal, nik: str | None) -> None:
    if nik is None or nik == proposal.nik:
        return
    clash = (
        Proposal.objects.filter(period_id=proposal.period_id, village_id=proposal.village_id)
        .filter(nik=nik)
        .first()
    )
    if clash is not None:
        message = _(
            "NIK ini sudah diusulkan desa/kelurahan ini pada periode ini: usulan #%(id)s atas "
            "nama %(name)s (%(status)s). Periksa lagi NIK di KTP, atau tarik salah satu usulan."
        ) % {"id": clash.pk, "name": clash.name, "status": clash.get_status_display()}
        raise ValidationError({"nik": [message]})


_MASKED = frozenset({"nik", "kk"})


def _changes(proposal: Proposal, values: dict[str, Any]) -> list[dict[str, str]]:
    """What the correction changes, old -> new, as text for the event (NIK and KK masked)."""
    changes = []
    for field in _COLUMN_OF:
        if field == "occupation":
            if "occupation_text" not in values:
                continue
            old, new = _occupation_text(proposal), _occupation_text_of(values)
        elif field in values:
            old, new = str(getattr(proposal, field)), str(values[field])
        else:
            continue
        if old == new:
            continue
        if field in _MASKED:
            old, new = mask_nik(old), mask_nik(new)
        changes.append({"field": field, "old": old, "new": new})
    return changes


def _occupation_text(proposal: Proposal) -> str:
    occupation = proposal.occupation
    return occupation.name if occupation is not None else proposal.occupation_text


def _occupation_text_of(values: dict[str, Any]) -> str:
    found = Occupation.objects.filter(pk=values["occupation_id"]).first()
    return found.name if found is not None else str(values["occupation_text"])

"""Writing the claims register: opening cases, heirs, the documents checklist, the status
with BPJS and the amounts it paid.

Rules the code keeps (docs/operator.md says them for people):
- A case is opened for a member the user sees. The event date lies inside the member's
  coverage: on or after the BPJS coverage start, and before the membership ended (a death
  ends it on the day of death, which is still covered). One JKM case per member (the
  database's partial unique index holds it under concurrency); JKK cases may repeat.
- A death confirmed from a Dukcapil extract opens the JKM case itself (`claim_open_jkm`,
  called by `membership_end`), with source "death_record".
- Status: reported -> complete (every required document received; a JKM case also needs
  an heir) -> submitted (BPJS claim number and date) -> paid (at least one component with
  a paid amount) or rejected (a reason). Heirs and documents change only before the case
  goes to BPJS; taking back a required document of a complete case returns it to reported.
  Paid amounts are recorded once the case is with BPJS.
- Every write checks the case's `version` (a second officer acting on a stale page gets
  ConflictError and changes nothing), bumps it, appends a ClaimEvent and an AuditEvent.
- Refusals are ValidationError keyed by form field, in Indonesian, saying what to fix;
  nothing is written then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import MANAGE_CLAIMS, REPORT_CLAIMS, has_capability
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_record
from lindung.claims import benefits
from lindung.claims.models import (
    Claim,
    ClaimAction,
    ClaimBenefit,
    ClaimComponent,
    ClaimComponentKind,
    ClaimDocument,
    ClaimEvent,
    ClaimHeir,
    ClaimSource,
    ClaimStatus,
    HeirRelation,
)
from lindung.contributions.payments import PaidState, coverage_months
from lindung.engine.budget import format_rupiah
from lindung.membership.models import EndReason, Membership
from lindung.people.nik import parse_nik

Errors = dict[str, list[str]]

EDITABLE = (ClaimStatus.REPORTED, ClaimStatus.COMPLETE)  # heirs and documents
WITH_BPJS = (ClaimStatus.SUBMITTED, ClaimStatus.PAID)  # amounts
_PHONE = re.compile(r"(?:\+62|62|0)[0-9]{8,13}")


class ConflictError(Exception):
    """The case changed since the page was loaded: the second action loses."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _(
            "Kasus klaim ini baru saja diubah oleh orang lain; muat ulang halaman."
        )
        super().__init__(self.message)


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check(actor: User | None, capability: str, area_code: str) -> None:
    """`actor` None is a system job (a command, the demo)."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        if capability == MANAGE_CLAIMS:
            raise PermissionDenied(
                _("Peran Anda tidak boleh memproses klaim; hubungi Dinas atau penghubung BPJS.")
            )
        raise PermissionDenied(_("Peran Anda tidak boleh melaporkan atau melengkapi klaim."))
    if not scoping.can_see_area(actor, area_code):
        raise PermissionDenied(_("Peserta ini di luar wilayah kerja Anda."))


def _audit(actor: User | None, action: str, claim: Claim, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="claim",
        object_id=str(claim.pk),
        detail={"benefit": claim.benefit, "membership": claim.membership_id, **detail},
    )


def _event(
    claim: Claim,
    actor: User | None,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **detail: Any,
) -> None:
    ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail,
    )


def _locked(claim: Claim, expected_version: int) -> Claim:
    """The case as it is now, locked until the transaction ends; ConflictError if stale."""
    current = Claim.objects.select_for_update().select_related("membership").get(pk=claim.pk)
    if current.version != expected_version:
        raise ConflictError()
    return current


def _save(claim: Claim, expected_version: int, **fields: Any) -> Claim:
    """Write `fields` and the next version; the WHERE on version is the guard on databases
    where the row lock above is a no-op (SQLite serialises writers instead)."""
    updated = Claim.objects.filter(pk=claim.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if updated == 0:
        raise ConflictError()
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version = expected_version + 1
    return claim


def _phone_error(phone: str) -> str | None:
    digits = re.sub(r"[ .\-()]", "", phone)
    if digits and not _PHONE.fullmatch(digits):
        return _("Nomor HP %(phone)s tidak sah; tulis 10-13 angka, mis. 081234567890.") % {
            "phone": phone
        }
    return None


def _clean_phone(phone: str) -> str:
    return re.sub(r"[ .\-()]", "", phone.strip())


# -- coverage --------------------------------------------------------------------------------


def coverage_window(membership: Membership) -> tuple[date | None, date | None]:
    """The first and last day the member was covered by BPJS; (None, None) before BPJS
    registered them, last None while the membership runs. An end date is the first day
    without cover, except a death, which ends cover on the day of death."""
    start = membership.coverage_start
    if start is None:
        return None, None
    end = membership.ended_on
    if end is not None and membership.end_reason != EndReason.DEATH:
        end = end - timedelta(days=1)
    return start, end


def _event_date_errors(errors: Errors, membership: Membership, event_date: date | None) -> None:
    if event_date is None:
        _add(errors, "event_date", _("Isi tanggal kejadian."))
        return
    if event_date > timezone.localdate():
        _add(errors, "event_date", _("Tanggal kejadian belum tiba; periksa tanggalnya."))
        return
    start, end = coverage_window(membership)
    if start is None:
        _add(
            errors,
            "event_date",
            _(
                "%(name)s belum terdaftar di BPJS (belum ada tanggal mulai perlindungan); "
                "klaim hanya untuk peserta yang sudah terdaftar."
            )
            % {"name": membership.name},
        )
    elif event_date < start:
        _add(
            errors,
            "event_date",
            _(
                "Tanggal kejadian %(day)s sebelum perlindungan %(name)s mulai (%(start)s); "
                "periksa tanggalnya."
            )
            % {"day": _day(event_date), "name": membership.name, "start": _day(start)},
        )
    elif end is not None and event_date > end:
        _add(
            errors,
            "event_date",
            _(
                "Tanggal kejadian %(day)s sesudah kepesertaan %(name)s berakhir (terakhir "
                "terlindungi %(end)s); kejadian itu tidak ditanggung program."
            )
            % {"day": _day(event_date), "name": membership.name, "end": _day(end)},
        )


# -- opening ---------------------------------------------------------------------------------


def paid_months_of(membership: Membership) -> int:
    """Months the member's contribution was billed, approved and paid in full."""
    return sum(1 for m in coverage_months(membership) if m.paid == PaidState.FULL and m.amount > 0)


def _fill(claim: Claim, paid_months: int) -> None:
    """The checklist and the expected components of a new case."""
    ClaimDocument.objects.bulk_create(
        ClaimDocument(claim=claim, code=rule.code, required=rule.required)
        for rule in benefits.DOCUMENTS[claim.benefit]
    )
    ClaimComponent.objects.bulk_create(
        ClaimComponent(claim=claim, kind=rule.kind, expected_amount=rule.expected)
        for rule in benefits.opening_components(claim.benefit, paid_months)
    )


def _opened(claim: Claim, actor: User | None) -> None:
    paid = paid_months_of(claim.membership)
    _fill(claim, paid)
    _event(
        claim,
        actor,
        ClaimAction.OPENED,
        to_status=ClaimStatus.REPORTED,
        note=claim.note,
        source=claim.source,
        event_date=claim.event_date.isoformat(),
        paid_months=paid,
    )
    _audit(
        actor,
        AuditEvent.Action.CLAIM_OPEN,
        claim,
        source=claim.source,
        event_date=claim.event_date.isoformat(),
    )


@transaction.atomic
def claim_open(
    *,
    actor: User | None,
    membership: Membership,
    benefit: str,
    event_date: date | None,
    event_place: str = "",
    description: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reported_on: date | None = None,
    note: str = "",
) -> Claim:
    """Open a JKK or JKM case by hand (a village reports an accident or a death). Raises
    PermissionDenied, or ValidationError keyed by field with what to fix."""
    _check(actor, REPORT_CLAIMS, membership.village_id)
    errors: Errors = {}
    place, reporter = event_place.strip(), reporter_name.strip()
    if benefit not in ClaimBenefit.values:
        _add(errors, "benefit", _("Pilih manfaat: JKK (kecelakaan kerja) atau JKM (kematian)."))
    _event_date_errors(errors, membership, event_date)
    if benefit == ClaimBenefit.JKK and not place:
        _add(errors, "event_place", _("Isi tempat kecelakaan, mis. kebun, jalan, pelabuhan."))
    if not reporter:
        _add(errors, "reporter_name", _("Isi nama pelapor (keluarga, saksi, atau petugas)."))
    phone_error = _phone_error(reporter_phone.strip())
    if phone_error:
        _add(errors, "reporter_phone", phone_error)
    reported = reported_on or timezone.localdate()
    if event_date is not None and reported < event_date:
        _add(errors, "reported_on", _("Tanggal lapor tidak boleh sebelum tanggal kejadian."))
    elif reported > timezone.localdate():
        _add(errors, "reported_on", _("Tanggal lapor belum tiba; periksa tanggalnya."))
    if benefit == ClaimBenefit.JKM:
        existing = Claim.objects.filter(membership=membership, benefit=ClaimBenefit.JKM).first()
        if existing is not None:
            _add(
                errors,
                "benefit",
                _(
                    "Klaim JKM untuk %(name)s sudah ada (dibuka %(day)s, status «%(status)s»); "
                    "lanjutkan kasus itu."
                )
                % {
                    "name": membership.name,
                    "day": _day(timezone.localdate(existing.created_at)),
                    "status": existing.get_status_display(),
                },
            )
    if errors:
        raise ValidationError(errors)
    assert event_date is not None
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                membership=membership,
                benefit=benefit,
                source=ClaimSource.MANUAL,
                event_date=event_date,
                event_place=place[:255],
                description=description.strip(),
                reporter_name=reporter[:150],
                reporter_phone=_clean_phone(reporter_phone)[:20],
                reported_on=reported,
                note=note.strip(),
                created_by=actor,
            )
    except IntegrityError:  # someone opened the member's JKM case a moment ago
        raise ValidationError(
            {"benefit": [_("Klaim JKM untuk %(name)s sudah ada.") % {"name": membership.name}]}
        ) from None
    _opened(claim, actor)
    return claim


def claim_open_jkm(
    *,
    actor: User | None,
    membership: Membership,
    event_date: date,
    note: str = "",
    source: str = ClaimSource.MANUAL,
) -> Claim:
    """The member's JKM case, opened now or the one already open: a person dies once, and
    the partial unique index on (membership) for JKM makes that hold under concurrency.
    Called by `membership_end` on a death (whose caller checked the actor's rights);
    `source` is death_record when a Dukcapil extract confirmed it. A case a village
    reported by hand before the extract arrived gets a "confirmed" event instead."""
    existing = Claim.objects.filter(membership=membership, benefit=ClaimBenefit.JKM).first()
    if existing is not None:
        _confirm(existing, actor, source, note)
        return existing
    try:
        # A savepoint, so a lost race leaves the caller's transaction usable.
        with transaction.atomic():
            claim = Claim.objects.create(
                membership=membership,
                benefit=ClaimBenefit.JKM,
                source=source,
                event_date=event_date,
                note=note,
                created_by=actor,
            )
            claim.membership = membership
            _opened(claim, actor)
            return claim
    except IntegrityError:
        return Claim.objects.get(membership=membership, benefit=ClaimBenefit.JKM)


def _confirm(claim: Claim, actor: User | None, source: str, note: str) -> None:
    if source != ClaimSource.DEATH_RECORD or claim.source == ClaimSource.DEATH_RECORD:
        return
    if claim.events.filter(action=ClaimAction.CONFIRMED).exists():
        return
    _event(claim, actor, ClaimAction.CONFIRMED, note=note)


# -- heirs -----------------------------------------------------------------------------------


def _editable(claim: Claim, what: str) -> None:
    if claim.status not in EDITABLE:
        raise ValidationError(
            _("%(what)s tidak bisa diubah lagi: kasus ini berstatus «%(status)s».")
            % {"what": what, "status": claim.get_status_display()}
        )


@transaction.atomic
def claim_heir_add(
    *,
    actor: User | None,
    claim: Claim,
    expected_version: int,
    name: str,
    relation: str,
    nik: str = "",
    phone: str = "",
    address: str = "",
) -> ClaimHeir:
    """Add someone BPJS pays the benefit to. Only before the case goes to BPJS."""
    _check(actor, REPORT_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _editable(current, _("Ahli waris"))
    errors: Errors = {}
    name, nik, phone = name.strip(), re.sub(r"[ .\-]", "", nik), phone.strip()
    if not name:
        _add(errors, "name", _("Isi nama ahli waris sesuai KTP."))
    if relation not in HeirRelation.values:
        _add(errors, "relation", _("Pilih hubungan ahli waris dengan peserta dari daftar."))
    if nik:
        problems = [f for f in parse_nik(nik).findings if f.severity == "error"]
        if problems:
            _add(errors, "nik", problems[0].render(_))
        elif nik == current.membership.nik:
            _add(errors, "nik", _("NIK ini milik peserta sendiri; isi NIK ahli waris."))
        elif current.heirs.filter(nik=nik).exists():
            _add(errors, "nik", _("Ahli waris dengan NIK ini sudah dicatat di kasus ini."))
    phone_error = _phone_error(phone)
    if phone_error:
        _add(errors, "phone", phone_error)
    if errors:
        raise ValidationError(errors)
    heir = ClaimHeir.objects.create(
        claim=current,
        name=name[:150],
        relation=relation,
        nik=nik,
        phone=_clean_phone(phone)[:20],
        address=address.strip()[:255],
    )
    _save(current, expected_version)
    _event(
        current,
        actor,
        ClaimAction.HEIR_ADDED,
        note=f"{heir.name} ({heir.get_relation_display()})",
        name=heir.name,
        relation=relation,
    )
    _audit(actor, AuditEvent.Action.CLAIM_HEIR, current, added=heir.pk, relation=relation)
    claim.version = current.version
    return heir


@transaction.atomic
def claim_heir_remove(
    *, actor: User | None, claim: Claim, expected_version: int, heir: ClaimHeir
) -> Claim:
    """Remove an heir recorded by mistake. Only before the case goes to BPJS."""
    _check(actor, REPORT_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _editable(current, _("Ahli waris"))
    if heir.claim_id != current.pk:
        raise ValidationError(_("Ahli waris ini bukan dari kasus ini; muat ulang halaman."))
    ClaimHeir.objects.filter(pk=heir.pk).delete()
    _save(current, expected_version)
    _event(
        current,
        actor,
        ClaimAction.HEIR_REMOVED,
        note=f"{heir.name} ({heir.get_relation_display()})",
        name=heir.name,
        relation=heir.relation,
    )
    _audit(actor, AuditEvent.Action.CLAIM_HEIR, current, removed=heir.pk)
    return current


# -- documents -------------------------------------------------------------------------------


@transaction.atomic
def claim_document_receive(
    *,
    actor: User | None,
    claim: Claim,
    expected_version: int,
    codes: Sequence[str],
    received_on: date | None,
    note: str = "",
) -> Claim:
    """Mark the checklist lines `codes` received on `received_on`, or not received when it
    is None. Taking back a required document of a complete case returns it to reported."""
    _check(actor, REPORT_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _editable(current, _("Daftar dokumen"))
    wanted = list(dict.fromkeys(codes))
    lines = {d.code: d for d in current.documents.filter(code__in=wanted)}
    if not wanted:
        raise ValidationError({"codes": [_("Pilih minimal satu dokumen.")]})
    if len(lines) != len(wanted):
        raise ValidationError({"codes": [_("Ada dokumen yang tidak ada di daftar kasus ini.")]})
    if received_on is not None:
        if received_on > timezone.localdate():
            raise ValidationError({"received_on": [_("Tanggal terima belum tiba.")]})
        if received_on < current.event_date:
            raise ValidationError(
                {
                    "received_on": [
                        _("Tanggal terima %(day)s sebelum tanggal kejadian %(event)s.")
                        % {"day": _day(received_on), "event": _day(current.event_date)}
                    ]
                }
            )
    current.documents.filter(code__in=wanted).update(received_on=received_on)
    to_status = current.status
    required_taken_back = received_on is None and any(lines[c].required for c in wanted)
    if current.status == ClaimStatus.COMPLETE and required_taken_back:
        to_status = ClaimStatus.REPORTED
    from_status = current.status
    _save(current, expected_version, status=to_status)
    action = ClaimAction.DOCUMENTS_RECEIVED if received_on else ClaimAction.DOCUMENTS_UNRECEIVED
    labels = ", ".join(_(benefits.document_label(code)) for code in wanted)
    _event(
        current,
        actor,
        action,
        from_status=from_status if to_status != from_status else "",
        to_status=to_status if to_status != from_status else "",
        note=f"{labels}. {note.strip()}" if note.strip() else labels,
        codes=wanted,
        received_on=received_on.isoformat() if received_on else None,
    )
    _audit(
        actor,
        AuditEvent.Action.CLAIM_DOCUMENT,
        current,
        codes=wanted,
        received_on=received_on.isoformat() if received_on else None,
    )
    return current


# -- status ----------------------------------------------------------------------------------


def _move(
    current: Claim,
    actor: User | None,
    expected_version: int,
    to_status: str,
    action: str,
    *,
    note: str = "",
    detail: dict[str, Any] | None = None,
    **fields: Any,
) -> Claim:
    from_status = current.status
    _save(current, expected_version, status=to_status, **fields)
    _event(
        current,
        actor,
        action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        **(detail or {}),
    )
    _audit(
        actor,
        AuditEvent.Action.CLAIM_STATUS,
        current,
        from_status=from_status,
        to_status=to_status,
        **(detail or {}),
    )
    return current


def _must_be(current: Claim, status: str, message: str) -> None:
    if current.status != status:
        raise ValidationError(message % {"status": current.get_status_display()}, code="status")


def missing_documents(claim: Claim) -> list[str]:
    """Codes of the required documents not received yet, in checklist order."""
    return list(
        claim.documents.filter(required=True, received_on__isnull=True)
        .order_by("id")
        .values_list("code", flat=True)
    )


@transaction.atomic
def claim_complete(
    *, actor: User | None, claim: Claim, expected_version: int, note: str = ""
) -> Claim:
    """reported -> complete, when every required document is in (and, for JKM, an heir)."""
    _check(actor, MANAGE_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _must_be(
        current,
        ClaimStatus.REPORTED,
        _(
            "Hanya kasus berstatus dilaporkan yang bisa dinyatakan lengkap; kasus ini "
            "berstatus «%(status)s»."
        ),
    )
    problems = []
    missing = missing_documents(current)
    if missing:
        problems.append(
            _("Dokumen wajib belum diterima: %(docs)s. Tandai diterima dulu.")
            % {"docs": ", ".join(_(benefits.document_label(code)) for code in missing)}
        )
    if current.benefit == ClaimBenefit.JKM and not current.heirs.exists():
        problems.append(_("Catat minimal satu ahli waris: BPJS membayar JKM kepada ahli waris."))
    if problems:
        raise ValidationError(problems)
    return _move(
        current, actor, expected_version, ClaimStatus.COMPLETE, ClaimAction.COMPLETED, note=note
    )


@transaction.atomic
def claim_submit(
    *,
    actor: User | None,
    claim: Claim,
    expected_version: int,
    bpjs_reference: str,
    submitted_on: date | None,
    note: str = "",
) -> Claim:
    """complete -> submitted: the case went to BPJS under its claim number on that day."""
    _check(actor, MANAGE_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _must_be(
        current,
        ClaimStatus.COMPLETE,
        _(
            "Hanya kasus yang berkasnya lengkap yang bisa diajukan ke BPJS; kasus ini "
            "berstatus «%(status)s»."
        ),
    )
    errors: Errors = {}
    reference = bpjs_reference.strip()
    if not reference:
        _add(errors, "bpjs_reference", _("Isi nomor klaim/tanda terima dari BPJS."))
    _decision_date(errors, "submitted_on", current, submitted_on, _("Tanggal pengajuan"))
    if reference:
        other = Claim.objects.filter(bpjs_reference=reference).exclude(pk=current.pk).first()
        if other is not None:
            _add(
                errors,
                "bpjs_reference",
                _("Nomor klaim BPJS %(ref)s sudah dipakai kasus lain (%(name)s); periksa nomornya.")
                % {"ref": reference, "name": other.membership.name},
            )
    if errors:
        raise ValidationError(errors)
    return _move(
        current,
        actor,
        expected_version,
        ClaimStatus.SUBMITTED,
        ClaimAction.SUBMITTED,
        note=note.strip(),
        detail={"bpjs_reference": reference},
        bpjs_reference=reference[:50],
        submitted_on=submitted_on,
    )


def _decision_date(errors: Errors, field: str, claim: Claim, day: date | None, label: str) -> None:
    if day is None:
        _add(errors, field, _("Isi %(label)s.") % {"label": label.lower()})
    elif day > timezone.localdate():
        _add(errors, field, _("%(label)s belum tiba; periksa tanggalnya.") % {"label": label})
    elif day < claim.event_date:
        _add(
            errors,
            field,
            _("%(label)s %(day)s sebelum tanggal kejadian %(event)s.")
            % {"label": label, "day": _day(day), "event": _day(claim.event_date)},
        )
    elif claim.submitted_on is not None and field != "submitted_on" and day < claim.submitted_on:
        _add(
            errors,
            field,
            _("%(label)s %(day)s sebelum kasus diajukan ke BPJS (%(submitted)s).")
            % {"label": label, "day": _day(day), "submitted": _day(claim.submitted_on)},
        )


@transaction.atomic
def claim_pay(
    *,
    actor: User | None,
    claim: Claim,
    expected_version: int,
    decided_on: date | None,
    note: str = "",
) -> Claim:
    """submitted -> paid, once at least one component's paid amount is recorded."""
    _check(actor, MANAGE_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _must_be(
        current,
        ClaimStatus.SUBMITTED,
        _(
            "Hanya kasus yang sudah diajukan ke BPJS yang bisa dicatat dibayar; kasus ini "
            "berstatus «%(status)s»."
        ),
    )
    errors: Errors = {}
    _decision_date(errors, "decided_on", current, decided_on, _("Tanggal dibayar"))
    paid = current.components.filter(paid_amount__gt=0)
    if not paid.exists():
        _add(
            errors,
            "__all__",
            _("Catat dulu jumlah yang dibayar BPJS untuk minimal satu komponen manfaat."),
        )
    if errors:
        raise ValidationError(errors)
    total = sum(c.paid_amount or 0 for c in paid)
    return _move(
        current,
        actor,
        expected_version,
        ClaimStatus.PAID,
        ClaimAction.PAID,
        note=note.strip(),
        detail={"paid_total": total},
        decided_on=decided_on,
    )


@transaction.atomic
def claim_reject(
    *,
    actor: User | None,
    claim: Claim,
    expected_version: int,
    reason: str,
    decided_on: date | None,
) -> Claim:
    """submitted -> rejected, with BPJS's reason."""
    _check(actor, MANAGE_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    _must_be(
        current,
        ClaimStatus.SUBMITTED,
        _(
            "Hanya kasus yang sudah diajukan ke BPJS yang bisa dicatat ditolak; kasus ini "
            "berstatus «%(status)s»."
        ),
    )
    errors: Errors = {}
    text = reason.strip()
    if not text:
        _add(errors, "reason", _("Tulis alasan penolakan dari BPJS (sesuai surat BPJS)."))
    _decision_date(errors, "decided_on", current, decided_on, _("Tanggal ditolak"))
    if errors:
        raise ValidationError(errors)
    return _move(
        current,
        actor,
        expected_version,
        ClaimStatus.REJECTED,
        ClaimAction.REJECTED,
        note=text,
        decided_on=decided_on,
        rejection_reason=text,
    )


# -- amounts ---------------------------------------------------------------------------------


@transaction.atomic
def claim_component_record(
    *,
    actor: User | None,
    claim: Claim,
    expected_version: int,
    kind: str,
    paid_amount: int | None,
    paid_on: date | None,
    note: str = "",
) -> ClaimComponent:
    """Record what BPJS paid for one component (added to the case if it was not listed);
    `paid_amount` None clears a wrong entry. Only while the case is with BPJS or paid, and
    a paid case keeps at least one paid component."""
    _check(actor, MANAGE_CLAIMS, claim.membership.village_id)
    current = _locked(claim, expected_version)
    if current.status not in WITH_BPJS:
        raise ValidationError(
            _(
                "Jumlah dibayar dicatat setelah kasus diajukan ke BPJS; kasus ini "
                "berstatus «%(status)s»."
            )
            % {"status": current.get_status_display()}
        )
    errors: Errors = {}
    if kind not in benefits.KINDS[current.benefit]:
        _add(
            errors,
            "kind",
            _("Pilih komponen manfaat %(benefit)s dari daftar.") % {"benefit": current.benefit},
        )
    if paid_amount is not None and paid_amount <= 0:
        _add(errors, "paid_amount", _("Jumlah dibayar harus lebih dari Rp0."))
    if paid_amount is not None:
        _decision_date(errors, "paid_on", current, paid_on, _("Tanggal dibayar"))
    component = current.components.filter(kind=kind).first()
    if paid_amount is None:
        if component is None or component.paid_amount is None:
            _add(errors, "paid_amount", _("Isi jumlah yang dibayar BPJS."))
        elif (
            current.status == ClaimStatus.PAID
            and not current.components.filter(paid_amount__gt=0).exclude(kind=kind).exists()
        ):
            _add(
                errors,
                "paid_amount",
                _("Kasus yang sudah dibayar harus punya minimal satu komponen dengan jumlah."),
            )
    if errors:
        raise ValidationError(errors)
    before = component.paid_amount if component is not None else None
    if component is None:
        rule = benefits.RULES[kind]
        component = ClaimComponent(claim=current, kind=kind, expected_amount=rule.expected)
    component.paid_amount = paid_amount
    component.paid_on = paid_on if paid_amount is not None else None
    component.note = note.strip()[:255]
    component.save()
    _save(current, expected_version)
    detail: dict[str, Any] = {"kind": kind, "before": before, "paid_amount": paid_amount}
    _event(
        current,
        actor,
        ClaimAction.AMOUNT,
        note=_amount_note(kind, before, paid_amount, note),
        **detail,
        paid_on=component.paid_on.isoformat() if component.paid_on else None,
    )
    _audit(actor, AuditEvent.Action.CLAIM_AMOUNT, current, **detail)
    claim.version = current.version
    return component


def _amount_note(kind: str, before: int | None, after: int | None, note: str) -> str:
    label = str(ClaimComponentKind(kind).label)
    shown = format_rupiah(after) if after is not None else _("dikosongkan")
    text = f"{label}: {shown}"
    if before is not None:
        text += " " + _("(sebelumnya %(amount)s)") % {"amount": format_rupiah(before)}
    return f"{text}. {note.strip()}" if note.strip() else text

"""The Bupati's decree (SK) naming a period's members, and its amendments (SK perubahan).

- `decree_issue` records the original decree of a determined period: one `DecreeEntry`
  (added) per active member no decree has named yet, numbered in attachment order.
- `decree_amend` records an amendment: the members a decree named who have since ended
  (ended), then the members no decree has named yet, the replacements (added).
- A member who ended before any decree named them is named by none: the decree lists
  people who hold a place, and there is nothing to take back from someone never listed.

Both lock the period row first, so two managers recording a decree for the same period at
once go one after the other and the second sees the first's decree; the unique constraints
on (programme, number) and (period, sequence) refuse what slips past anyway.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.accounts.models import User
from lindung.accounts.permissions import MANAGE_DECREES, has_capability
from lindung.people.nik import format_date_id
from lindung.programs.models import Programme, ProposalPeriod
from lindung.proposals.selectors import periods_for

from .models import (
    ACTIVE_STATUSES,
    Decree,
    DecreeChange,
    DecreeEntry,
    DecreeKind,
    Determination,
    MemberAction,
    Membership,
    MembershipEvent,
    MemberStatus,
)

BULK = 5_000
# The attachment lists members by kecamatan, then village, then their rank in the village.
ATTACHMENT_ORDER = (
    "village__parent__name",
    "village__parent_id",
    "village__name",
    "village_id",
    "rank",
    "id",
)
_TEXT_FIELDS = ("number", "title", "signer_name", "signer_title", "place")
_DATE_FIELDS = ("signed_on", "effective_on")


@dataclass(frozen=True)
class PendingChanges:
    """What the next decree of a period would list: membership ids in attachment order."""

    ended: list[int]
    added: list[int]
    # Ended before any decree named them: listed by no decree (see the module docstring).
    never_listed: int

    @property
    def empty(self) -> bool:
        return not self.ended and not self.added

    @property
    def token(self) -> str:
        """A fingerprint of the lists, so a form submitted after they changed is refused."""
        text = "e" + ",".join(map(str, self.ended)) + "a" + ",".join(map(str, self.added))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- selectors ------------------------------------------------------------------------------


def decrees_for(user: object) -> QuerySet[Decree]:
    """The decrees of the programmes `user` may see, newest first, with their counts."""
    decrees = scoping.visible(user, Decree.objects.select_related("programme", "period", "amends"))
    return decrees.annotate(
        added=Count("entries", filter=Q(entries__change=DecreeChange.ADDED)),
        ended=Count("entries", filter=Q(entries__change=DecreeChange.ENDED)),
    ).order_by("-signed_on", "-id")


def decree_for(user: object, decree_id: int) -> Decree | None:
    """One decree, or None when it does not exist or its programme is out of sight."""
    return decrees_for(user).filter(pk=decree_id).first()


def entries_for(user: object, decree: Decree) -> QuerySet[DecreeEntry]:
    """The lines of `decree` inside the user's area (a village sees its own people)."""
    entries = DecreeEntry.objects.filter(decree=decree).select_related(
        "membership__village__parent", "membership__occupation", "membership__replaces"
    )
    return scoping.visible(user, entries).order_by("number")


def issuable_periods_for(user: object) -> QuerySet[ProposalPeriod]:
    """Determined periods the user can see that have no original decree yet."""
    originals = Decree.objects.filter(period=OuterRef("pk"), kind=DecreeKind.ORIGINAL)
    return (
        periods_for(user)
        .filter(determination__isnull=False)
        .exclude(Exists(originals))
        .select_related("determination")
    )


def original_of(period: ProposalPeriod) -> Decree | None:
    return Decree.objects.filter(period=period, kind=DecreeKind.ORIGINAL).first()


def _pending(period: ProposalPeriod) -> tuple[QuerySet[Membership], ...]:
    """Members of `period` a decree named who ended since; members no decree named yet
    (active); members who ended before any decree named them."""
    entries = DecreeEntry.objects.filter(membership=OuterRef("pk"))
    listed = Exists(entries.filter(change=DecreeChange.ADDED))
    ended_listed = Exists(entries.filter(change=DecreeChange.ENDED))
    members = Membership.objects.filter(period=period).order_by(*ATTACHMENT_ORDER)
    return (
        members.filter(listed, ~ended_listed, status=MemberStatus.ENDED),
        members.filter(~listed, status__in=ACTIVE_STATUSES),
        members.filter(~listed, status=MemberStatus.ENDED),
    )


def pending_changes(period: ProposalPeriod) -> PendingChanges:
    """The ended and the new members of `period` that no decree has listed yet."""
    ended, added, never = _pending(period)
    return PendingChanges(
        ended=list(ended.values_list("id", flat=True)),
        added=list(added.values_list("id", flat=True)),
        never_listed=never.count(),
    )


def pending_by_village(period: ProposalPeriod) -> list[dict[str, Any]]:
    """How many members not yet named by a decree each village has, in attachment order."""
    _ended, added, _never = _pending(period)
    return list(
        added.order_by("village__parent__name", "village__name", "village_id")
        .values("village_id", "village__name", "village__parent__name")
        .annotate(n=Count("id"))
    )


def members_in_order(ids: list[int], limit: int) -> list[Membership]:
    """The first `limit` of `ids` as members, for showing before a decree is recorded."""
    shown = ids[:limit]
    found = Membership.objects.select_related("village__parent", "replaces").in_bulk(shown)
    return [found[pk] for pk in shown]


# -- services -------------------------------------------------------------------------------


def decree_issue(
    *,
    actor: User | None,
    period: ProposalPeriod,
    number: str,
    title: str,
    signed_on: date | None,
    effective_on: date | None,
    signer_name: str,
    signer_title: str,
    place: str,
    full_nik: bool = False,
    expected_changes: str | None = None,
) -> Decree:
    """Record the original decree of `period`, naming every member no decree has named.

    `expected_changes` is the `PendingChanges.token` the user saw; when given and the list
    has changed since, nothing is written and the user is asked to look again.
    """
    programme = period.programme
    _check_actor(actor, programme)
    fields = _clean_fields(
        number=number,
        title=title,
        signed_on=signed_on,
        effective_on=effective_on,
        signer_name=signer_name,
        signer_title=signer_title,
        place=place,
    )
    try:
        with transaction.atomic():
            ProposalPeriod.objects.select_for_update().get(pk=period.pk)
            if not Determination.objects.filter(period=period).exists():
                raise ValidationError(
                    _("Periode ini belum ditetapkan; lakukan penetapan peserta dulu.")
                )
            existing = original_of(period)
            if existing is not None:
                raise ValidationError(
                    _(
                        "SK penetapan periode ini sudah dicatat (nomor %(number)s); untuk "
                        "mengubah daftarnya, buat SK perubahan."
                    )
                    % {"number": existing.number}
                )
            pending = pending_changes(period)
            _check_expected(pending, expected_changes)
            if not pending.added:
                raise ValidationError(_("Tidak ada peserta aktif di periode ini untuk di-SK-kan."))
            decree = Decree.objects.create(
                programme=programme,
                period=period,
                kind=DecreeKind.ORIGINAL,
                sequence=0,
                full_nik=full_nik,
                created_by=actor,
                **fields,
            )
            _write_entries(decree, pending, actor)
    except IntegrityError as error:
        raise _collision(programme, fields["number"]) from error
    return decree


def decree_amend(
    *,
    actor: User | None,
    period: ProposalPeriod,
    number: str,
    title: str,
    signed_on: date | None,
    effective_on: date | None,
    signer_name: str,
    signer_title: str,
    place: str,
    full_nik: bool = False,
    expected_changes: str | None = None,
) -> Decree:
    """Record an amendment of `period`'s decree: who ended, and who replaced them."""
    programme = period.programme
    _check_actor(actor, programme)
    fields = _clean_fields(
        number=number,
        title=title,
        signed_on=signed_on,
        effective_on=effective_on,
        signer_name=signer_name,
        signer_title=signer_title,
        place=place,
    )
    try:
        with transaction.atomic():
            ProposalPeriod.objects.select_for_update().get(pk=period.pk)
            original = original_of(period)
            if original is None:
                raise ValidationError(
                    _("Periode ini belum punya SK penetapan; catat SK penetapan dulu.")
                )
            last = Decree.objects.filter(period=period).order_by("-sequence").first()
            assert last is not None
            if fields["signed_on"] < last.signed_on:
                raise ValidationError(
                    {
                        "signed_on": _(
                            "SK perubahan tidak bisa bertanggal sebelum SK sebelumnya "
                            "(nomor %(number)s, %(date)s)."
                        )
                        % {"number": last.number, "date": format_date_id(last.signed_on)}
                    }
                )
            pending = pending_changes(period)
            _check_expected(pending, expected_changes)
            if pending.empty:
                raise ValidationError(
                    _(
                        "Tidak ada perubahan sejak SK terakhir: tidak ada peserta yang berhenti "
                        "dan tidak ada pengganti yang belum tercantum di SK."
                    )
                )
            sequence = Decree.objects.filter(period=period).aggregate(n=Max("sequence"))["n"]
            decree = Decree.objects.create(
                programme=programme,
                period=period,
                kind=DecreeKind.AMENDMENT,
                amends=original,
                sequence=sequence + 1,
                full_nik=full_nik,
                created_by=actor,
                **fields,
            )
            _write_entries(decree, pending, actor)
    except IntegrityError as error:
        raise _collision(programme, fields["number"]) from error
    return decree


def _check_actor(actor: User | None, programme: Programme) -> None:
    if actor is None:
        return
    if not has_capability(actor, MANAGE_DECREES):
        raise PermissionDenied(_("Peran Anda tidak boleh mencatat SK."))
    if not scoping.can_see_area(actor, programme.owner_id):
        raise PermissionDenied(_("Program ini di luar wilayah kerja Anda."))


def _field(name: str) -> tuple[str, int | None]:
    """A decree field's label (capitalised, to open a sentence) and its maximum length."""
    field = Decree._meta.get_field(name)
    assert isinstance(field, models.Field)
    label = str(field.verbose_name)
    return label[:1].upper() + label[1:], field.max_length


def _clean_fields(**values: Any) -> dict[str, Any]:
    """Texts with spaces tidied, every field present and within its length; all errors at once."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        label, limit = _field(name)
        text = " ".join(str(values[name] or "").split())
        if not text:
            errors[name] = _("%(label)s wajib diisi.") % {"label": label}
        elif limit is not None and len(text) > limit:
            errors[name] = _(
                "%(label)s paling panjang %(limit)s huruf; yang diisi %(count)s huruf."
            ) % {"label": label, "limit": limit, "count": len(text)}
        cleaned[name] = text
    for name in _DATE_FIELDS:
        if not isinstance(values[name], date):
            errors[name] = _("%(label)s wajib diisi.") % {"label": _field(name)[0]}
        cleaned[name] = values[name]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_expected(pending: PendingChanges, expected: str | None) -> None:
    if expected is not None and expected != pending.token:
        raise ValidationError(
            _(
                "Daftar peserta berubah sejak halaman ini dibuka (ada yang berhenti atau "
                "diganti); periksa daftarnya lagi lalu simpan."
            ),
            code="changed",
        )


def _collision(programme: Programme, number: str) -> ValidationError:
    """The message for a unique constraint the database enforced."""
    if Decree.objects.filter(programme=programme, number=number).exists():
        return ValidationError(
            {
                "number": _("Nomor keputusan %(number)s sudah dipakai oleh SK lain di program ini.")
                % {"number": number}
            }
        )
    return ValidationError(
        _("SK lain untuk periode ini baru saja dicatat orang lain; muat ulang halaman.")
    )


def _write_entries(decree: Decree, pending: PendingChanges, actor: User | None) -> None:
    """The attachment's lines (ended first, then added, numbered 1..n) and one event per
    member, in bulk."""
    statuses = dict(
        Membership.objects.filter(pk__in=[*pending.ended, *pending.added]).values_list(
            "id", "status"
        )
    )
    now = timezone.now()
    lines = [(DecreeChange.ENDED, pk) for pk in pending.ended]
    lines += [(DecreeChange.ADDED, pk) for pk in pending.added]
    DecreeEntry.objects.bulk_create(
        (
            DecreeEntry(decree=decree, membership_id=pk, change=change, number=n)
            for n, (change, pk) in enumerate(lines, start=1)
        ),
        batch_size=BULK,
    )
    MembershipEvent.objects.bulk_create(
        (
            MembershipEvent(
                membership_id=pk,
                at=now,
                actor=actor,
                action=MemberAction.DECREED,
                from_status=statuses[pk],
                to_status=statuses[pk],
                detail={"decree": decree.pk, "number": decree.number, "change": str(change)},
            )
            for change, pk in lines
        ),
        batch_size=BULK,
    )

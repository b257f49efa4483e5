"""Helpers for the decree tests: record a decree, and end or replace members directly in the
database (the services that do it for real are tested on their own)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import F, Max
from django.utils import timezone

from lindung.accounts.models import User
from lindung.membership.decrees import decree_amend, decree_issue
from lindung.membership.models import (
    Decree,
    EndReason,
    Membership,
    MemberStatus,
    WaitingEntry,
    WaitingStatus,
)
from lindung.membership.tests.conftest import Determined


def today() -> date:
    return timezone.localdate()


def decree_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "number": "100.3.3.2/123/KPTS/2026",
        "title": "Penetapan Peserta Jaminan Sosial Ketenagakerjaan Pekerja Rentan",
        "signed_on": today() - timedelta(days=5),
        "effective_on": today().replace(day=1),
        "signer_name": "Drs. H. Teddy Rahman, M.M.",
        "signer_title": "Bupati Seluma",
        "place": "Tais",
    }
    return fields | overrides


def issue(d: Determined, actor: User | None = None, **overrides: Any) -> Decree:
    return decree_issue(
        actor=actor or d.users["manager"], period=d.period, **decree_fields(**overrides)
    )


def amend(d: Determined, actor: User | None = None, **overrides: Any) -> Decree:
    fields = decree_fields(
        number="100.3.3.2/200/KPTS/2026",
        title="Perubahan atas Keputusan Bupati Seluma tentang Penetapan Peserta",
        signed_on=today(),
    )
    return decree_amend(actor=actor or d.users["manager"], period=d.period, **(fields | overrides))


def end(member: Membership, reason: str = EndReason.DEATH, on: date | None = None) -> None:
    """End `member` the way the end service leaves it: status, date, reason, version bump."""
    Membership.objects.filter(pk=member.pk).update(
        status=MemberStatus.ENDED,
        ended_on=on or today() - timedelta(days=2),
        end_reason=reason,
        status_changed_at=timezone.now(),
        version=F("version") + 1,
    )
    member.refresh_from_db()


def replace(ended: Membership, entry: WaitingEntry) -> Membership:
    """Give `ended`'s place to the waiting `entry`, copying its proposal as determination did."""
    p = entry.proposal
    last = Membership.objects.filter(
        determination=ended.determination, village_id=p.village_id
    ).aggregate(n=Max("rank"))["n"]
    member = Membership.from_proposal(
        p,
        period_id=ended.period_id,
        determination=ended.determination,
        rank=(last or 0) + 1,
        replaces=ended,
    )
    member.save()
    WaitingEntry.objects.filter(pk=entry.pk).update(status=WaitingStatus.TAKEN, membership=member)
    return member


def waiting(nik: str) -> WaitingEntry:
    return WaitingEntry.objects.select_related("proposal").get(proposal__nik=nik)

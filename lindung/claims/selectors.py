"""Reading the claims register; every queryset starts from the user's area scope
(`scoping.visible`), so a village sees only its own members' cases.

Money figures are set-based: a case's paid total is a correlated subquery (no join, so no
row multiplication), register totals are two GROUP BY queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lindung.accounts import scoping
from lindung.claims import benefits
from lindung.claims.models import (
    Claim,
    ClaimBenefit,
    ClaimComponent,
    ClaimDocument,
    ClaimEvent,
    ClaimHeir,
    ClaimStatus,
)
from lindung.claims.services import coverage_window, paid_months_of
from lindung.contributions.payments import PaidState, coverage_months
from lindung.engine.budget import format_rupiah
from lindung.membership.models import Membership

_DIGITS = re.compile(r"[0-9][0-9 .\-]*")


def _component_sum(column: str) -> Coalesce:
    total = (
        ClaimComponent.objects.filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(0), output_field=IntegerField())


def claims_for(
    user: object,
    *,
    programme_id: int | None = None,
    status: str = "",
    benefit: str = "",
    area: str = "",
    since: date | None = None,
    until: date | None = None,
    q: str = "",
) -> QuerySet[Claim]:
    """The cases `user` may see, newest event first, with `paid_total` and
    `expected_total` per case. `area` is a kecamatan or village code; `since`/`until`
    bound the event date; `q` of digits is a NIK or KPJ prefix, anything else part of the
    member's name."""
    claims = scoping.visible(
        user,
        Claim.objects.select_related(
            "membership__village__parent", "membership__programme", "created_by"
        ),
    )
    if programme_id is not None:
        claims = claims.filter(membership__programme_id=programme_id)
    if status:
        claims = claims.filter(status=status)
    if benefit:
        claims = claims.filter(benefit=benefit)
    if area:
        claims = claims.filter(scoping.area_q("membership__village", area))
    if since is not None:
        claims = claims.filter(event_date__gte=since)
    if until is not None:
        claims = claims.filter(event_date__lte=until)
    q = q.strip()
    if _DIGITS.fullmatch(q):
        digits = re.sub(r"[ .\-]", "", q)
        claims = claims.filter(membership__nik__startswith=digits) | claims.filter(
            membership__kpj__startswith=digits
        )
    elif q:
        claims = claims.filter(membership__name__icontains=q)
    return claims.annotate(
        paid_total=_component_sum("paid_amount"), expected_total=_component_sum("expected_amount")
    ).order_by("-event_date", "-id")


def claim_for(user: object, pk: int) -> Claim | None:
    """One case, or None when it does not exist *or* lies outside the user's area."""
    found = scoping.visible(
        user,
        Claim.objects.select_related(
            "membership__village__parent",
            "membership__programme",
            "membership__determination",
            "created_by",
        ).filter(pk=pk),
    )
    return found.first()


def heirs_of(claim: Claim) -> QuerySet[ClaimHeir]:
    return claim.heirs.order_by("id")


def events_of(claim: Claim) -> QuerySet[ClaimEvent]:
    return claim.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class DocumentLine:
    code: str
    label: str
    required: bool
    received_on: date | None
    note: str


def documents_of(claim: Claim) -> list[DocumentLine]:
    """The checklist with the labels of `benefits` (translated where shown)."""
    rows: QuerySet[ClaimDocument] = claim.documents.order_by("id")
    return [
        DocumentLine(d.code, _(benefits.document_label(d.code)), d.required, d.received_on, d.note)
        for d in rows
    ]


@dataclass(frozen=True)
class ComponentLine:
    kind: str
    label: str
    expected: int | None
    cap: int | None
    rule_note: str
    paid: int | None
    paid_on: date | None
    note: str

    @property
    def over_cap(self) -> bool:
        return benefits.over_cap(self.kind, self.paid)

    @property
    def differs(self) -> bool:
        """Paid, and not what the regulation fixes: worth checking BPJS's letter."""
        return self.expected is not None and self.paid is not None and self.paid != self.expected


def components_of(claim: Claim) -> list[ComponentLine]:
    rows: QuerySet[ClaimComponent] = claim.components.order_by("id")
    lines = []
    for c in rows:
        rule = benefits.RULES.get(c.kind)
        lines.append(
            ComponentLine(
                c.kind,
                c.get_kind_display(),
                c.expected_amount,
                rule.cap if rule else None,
                _(rule.note) if rule else "",
                c.paid_amount,
                c.paid_on,
                c.note,
            )
        )
    return lines


# -- eligibility hint ------------------------------------------------------------------------


class Hint:
    PAID = "paid"
    PARTLY = "partly"
    UNPAID = "unpaid"
    DRAFT = "draft"
    NOT_BILLED = "not_billed"
    CREDITED = "credited"
    NOT_REGISTERED = "not_registered"
    OUTSIDE = "outside"


@dataclass(frozen=True)
class EligibilityHint:
    code: str
    ok: bool
    message: str
    month: date


def eligibility_hint(claim: Claim) -> EligibilityHint:
    """Was the member covered, and their contribution billed and paid, for the month of the
    event? A hint for the officer before the case goes to BPJS, not BPJS's decision."""
    membership = claim.membership
    month = claim.event_date.replace(day=1)
    label = date_format(month, "F Y")
    start, end = coverage_window(membership)
    if start is None:
        return EligibilityHint(
            Hint.NOT_REGISTERED,
            False,
            _("Peserta belum terdaftar di BPJS; BPJS kemungkinan menolak klaim ini."),
            month,
        )
    if claim.event_date < start or (end is not None and claim.event_date > end):
        return EligibilityHint(
            Hint.OUTSIDE,
            False,
            _(
                "Tanggal kejadian di luar masa kepesertaan (mulai %(start)s%(end)s); "
                "periksa tanggalnya."
            )
            % {
                "start": date_format(start, "j F Y"),
                "end": _(", berakhir %(day)s") % {"day": date_format(end, "j F Y")} if end else "",
            },
            month,
        )
    found = next((m for m in coverage_months(membership) if m.month == month), None)
    if found is None:
        return EligibilityHint(
            Hint.NOT_BILLED,
            False,
            _(
                "Iuran bulan %(month)s belum ditagihkan untuk peserta ini; pastikan bulan "
                "itu ditagih dan dibayar sebelum klaim diajukan."
            )
            % {"month": label},
            month,
        )
    if found.amount <= 0:
        return EligibilityHint(
            Hint.CREDITED,
            False,
            _("Iuran bulan %(month)s dikoreksi menjadi Rp0: peserta tidak dibayari bulan itu.")
            % {"month": label},
            month,
        )
    if not found.approved:
        return EligibilityHint(
            Hint.DRAFT,
            False,
            _("Tagihan bulan %(month)s masih draf; setujui dan bayar tagihannya.")
            % {"month": label},
            month,
        )
    if found.paid == PaidState.FULL:
        return EligibilityHint(
            Hint.PAID,
            True,
            _("Iuran bulan %(month)s (%(amount)s) sudah ditagih dan dibayar lunas.")
            % {"month": label, "amount": format_rupiah(found.amount)},
            month,
        )
    if found.paid == PaidState.PARTLY:
        return EligibilityHint(
            Hint.PARTLY,
            False,
            _("Tagihan bulan %(month)s baru dibayar sebagian; lunasi sebelum klaim diajukan.")
            % {"month": label},
            month,
        )
    return EligibilityHint(
        Hint.UNPAID,
        False,
        _(
            "Iuran bulan %(month)s sudah ditagih tetapi belum dibayar; pastikan SP2D terbit "
            "sebelum klaim diajukan."
        )
        % {"month": label},
        month,
    )


def paid_months(claim: Claim) -> int:
    """Months of contributions paid in full for the member (the scholarship rule)."""
    return paid_months_of(claim.membership)


# -- totals ----------------------------------------------------------------------------------


@dataclass
class TotalsRow:
    count: int = 0
    paid: int = 0


@dataclass
class RegisterTotals:
    """Counts and paid amounts by benefit and status, and paid amounts by component."""

    cells: dict[tuple[str, str], TotalsRow] = field(default_factory=dict)
    by_component: dict[str, int] = field(default_factory=dict)

    def cell(self, benefit: str, status: str) -> TotalsRow:
        return self.cells.get((benefit, status), TotalsRow())

    def benefit_total(self, benefit: str) -> TotalsRow:
        rows = [r for (b, _s), r in self.cells.items() if b == benefit]
        return TotalsRow(sum(r.count for r in rows), sum(r.paid for r in rows))

    def status_total(self, status: str) -> TotalsRow:
        rows = [r for (_b, s), r in self.cells.items() if s == status]
        return TotalsRow(sum(r.count for r in rows), sum(r.paid for r in rows))

    @property
    def count(self) -> int:
        return sum(r.count for r in self.cells.values())

    @property
    def paid(self) -> int:
        return sum(r.paid for r in self.cells.values())

    def table(self) -> list[tuple[str, str, list[TotalsRow], TotalsRow]]:
        """(benefit, label, a cell per status, the benefit's total) for the pages."""
        return [
            (
                benefit,
                str(label),
                [self.cell(benefit, status) for status in ClaimStatus.values],
                self.benefit_total(benefit),
            )
            for benefit, label in ClaimBenefit.choices
        ]

    def status_totals(self) -> list[TotalsRow]:
        return [self.status_total(status) for status in ClaimStatus.values]

    def as_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "paid": self.paid,
            "by_benefit": {
                b: {
                    "count": self.benefit_total(b).count,
                    "paid": self.benefit_total(b).paid,
                    "by_status": {
                        s: self.cell(b, s).count
                        for s in ClaimStatus.values
                        if self.cell(b, s).count
                    },
                }
                for b in ClaimBenefit.values
            },
            "by_component": self.by_component,
        }


def register_totals(claims: QuerySet[Claim]) -> RegisterTotals:
    """Totals of `claims` (already scoped and filtered): one query for the counts, one for
    the amounts (components grouped by their case's benefit and status, and by kind)."""
    totals = RegisterTotals()
    counts = claims.order_by().values("benefit", "status").annotate(n=Count("id"))
    for row in counts:
        totals.cells[(row["benefit"], row["status"])] = TotalsRow(count=row["n"])
    ids = claims.order_by().values("pk")
    amounts = (
        ClaimComponent.objects.filter(claim__in=ids, paid_amount__isnull=False)
        .order_by()
        .values("claim__benefit", "claim__status", "kind")
        .annotate(paid=Sum("paid_amount"))
    )
    for row in amounts:
        cell = totals.cells.setdefault((row["claim__benefit"], row["claim__status"]), TotalsRow())
        cell.paid += int(row["paid"])
        totals.by_component[row["kind"]] = totals.by_component.get(row["kind"], 0) + int(
            row["paid"]
        )
    return totals


# -- opening a case --------------------------------------------------------------------------


def members_to_claim_for(user: object, q: str, *, limit: int = 20) -> list[Membership]:
    """Members `user` may report a case for, found by name or NIK/KPJ prefix: registered
    at BPJS at some point (active or ended), newest coverage first."""
    members = scoping.visible(
        user,
        Membership.objects.select_related("village__parent", "programme").filter(
            coverage_start__isnull=False
        ),
    )
    q = q.strip()
    if not q:
        return []
    if _DIGITS.fullmatch(q):
        digits = re.sub(r"[ .\-]", "", q)
        members = members.filter(nik__startswith=digits) | members.filter(kpj__startswith=digits)
    else:
        members = members.filter(name__icontains=q)
    return list(members.order_by("name", "id")[:limit])


def member_to_claim_for(user: object, membership_id: int) -> Membership | None:
    """One member for the open form, or None when outside the user's area."""
    found = scoping.visible(
        user,
        Membership.objects.select_related("village__parent", "programme", "determination"),
    )
    return found.filter(pk=membership_id).first()

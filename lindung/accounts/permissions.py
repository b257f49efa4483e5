"""What each role may do: one table, read by views, services and templates.

Capabilities say *what* a user may do; the area scope (`scoping.visible`) says *where*.
Both apply: a desa operator who may edit people edits only the people of their village,
because every queryset they reach is limited by `scoping.visible` first.

Full NIK (UU PDP 27/2022: show personal data only to those whose work needs it):
- admin, manager and verifier (Dinas) check NIKs against Disdukcapil and decide on them;
- the BPJS liaison registers people with BPJS, which needs the full NIK;
- desa and kecamatan operators type the NIK from the KTP themselves and must be able to
  correct it, so they may see it too; since they only ever reach people inside their own
  scope, they see the full NIK only of people of their own village or district;
- finance, auditor and leadership see masked NIKs (`1705********0003`): bills, audits and
  dashboards do not need the number itself.
Lists always show masked NIKs; the full NIK is revealed one person at a time, on request,
and every reveal or unmasked export writes an AuditEvent.

Auditor and leadership are read-only: they hold no write capability, and
`has_capability` refuses write capabilities to them even if the table said otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from lindung.accounts.models import Role

VIEW_PEOPLE = "view_people"
VIEW_FULL_NIK = "view_full_nik"
EDIT_PEOPLE = "edit_people"
EXPORT_PERSONAL_DATA = "export_personal_data"
VIEW_AUDIT_LOG = "view_audit_log"
MANAGE_USERS = "manage_users"
VIEW_PROGRAMMES = "view_programmes"
MANAGE_PROGRAMMES = "manage_programmes"
MANAGE_BUDGET = "manage_budget"
VIEW_PROPOSALS = "view_proposals"
PROPOSE = "propose"
VIEW_REFERENCES = "view_references"
IMPORT_REFERENCES = "import_references"
RUN_VERIFICATION = "run_verification"
REVIEW_KECAMATAN = "review_kecamatan"
DECIDE_PROPOSALS = "decide_proposals"
VIEW_MEMBERS = "view_members"
DETERMINE = "determine"
MANAGE_DECREES = "manage_decrees"
REGISTER_MEMBERS = "register_members"
END_MEMBERSHIPS = "end_memberships"
VIEW_BILLS = "view_bills"
MANAGE_BILLS = "manage_bills"
RECONCILE_INVOICES = "reconcile_invoices"
RECORD_PAYMENTS = "record_payments"
VIEW_CLAIMS = "view_claims"
REPORT_CLAIMS = "report_claims"
MANAGE_CLAIMS = "manage_claims"
VIEW_DASHBOARD = "view_dashboard"

WRITE_CAPABILITIES = frozenset(
    {
        EDIT_PEOPLE,
        MANAGE_USERS,
        MANAGE_PROGRAMMES,
        MANAGE_BUDGET,
        PROPOSE,
        IMPORT_REFERENCES,
        RUN_VERIFICATION,
        REVIEW_KECAMATAN,
        DECIDE_PROPOSALS,
        DETERMINE,
        MANAGE_DECREES,
        REGISTER_MEMBERS,
        END_MEMBERSHIPS,
        MANAGE_BILLS,
        RECONCILE_INVOICES,
        RECORD_PAYMENTS,
        REPORT_CLAIMS,
        MANAGE_CLAIMS,
    }
)
READ_ONLY_ROLES = frozenset({Role.AUDITOR, Role.LEADERSHIP})

_ALL_ROLES = frozenset(Role)
ROLE_CAPABILITIES: dict[str, frozenset[Role]] = {
    VIEW_PEOPLE: _ALL_ROLES,
    VIEW_FULL_NIK: frozenset(
        {Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.BPJS, Role.KECAMATAN, Role.DESA}
    ),
    EDIT_PEOPLE: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.KECAMATAN, Role.DESA}),
    # The auditor exports too (BPK asks for lists), but masked: they lack VIEW_FULL_NIK.
    EXPORT_PERSONAL_DATA: frozenset(
        {Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.BPJS, Role.AUDITOR}
    ),
    VIEW_AUDIT_LOG: frozenset({Role.ADMIN, Role.AUDITOR}),
    MANAGE_USERS: frozenset({Role.ADMIN}),
    # Everyone reads the programme rules they work under; the Dinas sets them up and finance
    # keeps the budget lines.
    VIEW_PROGRAMMES: _ALL_ROLES,
    MANAGE_PROGRAMMES: frozenset({Role.ADMIN, Role.MANAGER}),
    MANAGE_BUDGET: frozenset({Role.ADMIN, Role.MANAGER, Role.FINANCE}),
    # Villages and kecamatan propose for their own area; the Dinas for many villages at once.
    # Finance and the BPJS liaison work on members, not on proposals.
    VIEW_PROPOSALS: _ALL_ROLES - {Role.FINANCE, Role.BPJS},
    PROPOSE: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.KECAMATAN, Role.DESA}),
    # Reference extracts (DTSEN, BPJS participants, exclusions) are the Dinas's and the BPJS
    # liaison's to load; the auditor reads which extract a decision rested on.
    VIEW_REFERENCES: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.BPJS, Role.AUDITOR}),
    IMPORT_REFERENCES: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.BPJS}),
    # The Dinas runs the automatic checks and decides; the kecamatan forwards its villages'
    # proposals to the Dinas or returns them to the village.
    RUN_VERIFICATION: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER}),
    REVIEW_KECAMATAN: frozenset({Role.ADMIN, Role.KECAMATAN}),
    DECIDE_PROPOSALS: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER}),
    # Members: everyone sees those of their own area (a village its own people); the Dinas
    # manager determines and records the Bupati's decree; registration files go between the
    # Dinas and the BPJS liaison; the Dinas ends memberships (deaths, moves, age limits).
    VIEW_MEMBERS: _ALL_ROLES,
    DETERMINE: frozenset({Role.ADMIN, Role.MANAGER}),
    MANAGE_DECREES: frozenset({Role.ADMIN, Role.MANAGER}),
    REGISTER_MEMBERS: frozenset({Role.ADMIN, Role.MANAGER, Role.BPJS}),
    END_MEMBERSHIPS: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER}),
    # Money: the Dinas drafts and approves the monthly bill with finance; BPJS's invoice is
    # checked by them and the BPJS liaison; finance records the SP2D. Auditors and leaders
    # read it all; villages and kecamatan have no part in the money.
    VIEW_BILLS: frozenset(
        {Role.ADMIN, Role.MANAGER, Role.FINANCE, Role.BPJS, Role.AUDITOR, Role.LEADERSHIP}
    ),
    MANAGE_BILLS: frozenset({Role.ADMIN, Role.MANAGER, Role.FINANCE}),
    RECONCILE_INVOICES: frozenset({Role.ADMIN, Role.MANAGER, Role.FINANCE, Role.BPJS}),
    RECORD_PAYMENTS: frozenset({Role.ADMIN, Role.FINANCE}),
    # Claims: a village or kecamatan reports an accident or a death of its members; the Dinas
    # and the BPJS liaison gather the documents and follow the case with BPJS; finance,
    # auditors and leaders read the register (what the money bought).
    VIEW_CLAIMS: _ALL_ROLES,
    REPORT_CLAIMS: frozenset(
        {Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.BPJS, Role.KECAMATAN, Role.DESA}
    ),
    MANAGE_CLAIMS: frozenset({Role.ADMIN, Role.MANAGER, Role.VERIFIER, Role.BPJS}),
    # Everyone sees the dashboard of their own area (scoped like everything else); the money
    # figures on it follow VIEW_BILLS.
    VIEW_DASHBOARD: _ALL_ROLES,
}


def has_capability(user: object, capability: str) -> bool:
    """True when `user` is signed in, active, and their role grants `capability`."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    role = getattr(user, "role", "")
    if role in READ_ONLY_ROLES and capability in WRITE_CAPABILITIES:
        return False
    return role in ROLE_CAPABILITIES[capability]


def capabilities_of(user: object) -> frozenset[str]:
    """Every capability `user` holds, for templates (`{% if 'edit_people' in caps %}`)."""
    return frozenset(cap for cap in ROLE_CAPABILITIES if has_capability(user, cap))


def forbidden(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """The 403 page, in Indonesian, saying what is missing."""
    text = message or _("Peran Anda tidak mempunyai izin untuk membuka halaman ini.")
    return render(request, "accounts/forbidden.html", {"message": text}, status=403)


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def requires(capability: str) -> Callable[[V], V]:
    """View decorator: sign-in first (redirect to the login page), then `capability` (403)."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_capability(request.user, capability):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return cast(V, login_required(wrapped))

    return decorator

"""Opening claims. A JKM case opens when a member's death is confirmed (`membership_end`
with reason death); the rest of the claims work (heirs, BPJS status, amounts) builds on it.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from lindung.accounts.models import User
from lindung.claims.models import Claim, ClaimBenefit
from lindung.membership.models import Membership


def claim_open_jkm(
    *, actor: User | None, membership: Membership, event_date: date, note: str = ""
) -> Claim:
    """The member's JKM case, opened now or the one already open: a person dies once, and
    the partial unique index on (membership) for JKM makes that hold under concurrency."""
    existing = Claim.objects.filter(membership=membership, benefit=ClaimBenefit.JKM).first()
    if existing is not None:
        return existing
    try:
        # A savepoint, so a lost race leaves the caller's transaction usable.
        with transaction.atomic():
            return Claim.objects.create(
                membership=membership,
                benefit=ClaimBenefit.JKM,
                event_date=event_date,
                note=note,
                created_by=actor,
            )
    except IntegrityError:
        return Claim.objects.get(membership=membership, benefit=ClaimBenefit.JKM)

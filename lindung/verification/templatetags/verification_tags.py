"""`{% proposal_findings proposal %}`: a proposal's verification results on any page, with the
Dinas's decision buttons for those who may decide."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.proposals.models import Proposal
from lindung.verification import selectors
from lindung.verification.models import Finding

register = template.Library()


@register.inclusion_tag("verification/_proposal_findings.html", takes_context=True)
def proposal_findings(context: template.Context, proposal: Proposal) -> dict[str, Any]:
    findings = Finding.objects.filter(proposal=proposal, current=True).select_related("resolved_by")
    proposal.current_findings = list(findings.order_by("id"))  # type: ignore[attr-defined]
    selectors.attach_evidence([proposal])
    return {"proposal": proposal, "caps": context.get("caps"), "request": context.get("request")}

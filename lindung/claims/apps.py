from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    label = "claims"
    verbose_name = _("Klaim")

    def ready(self) -> None:
        from lindung.accounts import scoping
        from lindung.audit.display import register_codes, register_money
        from lindung.claims import benefits, models

        # A change of a benefit's amount keeps the amount before it under "before".
        register_money("claim", "before")
        register_codes("claim", "benefit", models.ClaimBenefit.choices)
        register_codes("claim", "from_status", models.ClaimStatus.choices)
        register_codes("claim", "to_status", models.ClaimStatus.choices)
        register_codes("claim", "source", models.ClaimSource.choices)
        register_codes("claim", "relation", models.HeirRelation.choices)
        register_codes("claim", "kind", models.ClaimComponentKind.choices)
        documents = {rule.code for rules in benefits.DOCUMENTS.values() for rule in rules}
        register_codes(
            "claim", "codes", [(c, _(benefits.document_label(c))) for c in sorted(documents)]
        )

        # A case belongs to its member's village, like the member.
        scoping.register(self.get_model("Claim"), "membership__village")
        for model in ("ClaimHeir", "ClaimDocument", "ClaimComponent", "ClaimEvent"):
            scoping.register(self.get_model(model), "claim__membership__village")

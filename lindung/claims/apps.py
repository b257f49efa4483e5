from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    label = "claims"
    verbose_name = _("Klaim")

    def ready(self) -> None:
        from lindung.accounts import scoping

        # A case belongs to its member's village, like the member.
        scoping.register(self.get_model("Claim"), "membership__village")
        for model in ("ClaimHeir", "ClaimDocument", "ClaimComponent", "ClaimEvent"):
            scoping.register(self.get_model(model), "claim__membership__village")

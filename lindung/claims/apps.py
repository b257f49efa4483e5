from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    label = "claims"
    verbose_name = _("Klaim")

    def ready(self) -> None:
        from lindung.accounts import scoping

        scoping.register(self.get_model("Claim"), "membership__village")

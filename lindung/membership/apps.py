from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "lindung.membership"
    label = "membership"
    verbose_name = _("Kepesertaan")

    def ready(self) -> None:
        from lindung.accounts import scoping

        # A member belongs to the village that proposed them; what applies to a whole
        # programme (a determination, a decree, a BPJS file) to the programme's owner.
        for model in ("Membership", "WaitingEntry"):
            scoping.register(self.get_model(model), "village")
        for model in ("MembershipEvent", "DecreeEntry", "ExitCandidate"):
            scoping.register(self.get_model(model), "membership__village")
        for model in ("Determination", "Decree", "RegistrationExport", "RegistrationImport"):
            scoping.register(self.get_model(model), "programme__owner", covering=True)
        scoping.register(
            self.get_model("RegistrationRow"), "upload__programme__owner", covering=True
        )

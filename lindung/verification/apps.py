from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "lindung.verification"
    label = "verification"
    verbose_name = _("Verifikasi usulan")

    def ready(self) -> None:
        from lindung.accounts import scoping

        # A run belongs to the area it checked (the batch's area, or the programme's for a
        # whole period); a finding to the village of the proposal it is about.
        scoping.register(self.get_model("VerificationRun"), "area")
        scoping.register(self.get_model("Finding"), "proposal__village")

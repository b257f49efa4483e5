from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "lindung.proposals"
    label = "proposals"
    verbose_name = _("Usulan")

    def ready(self) -> None:
        from lindung.accounts import scoping

        # A batch belongs to the area it was sent for (a village, or the Dinas's regency);
        # a proposal to the village that proposed it, whoever typed it in.
        scoping.register(self.get_model("Batch"), "area")
        scoping.register(self.get_model("ProposalRow"), "batch__area")
        scoping.register(self.get_model("Proposal"), "village")
        scoping.register(self.get_model("ProposalEvent"), "proposal__village")

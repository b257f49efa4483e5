from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "lindung.programs"
    label = "programs"
    verbose_name = _("Program")

    def ready(self) -> None:
        from lindung.accounts import scoping

        # A programme applies to everything inside its owner area: covering rows.
        scoping.register(self.get_model("Programme"), "owner", covering=True)
        for child in ("RateSchedule", "RateAdjustment", "BudgetLine", "ProposalPeriod"):
            scoping.register(self.get_model(child), "programme__owner", covering=True)

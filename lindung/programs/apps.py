from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "lindung.programs"
    label = "programs"
    verbose_name = _("Program")

    def ready(self) -> None:
        from lindung.accounts import scoping
        from lindung.audit.display import register_names
        from lindung.programs.models import BudgetLine, Programme

        def programme_names(ids: set[int]) -> dict[int, str]:
            return dict(Programme.objects.filter(pk__in=ids).values_list("pk", "name"))

        def line_names(ids: set[int]) -> dict[int, str]:
            return {line.pk: str(line) for line in BudgetLine.objects.filter(pk__in=ids)}

        register_names("programme", programme_names)
        register_names("programme_id", programme_names)
        register_names("budget_line", line_names)

        # A programme applies to everything inside its owner area: covering rows.
        scoping.register(self.get_model("Programme"), "owner", covering=True)
        for child in ("RateSchedule", "RateAdjustment", "BudgetLine", "ProposalPeriod"):
            scoping.register(self.get_model(child), "programme__owner", covering=True)

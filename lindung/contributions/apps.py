from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "lindung.contributions"
    label = "contributions"
    verbose_name = _("Iuran")

    def ready(self) -> None:
        from lindung.accounts import scoping
        from lindung.audit.display import register_codes
        from lindung.contributions.models import DifferenceKind, Resolution

        register_codes("invoice_difference", "kind", DifferenceKind.choices)
        register_codes("invoice_difference", "resolution", Resolution.choices)
        register_codes("invoice", "resolution", Resolution.choices)

        # Bills, invoices and payments are the programme's: they cover the owner's area.
        # A bill line belongs to its member's village, so a line list is scoped like members.
        for model in ("Bill", "Invoice", "Payment", "BudgetWarning"):
            scoping.register(self.get_model(model), "programme__owner", covering=True)
        scoping.register(self.get_model("BillLine"), "village")
        scoping.register(
            self.get_model("InvoiceDifference"), "invoice__programme__owner", covering=True
        )
        scoping.register(
            self.get_model("PaymentAllocation"), "payment__programme__owner", covering=True
        )

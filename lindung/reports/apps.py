from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lindung.reports"
    label = "reports"
    verbose_name = _("Laporan")

    def ready(self) -> None:
        from lindung.accounts import scoping

        # The kept member counts belong to their village or kecamatan, like the members.
        scoping.register(self.get_model("MemberCount"), "village")
        scoping.register(self.get_model("MemberBirthCount"), "district")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferencesConfig(AppConfig):
    name = "lindung.references"
    label = "references"
    verbose_name = _("Data pembanding")

    def ready(self) -> None:
        from lindung.accounts import scoping

        scoping.register(self.get_model("Snapshot"), "area")
        scoping.register(self.get_model("ReferenceRecord"), "snapshot__area")
        scoping.register(self.get_model("RejectedRecord"), "snapshot__area")

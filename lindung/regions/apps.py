from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "lindung.regions"
    label = "regions"
    verbose_name = _("Wilayah")

    def ready(self) -> None:
        from lindung.accounts import scoping

        scoping.register(self.get_model("Region"), "code")

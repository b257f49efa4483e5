from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lindung.people"
    label = "people"
    verbose_name = _("Orang")

    def ready(self) -> None:
        from lindung.accounts import scoping

        scoping.register(self.get_model("Person"), "village")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "lindung.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # drf-spectacular finds the token scheme's description when its module is loaded.
        from lindung.api import authentication  # noqa: F401

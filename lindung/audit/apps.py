from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lindung.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from lindung.accounts import scoping
        from lindung.audit import signals  # noqa: F401  (connects the receivers)

        # An event belongs to the area of the user who caused it, so a regency's auditor
        # reads what that regency's staff did. Events without a scoped actor (failed sign-ins,
        # nationwide admins) are seen only by nationwide readers.
        scoping.register(self.get_model("AuditEvent"), "actor__scope__code")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    label = "accounts"

    def ready(self) -> None:
        from lindung.accounts.models import Role
        from lindung.audit.display import register_codes

        register_codes("user", "role", Role.choices)
        register_codes(
            "user",
            "change",
            [
                ("create", _("akun dibuat")),
                ("scope", _("wilayah kerja diubah")),
                ("deactivate", _("akun dinonaktifkan")),
                ("admin_edit", _("diubah lewat halaman admin")),
            ],
        )

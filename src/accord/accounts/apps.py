from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accord.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accord.accounts import security  # noqa: F401 -- connects the sign-in receiver

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "satisfaction"
    verbose_name = _("Satisfaction")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import Account
        from satisfaction import receivers

        # Every new account gets the standard reasons, however it was made.
        post_save.connect(
            receivers.on_account_saved, sender=Account, dispatch_uid="satisfaction.account_saved"
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Escalations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import Account
        from escalations import receivers

        # Every new account gets the default stages, however it was made.
        post_save.connect(
            receivers.on_account_saved, sender=Account, dispatch_uid="escalations.account_saved"
        )

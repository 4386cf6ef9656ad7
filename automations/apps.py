from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "automations"
    verbose_name = "Automations"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import Account
        from automations import receivers

        post_save.connect(
            receivers.on_account_saved, sender=Account, dispatch_uid="automations.account_saved"
        )

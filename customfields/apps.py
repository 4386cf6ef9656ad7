from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _install_default_fields(sender, instance, created, raw=False, **kwargs) -> None:
    """Every new account starts with the seeds' fields (Root cause, Impact, Product
    family): ordinary rows an admin can edit or delete."""
    if created and not raw:
        from accounts.dbsession import account_context
        from customfields.defaults import fields_install_defaults

        with account_context(instance):
            fields_install_defaults(account=instance)


class CustomfieldsConfig(AppConfig):
    name = "customfields"
    verbose_name = _("Custom fields")

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import Account

        post_save.connect(
            _install_default_fields, sender=Account, dispatch_uid="customfields.default_fields"
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosingConfig(AppConfig):
    """Seed 003's "Close" and "Explain & Close": the admins' close reasons, and each
    explained closing's reason and root cause, stored to be grouped in a report."""

    name = "closing"
    verbose_name = _("Closing")
    default_auto_field = "django.db.models.BigAutoField"

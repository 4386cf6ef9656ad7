from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimeworkedConfig(AppConfig):
    name = "timeworked"
    verbose_name = _("Time worked")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimeworkedConfig(AppConfig):
    name = "timeworked"
    verbose_name = _("Time worked")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tickets.reply_extras import register_reply_handler
        from timeworked.services import reply_time

        register_reply_handler(reply_time)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    name = "assist"
    verbose_name = _("Writing help")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assist import sentiment
        from tickets.events import ticket_changed

        ticket_changed.connect(sentiment.on_ticket_changed, dispatch_uid="assist.sentiment")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from knowledge import receivers
        from tickets.events import ticket_changed

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="knowledge.deflections")

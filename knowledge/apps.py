from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from knowledge import hc_views, receivers
        from portal import public_home
        from tickets.events import ticket_changed

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="knowledge.deflections")
        # /hc/ for anonymous visitors: the knowledge base's home when there is one.
        public_home.register(hc_views.public_home)

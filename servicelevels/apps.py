from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicelevelsConfig(AppConfig):
    name = "servicelevels"
    verbose_name = _("Service levels")

    def ready(self):
        from servicelevels import receivers
        from tickets.events import ticket_changed

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="servicelevels.sla")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicelevelsConfig(AppConfig):
    name = "servicelevels"
    verbose_name = _("Service levels")

    def ready(self):
        from api.includes import register_ticket_include
        from servicelevels import receivers
        from servicelevels.api import slas_for_tickets
        from tickets.events import ticket_changed

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="servicelevels.sla")
        register_ticket_include("slas", slas_for_tickets)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import person_erasing, person_exporting
        from chat import topics
        from chat.services import erasure
        from tickets.events import retention_expiring, tickets_deleting

        topics.register()
        person_erasing.connect(erasure.on_person_erasing, dispatch_uid="chat.erasure")
        person_exporting.connect(erasure.on_person_exporting, dispatch_uid="chat.erasure")
        tickets_deleting.connect(erasure.on_tickets_deleting, dispatch_uid="chat.erasure")
        retention_expiring.connect(erasure.on_retention_expiring, dispatch_uid="chat.erasure")

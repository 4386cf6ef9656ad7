from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        # "Notify webhook" joins the triggers' and automations' action vocabulary here,
        # so both editors offer it and both rule runners perform it.
        from notifications.triggers import register_action
        from webhooks.rule_action import NOTIFY_WEBHOOK, notify_webhook_action

        register_action(NOTIFY_WEBHOOK, notify_webhook_action)

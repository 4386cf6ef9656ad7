from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import Account
        from accounts.signals import account_created, account_email, person_erasing
        from notifications import checks, privacy, receivers  # noqa: F401 - registers system checks
        from tickets.events import ticket_changed

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="notifications.triggers")
        from notifications.audit_events import trigger_notifications
        from tickets.audit_extras import register_reader

        register_reader(trigger_notifications)  # the audits' Notification events
        account_created.connect(
            receivers.on_account_created, dispatch_uid="notifications.account_created"
        )
        account_email.connect(
            receivers.on_account_email, dispatch_uid="notifications.account_email"
        )
        person_erasing.connect(privacy.on_person_erasing, dispatch_uid="notifications.privacy")
        # Accounts made any other way (the operators' admin, factories) get them too.
        post_save.connect(
            receivers.on_account_saved, sender=Account, dispatch_uid="notifications.account_saved"
        )
        from anymail.signals import inbound, tracking
        from celery.signals import worker_process_shutdown

        from notifications.mailer import on_worker_process_shutdown

        inbound.connect(receivers.on_inbound_email, dispatch_uid="notifications.inbound")
        tracking.connect(receivers.on_tracking_event, dispatch_uid="notifications.tracking")
        worker_process_shutdown.connect(
            on_worker_process_shutdown, dispatch_uid="notifications.mail_connection"
        )

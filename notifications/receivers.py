"""Signal receivers wired in NotificationsConfig.ready()."""

from __future__ import annotations

from notifications import services


def on_ticket_changed(sender, change, **kwargs) -> None:
    services.ticket_changed_receiver(sender, change)


def on_account_created(sender, account, **kwargs) -> None:
    services.triggers_install_defaults(account=account)


def on_account_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from accounts.dbsession import account_context

        # A brand-new account: its rows are written while working for it (RLS).
        with account_context(instance):
            services.triggers_install_defaults(account=instance)


def on_account_email(sender, account, user, kind, subject, body_text, body_html="", **kwargs):
    from notifications.account_emails import account_email_queue

    return account_email_queue(
        account=account,
        user=user,
        kind=kind,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
    )


def on_inbound_email(sender, event, esp_name, **kwargs) -> None:
    from helpdesk.metrics import INBOUND_MESSAGES
    from notifications.inbound import email_receive

    result = email_receive(message=event.message, esp_name=esp_name, event_id=event.event_id)
    INBOUND_MESSAGES.labels(outcome=str(result.outcome)).inc()


def on_tracking_event(sender, event, esp_name, **kwargs) -> None:
    from notifications.suppressions import tracking_event_receive

    tracking_event_receive(event=event, esp_name=esp_name)

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


# Nothing queues this any more: account emails are outbox rows (accounts.signals.
# account_email, written by notifications.account_emails). Kept for one release so that
# messages queued before the upgrade are still sent rather than dropped as unregistered.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)  # outbox-exempt: legacy
    if html:
        message.attach_alternative(html, "text/html")
    message.send()

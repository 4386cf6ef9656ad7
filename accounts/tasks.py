from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def email_send_after_commit(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    """Account emails (password reset) leave after the transaction commits, via Celery."""
    transaction.on_commit(lambda: email_send.delay(subject=subject, body=body, to=to, html=html))

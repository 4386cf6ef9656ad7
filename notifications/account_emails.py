"""Emails the accounts app writes to one of an account's users (password reset), put on
the same outbox as ticket notifications: a row in the caller's transaction, sent after
commit, swept if the broker was down, sent once, listed in the admin's delivery log."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Account, User
from notifications.addresses import from_address
from notifications.models import Delivery
from notifications.outbox import enqueue_after_commit
from tickets.text import clean_subject

KINDS = {
    "password_reset": Delivery.Kind.PASSWORD_RESET,
    "invite": Delivery.Kind.INVITE,
    "webhook_deactivated": Delivery.Kind.WEBHOOK,
}


@transaction.atomic
def account_email_queue(
    *, account: Account, user: User, kind: str, subject: str, body_text: str, body_html: str = ""
) -> Delivery:
    """The outbox row of one account email to ``user``, handed to Celery after commit."""
    if user.account_id != account.pk:
        raise ValueError("An account email goes to a user of that account only.")
    row = Delivery.objects.create(
        account=account,
        recipient=user,
        kind=KINDS[kind],
        to_email=user.email,
        from_email=from_address(account),
        subject=clean_subject(subject, max_length=255),
        body_text=body_text,
        body_html=body_html,
    )
    enqueue_after_commit([row.pk])
    return row

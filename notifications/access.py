"""The only road from a number in a settings URL to a trigger, a delivery row or a
suppressed address (per-account numbers, as tickets have; never primary keys).

Each answers 404 alike for another account's row and one that does not exist."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Account, User
from notifications.models import Delivery, Notification, Suppression, Trigger


def trigger_for_admin(*, account: Account, number: int) -> Trigger:
    """A trigger of the admin's own account."""
    return get_object_or_404(Trigger.objects.for_account(account), number=number)


def delivery_for_admin(*, account: Account, ref: str) -> Delivery:
    """A delivery row of the admin's own account, by its Message-ID without the angle
    brackets (``Delivery.ref``): unique per account (a constraint, so an index), random
    (uuid4) so not guessable, and no primary key in the URL. 404 for another account's
    row, an unknown one and a malformed ref alike."""
    return get_object_or_404(Delivery.objects.for_account(account), message_id=f"<{ref}>")


def suppression_for_admin(*, account: Account, number: int) -> Suppression:
    """A suppressed address of the admin's own account."""
    return get_object_or_404(Suppression.objects.for_account(account), number=number)


def notification_for_agent(*, viewer: User, number: int) -> Notification:
    """One of the agent's own notifications: 404 for a colleague's, another account's
    and one that does not exist alike."""
    return get_object_or_404(
        Notification.objects.for_account(viewer.account).filter(recipient=viewer), number=number
    )

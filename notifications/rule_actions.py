"""The triggers' actions applied to one ticket by a rule other than a trigger (a
time-based automation, a snoozed ticket waking up): the same field changes, through the
same ticket service, and the same emails, through the same recipients' gate and outbox.
One executor for every kind of rule (notifications.services holds its parts)."""

from __future__ import annotations

from django.db import transaction

from notifications.models import Delivery
from notifications.outbox import enqueue_after_commit
from notifications.recipients import may_receive
from notifications.services import (
    _apply_field_action,
    _Comments,
    _delivery,
    _trigger_recipients,
)
from notifications.triggers import APP_ACTIONS, EMAIL_ACTIONS
from tickets.events import TicketChange
from tickets.models import Channel, Ticket


@transaction.atomic
def rule_actions_apply(*, ticket: Ticket, actions: list[dict], reason: str) -> Ticket:
    """Apply ``actions`` (validated by ``triggers.trigger_clean``) in order, as the system:
    field changes through ``ticket_update`` (each in the Activity, the triggers running on
    it as on any change), emails as outbox rows written in this transaction (``reason``
    names the rule in the delivery log). The ticket as the actions left it."""
    deliveries: list[Delivery] = []
    seen: set[str] = set()
    for action in actions:
        change = TicketChange(ticket=ticket, actor=None, channel=Channel.SYSTEM)
        if action["action"] in APP_ACTIONS:
            APP_ACTIONS[action["action"]].run(
                ticket=ticket,
                action=action,
                actor=None,
                conversation=_Comments(change),
                reason=reason,
            )
            continue
        if action["action"] not in EMAIL_ACTIONS:
            ticket, _changes = _apply_field_action(ticket, action, change)
            continue
        comments = _Comments(change)
        for recipient in _trigger_recipients(action, ticket):
            if recipient.key in seen or not may_receive(
                recipient=recipient, ticket=ticket, change=None
            ):
                continue
            seen.add(recipient.key)
            deliveries.append(
                _delivery(
                    ticket=ticket,
                    recipient=recipient,
                    actor=None,
                    subject=action["subject"],
                    body=action["body"],
                    kind=Delivery.Kind.TRIGGER,
                    comments=comments,
                    reason=reason,
                )
            )
    Delivery.objects.bulk_create(deliveries)
    enqueue_after_commit([d.pk for d in deliveries])
    return ticket

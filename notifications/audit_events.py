"""The emails triggers sent on a ticket, as the Notification events of its audits
(Zendesk's shape: subject, body, recipients' numbers, via the trigger). Registered with
tickets.audit_extras; the API's audits call it once per page of audits."""

from __future__ import annotations

import datetime as dt

from notifications.models import Delivery
from tickets.audit_extras import AuditExtra
from tickets.models import Ticket

SAME_SEND = dt.timedelta(seconds=2)  # one trigger's emails of one change set


def trigger_notifications(ticket: Ticket, start: dt.datetime, end: dt.datetime) -> list[AuditExtra]:
    rows = (
        Delivery.objects.for_account(ticket.account)
        .filter(
            ticket=ticket,
            kind=Delivery.Kind.TRIGGER,
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("trigger", "recipient")
        .order_by("created_at", "id")
    )
    groups: list[list[Delivery]] = []
    for row in rows:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.trigger_id == row.trigger_id
            and row.created_at - last.created_at <= SAME_SEND
        ):
            groups[-1].append(row)
        else:
            groups.append([row])
    return [AuditExtra(at=group[0].created_at, event=_event(group)) for group in groups]


def _event(group: list[Delivery]) -> dict:
    first, trigger = group[0], group[0].trigger
    source = (
        {"from": {"id": trigger.number, "title": trigger.name, "deleted": False}, "rel": "trigger"}
        if trigger is not None
        else {"from": {"deleted": True}, "rel": "trigger"}
    )
    return {
        "id": first.pk,
        "type": "Notification",
        "subject": first.subject,
        "body": first.body_text,
        "recipients": [d.recipient.number for d in group if d.recipient is not None],
        "via": {"channel": "rule", "source": source},
    }

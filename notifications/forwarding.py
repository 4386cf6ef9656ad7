"""An agent forwards a ticket by email (an outbox row per recipient)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import addresses
from notifications.emails import compose
from notifications.models import Delivery
from notifications.outbox import enqueue_after_commit
from notifications.recipients import may_receive, recipient_for_address
from tickets.models import Ticket
from tickets.services import NotAllowed


@transaction.atomic
def ticket_forward(
    *,
    ticket: Ticket,
    actor: User,
    recipients: list[str],
    subject: str,
    message: str,
    include_conversation: bool = True,
    include_history: bool = False,
) -> list[Delivery]:
    """An agent forwards a ticket by email. Internal notes travel only when every
    recipient is an agent of the account; a private ticket goes to agents only."""
    if not actor.is_agent:
        raise NotAllowed(_("Only agents can forward tickets."))
    people = list(
        {
            r.key: r
            for r in (recipient_for_address(account=ticket.account, email=e) for e in recipients)
        }.values()
    )
    if not people:
        raise ValidationError(_("Choose at least one recipient."))
    refused = [r.email for r in people if not may_receive(recipient=r, ticket=ticket, change=None)]
    if refused:
        raise NotAllowed(
            _("This ticket is private: it can be forwarded to agents only (not %(emails)s).")
            % {"emails": ", ".join(refused[:5])}
        )
    all_agents = all(r.is_agent for r in people)
    rows = []
    for recipient in people:
        composed = compose(
            ticket=ticket,
            recipient=recipient,
            actor=actor,
            subject_template=subject,
            body_template=message,
            include_conversation=include_conversation,
            include_history=include_history,
            allow_internal=all_agents,
        )
        rows.append(
            Delivery(
                account_id=ticket.account_id,
                ticket=ticket,
                recipient=recipient.user,
                kind=Delivery.Kind.FORWARD,
                reason=(_("Forwarded by %(name)s") % {"name": actor.name})[:200],
                to_email=recipient.email,
                from_email=addresses.from_address(ticket.account, ticket),
                # Answers go to the agent who forwarded, not into the ticket.
                reply_to=actor.email,
                subject=composed.subject,
                body_text=composed.text,
                body_html=composed.html,
            )
        )
    Delivery.objects.bulk_create(rows)
    enqueue_after_commit([d.pk for d in rows])
    return rows

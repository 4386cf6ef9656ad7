"""Seed 003: "Close" and "Explain & Close" ("motivo della chiusura, commenti, causa
principale"), and the admins' list of close reasons."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account, User
from closing.models import CloseReason, TicketClosure
from closing.selectors import root_cause_field, root_cause_options
from tickets.models import Channel, Ticket
from tickets.services import NotAllowed, ticket_reply, ticket_update
from tickets.services.closing_rule import close_explained


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("A reason needs a title.")})
    return title[:200]


@transaction.atomic
def reason_create(*, account: Account, title: str) -> CloseReason:
    last = CloseReason.objects.for_account(account).order_by("-position").first()
    return CloseReason.objects.create(
        account=account, title=_clean_title(title), position=(last.position + 1 if last else 0)
    )


@transaction.atomic
def reason_update(*, reason: CloseReason, title: str, is_active: bool) -> CloseReason:
    reason.title = _clean_title(title)
    reason.is_active = is_active
    reason.save(update_fields=["title", "is_active"])
    return reason


@transaction.atomic
def ticket_explain_and_close(
    *, ticket: Ticket, actor: User, reason: CloseReason, root_cause: str, explanation: str
) -> TicketClosure:
    """Close ``ticket`` with its explanation, all or nothing: the root cause set on the
    ticket's root-cause field, the explanation sent to the requester as the final public
    reply (the reply service: its comment, trigger emails through the outbox), the status
    Closed, and the reason and root cause stored for the report. Allowed whether or not
    the account requires it; the only road to Closed when it does (closing_rule)."""
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can close tickets."))
    if ticket.is_closed:
        raise NotAllowed(_("This ticket is closed: it takes no more comments."))
    errors = {}
    if reason.account_id != ticket.account_id or not reason.is_active:
        errors["reason"] = _("Choose a close reason from the list.")
    field = root_cause_field(account=ticket.account)
    if root_cause not in {o.value for o in root_cause_options(field=field)}:
        errors["root_cause"] = _("Choose a root cause from the list.")
    explanation = explanation.strip()
    if not explanation:
        errors["explanation"] = _("Explain the closing to the requester.")
    if errors:
        raise ValidationError(errors)
    assert field is not None  # an option was found on it
    with close_explained():
        ticket_update(ticket=ticket, actor=actor, custom_fields={field.number: root_cause})
        reply = ticket_reply(
            ticket=ticket,
            author=actor,
            body=explanation,
            public=True,
            channel=Channel.WEB,
            status=Ticket.Status.CLOSED,
        )
    return TicketClosure.objects.create(
        account_id=ticket.account_id,
        ticket=ticket,
        reason=reason,
        root_cause=root_cause,
        comment=reply.comment,
        closed_by=actor,
    )

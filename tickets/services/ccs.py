"""CCs of a ticket: agents replace the list; replies and inbound email add to it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.events import TicketChange
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import (
    NotAllowed,
    cc_add,
    record_event,
    touch,
)


@transaction.atomic
def ticket_set_ccs(
    *, ticket: Ticket, actor: User, users: Iterable[User], channel: str = Channel.WEB
) -> TicketChange:
    """Replace the CC list (agents), recording who was added and removed."""
    if not actor.is_agent:
        raise NotAllowed(_("Only agents can change CCs."))
    wanted = {u.pk: u for u in users}
    current = {link.user_id: link for link in ticket.cc_links.select_related("user")}
    change = TicketChange(ticket=ticket, actor=actor, channel=channel)
    for pk, user in wanted.items():
        if pk not in current and cc_add(ticket, user, actor, channel):
            change.changes.setdefault("ccs_added", ([], []))[1].append(pk)
    for pk, link in current.items():
        if pk not in wanted:
            record_event(
                ticket, actor, channel, TicketEvent.Kind.CHANGE, field="ccs", old=link.user.name
            )
            link.delete()
            change.changes.setdefault("ccs_removed", ([], []))[0].append(pk)
    if change.changes:
        touch(ticket, activity=False)
        ticket.save(update_fields=["updated_at"])
        change.send()
    return change


def ticket_add_ccs(
    *, ticket: Ticket, actor: User | None, users: Iterable[User], channel: str = Channel.WEB
) -> None:
    """Add CCs without removing any (reply form, inbound email)."""
    for user in users:
        if user.pk != ticket.requester_id:
            cc_add(ticket, user, actor, channel)

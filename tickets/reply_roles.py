"""Someone who is both a user and a technician (seed 002): "their replies are documented
as a user only if they are listed as the requester on the ticket, but not as the assigned
technician; otherwise as a technician" — and, the same way, "as a contact only if they
are listed as a contact on the ticket (a CC), but not as the assigned technician".

So an agent's **emailed** reply (notifications.inbound) is filed:

- as a **public comment**, like any requester's or CC's, when the agent is the ticket's
  requester (IT staff reporting their own problem) or one of its CCs, and is not its
  assignee;
- as an **internal note** otherwise (the assignee, or an agent with no place on the
  ticket): a forged agent From must never reach customers, and an assignee's mail is
  the technician's.

End users' emailed replies are public whatever this says. Everywhere else (the agent
workspace, the API) the agent role applies unchanged: there the agent chooses.
A requester-agent's public reply counts on the contact's side of the activity status too
(tickets.services.activity.is_contact_side).
"""

from __future__ import annotations

from accounts.models import User
from tickets.models import Ticket, TicketCC


def emailed_reply_is_public(*, ticket: Ticket, author: User) -> bool:
    if not author.is_agent:
        return True
    if author.pk == ticket.assignee_id:
        return False
    if author.pk == ticket.requester_id:
        return True
    return TicketCC.objects.for_account(ticket.account).filter(ticket=ticket, user=author).exists()

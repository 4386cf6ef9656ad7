"""An agent leaves the team: their open tickets go to another agent or a group in the
same step as the deactivation, so no ticket is left with an assignee who cannot act.

Each reassignment goes through ``ticket_update`` (it is in the ticket's Activity, and the
triggers see it); the deactivation is accounts' own (the audit log), in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AgentGroup, GroupMembership, User
from accounts.selectors import default_group_of
from accounts.services import agent_deactivate
from tickets.models import Channel, Ticket
from tickets.services.tickets import ticket_update

# How many of the leaving agent's open tickets the page lists (the count is exact).
LISTED = 50


def open_tickets_of(agent: User) -> QuerySet[Ticket]:
    """The agent's unsolved tickets (New, Open, Pending, On-hold), newest activity
    first; served by the index ticket_acct_assignee."""
    return (
        Ticket.objects.for_account(agent.account)
        .filter(assignee=agent, status__in=Ticket.UNSOLVED)
        .order_by("-updated_at", "-id")
    )


@transaction.atomic
def agent_deactivate_and_reassign(
    *,
    agent: User,
    actor: User,
    to_agent: User | None = None,
    to_group: AgentGroup | None = None,
) -> int:
    """Deactivate ``agent`` after handing their open tickets to ``to_agent`` (keeping
    each ticket's group when the new assignee belongs to it, else their default group)
    or to ``to_group`` (unassigned in that group). Refused, with nothing changed, while
    open tickets remain and no one is named. Returns how many tickets moved."""
    if not (actor.is_admin and actor.account_id == agent.account_id):
        raise PermissionDenied
    if to_agent is not None and to_group is not None:
        raise ValidationError(_("Choose an agent or a group, not both."))
    if to_agent is not None and (
        to_agent.account_id != agent.account_id
        or not to_agent.is_agent
        or not to_agent.is_active
        or to_agent.pk == agent.pk
    ):
        raise ValidationError({"to_agent": _("Choose another active agent of this account.")})
    if to_group is not None and to_group.account_id != agent.account_id:
        raise ValidationError({"to_group": _("Unknown group.")})
    tickets = list(open_tickets_of(agent).select_for_update())
    if tickets and to_agent is None and to_group is None:
        raise ValidationError(
            ngettext(
                "%(name)s has %(count)d open ticket: choose who takes it.",
                "%(name)s has %(count)d open tickets: choose who takes them.",
                len(tickets),
            )
            % {"name": agent.name, "count": len(tickets)}
        )
    member_of = (
        set(
            GroupMembership.objects.for_account(agent.account)
            .filter(user=to_agent)
            .values_list("group_id", flat=True)
        )
        if to_agent is not None
        else set()
    )
    for ticket in tickets:
        if to_agent is not None:
            fields: dict = {"assignee": to_agent}
            if ticket.group_id is not None and ticket.group_id not in member_of:
                fields["group"] = default_group_of(to_agent)
        else:
            fields = {"assignee": None, "group": to_group}
        ticket_update(ticket=ticket, actor=actor, channel=Channel.WEB, **fields)
    agent_deactivate(user=agent, actor=actor)
    return len(tickets)

"""The links' pieces on the tickets' pages (the tickets app knows nothing of links): the
ticket page's links panel, and the lists' bulk "Merge" button."""

from __future__ import annotations

from django import template

from accounts.roles import permissions_of
from ticketlinks.forms import LinkForm
from ticketlinks.models import TicketLink
from ticketlinks.selectors import links_for_ticket

register = template.Library()


# The values of templates/jinja2/ticketlinks/_panel.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def ticket_links_panel(context, ticket):
    """One query: the links from both ends, with the other tickets (their statuses give
    the problem's unsolved incidents without another read)."""
    request = context["request"]
    links = links_for_ticket(account=request.account, ticket=ticket, viewer=request.user)
    incidents = [
        link.other for link in links if link.kind == TicketLink.Kind.INCIDENT and not link.outgoing
    ]
    return {
        "ticket": ticket,
        "links": links,
        "link_form": LinkForm(auto_id="link_%s"),
        "unsolved_incidents": [t for t in incidents if not t.is_solved],
        # The merge button only for a role that may merge (the service refuses the rest).
        "may_merge": permissions_of(request.user).merge_tickets,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ticketlinks/_bulk_merge.html", takes_context=True)
def merge_bulk_button(context):
    """Shown only to a role that may merge (accounts.roles; ticketlinks.merge refuses)."""
    return {"may_merge": may_merge(context["request"])}


def may_merge(request) -> bool:
    """Whether the request's agent may merge (also the Jinja2 pages' global)."""
    return permissions_of(request.user).merge_tickets

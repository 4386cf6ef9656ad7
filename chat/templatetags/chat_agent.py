"""The ticket page's "Start chat" button (seed 002): shown while the ticket's requester
has the help center open. Presence is a cache read, so the ticket page gains no query;
the service checks everything again when the button is pressed."""

from __future__ import annotations

from django import template

from chat import presence

register = template.Library()


# The values of templates/jinja2/chat/agent/_ticket_start.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def chat_start_button(context, ticket):
    requester = ticket.requester
    shown = (
        not ticket.is_closed
        and requester.is_end_user
        and presence.visitor_online(ticket.account_id, requester.pk)
    )
    return {"shown": shown, "ticket": ticket, "csrf_token": context.get("csrf_token")}

"""Following on the ticket page (the tickets app knows nothing of it): the follow
button, and the @mention completion's endpoint and script."""

from __future__ import annotations

from django import template

from notifications.inapp_selectors import is_following

register = template.Library()


# The values of templates/jinja2/notifications/_ticket_follow.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def ticket_follow_button(context, ticket):
    """One query: does the signed-in agent follow the ticket."""
    request = context["request"]
    return {
        "ticket": ticket,
        "following": is_following(agent=request.user, ticket=ticket, account=request.account),
        "csrf_token": context.get("csrf_token"),
        "csp_nonce": context.get("csp_nonce"),
    }

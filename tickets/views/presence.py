"""The ticket page's heartbeat: who else has the ticket open (tickets.presence)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from tickets.access import ticket_ref_for_agent
from tickets.presence import HEARTBEAT_SECONDS, SHOWN, presence_beat, viewers_state
from tickets.views.common import agent_view


def presence_context(viewers: list, ticket) -> dict:
    return {
        "ticket": ticket,
        "state": viewers_state(viewers),
        "viewers": viewers[:SHOWN],
        "more_viewers": viewers[SHOWN:],
        "others": len(viewers) > 1,
        "heartbeat_seconds": HEARTBEAT_SECONDS,
    }


@agent_view
@require_POST
def ticket_presence(request, number: int):
    """A beat (POST, as it records the agent's presence): typing when the reply box the
    page includes holds text. Answers the fragment the page swaps in, or 204 when what
    the page shows is still true."""
    ticket = ticket_ref_for_agent(viewer=request.user, number=number)
    typing = bool(request.POST.get("body", "").strip())
    viewers = presence_beat(ticket=ticket, user=request.user, typing=typing)
    # Most beats change nothing on screen: the page sends back the state it shows, and
    # an unchanged one is answered 204 (htmx swaps nothing and keeps polling), without
    # rendering the fragment (bench: python -m bench.presence).
    if request.POST.get("state") == viewers_state(viewers):
        return HttpResponse(status=204)
    return render(request, "agent/_presence.html", presence_context(viewers, ticket))

"""The ticket page's heartbeat: who else has the ticket open (tickets.presence)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from tickets.access import beat_ref, ticket_ref_for_agent, ticket_ref_for_beat
from tickets.presence import HEARTBEAT_SECONDS, SHOWN, presence_beat, viewers_state
from tickets.views.common import agent_view


def presence_context(viewers: list, ticket, ref: str) -> dict:
    return {
        "ticket": ticket,
        "ref": ref,
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
    # The fragment's proof (tickets.access.beat_ref) spares the ticket's query; without
    # a valid one the ticket is looked up, and the fragment rendered with a fresh proof.
    proven = ticket_ref_for_beat(
        viewer=request.user, number=number, ref=request.POST.get("ref", "")
    )
    ticket = proven or ticket_ref_for_agent(viewer=request.user, number=number)
    typing = bool(request.POST.get("body", "").strip())
    viewers = presence_beat(ticket=ticket, user=request.user, typing=typing)
    # Most beats change nothing on screen: the page sends back the state it shows, and
    # an unchanged one is answered 204 (htmx swaps nothing and keeps polling), without
    # rendering the fragment (bench: python -m bench.presence).
    if proven and request.POST.get("state") == viewers_state(viewers):
        return HttpResponse(status=204)
    ref = beat_ref(viewer=request.user, ticket=ticket)
    return render(
        request, "agent/_presence.html", presence_context(viewers, ticket, ref), using="jinja2"
    )

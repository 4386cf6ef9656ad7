"""The agents' bell, their notifications page and settings, following a ticket, and
the @mention box's agent names. Agents only (end users get a 404, as for every agent
page); each reads only the signed-in agent's own rows."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications import inapp
from notifications.access import notification_for_agent
from notifications.inapp_selectors import (
    UNREAD_SHOWN,
    is_following,
    mention_candidates,
    notifications_page,
    preferences_for_agent,
    unread_count,
)
from notifications.models import NotificationKind, NotificationPreference
from tickets.access import ticket_for_agent
from tickets.views.common import agent_view


@agent_view
@require_GET
def notification_bell(request):
    """The top bar's bell, loaded after the page (htmx): no query on every page."""
    count = unread_count(agent=request.user)
    return render(
        request,
        "notifications/_bell_count.html",
        {"count": count, "capped": count > UNREAD_SHOWN, "shown": UNREAD_SHOWN},
    )


def _before(request) -> int | None:
    try:
        value = int(request.GET.get("before", ""))
    except ValueError:
        return None
    return value if value > 0 else None


@agent_view
@require_GET
def notification_list(request):
    rows, next_before = notifications_page(agent=request.user, before=_before(request))
    return render(
        request,
        "notifications/list.html",
        {"notifications": rows, "next_before": next_before, "paged": _before(request)},
    )


@agent_view
@require_POST
def notification_open(request, number: int):
    """Mark one read and go to its ticket (or back to the list)."""
    notification = notification_for_agent(viewer=request.user, number=number)
    inapp.notification_mark_read(notification=notification)
    if request.POST.get("go") == "ticket" and notification.ticket is not None:
        return redirect("tickets:ticket_detail", number=notification.ticket.number)
    return redirect("notifications:notification_list")


@agent_view
@require_POST
def notifications_read_all(request):
    inapp.notifications_mark_all_read(agent=request.user)
    messages.success(request, _("All notifications marked as read."))
    return redirect("notifications:notification_list")


@agent_view
def notification_settings(request):
    if request.method == "POST":
        inapp.preferences_set(
            agent=request.user,
            channels={kind: request.POST.get(kind, "") for kind in NotificationKind.values},
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:notification_settings")
    chosen = preferences_for_agent(agent=request.user)
    rows = [(kind, label, chosen[kind]) for kind, label in NotificationKind.choices]
    return render(
        request,
        "notifications/settings.html",
        {"rows": rows, "channels": NotificationPreference.Channel.choices},
    )


@agent_view
@require_POST
def ticket_follow_toggle(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    if request.POST.get("follow") == "0":
        inapp.ticket_unfollow(ticket=ticket, agent=request.user)
    else:
        inapp.ticket_follow(ticket=ticket, agent=request.user)
    if request.htmx:
        return render(
            request,
            "notifications/_follow.html",
            {"ticket": ticket, "following": is_following(agent=request.user, ticket=ticket)},
            using="jinja2",  # the ticket page's button (templates/jinja2/notifications/)
        )
    return redirect("tickets:ticket_detail", number=ticket.number)


@agent_view
@require_GET
def mention_agents(request):
    """The account's agents for the @mention box (JSON): name and handle."""
    return JsonResponse(
        {"agents": mention_candidates(agent=request.user, query=request.GET.get("q", ""))}
    )

"""Ticket lists (views), their bulk update, and the agent search."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.selectors import users_search
from helpdesk.read_your_writes import replica_reads
from tickets.counts import TicketPaginator
from tickets.forms import BulkUpdateForm
from tickets.search import tickets_search
from tickets.selectors import (
    AGENT_VIEWS,
    TICKET_SORTS,
    agent_ticket_list,
    tickets_visible_to,
)
from tickets.services import tickets_bulk_update
from tickets.views.common import agent_view, safe_next

PER_PAGE = 50
SEARCH_LIMIT = 50
DEFAULT_SORT = "-updated"


def _sort_param(value: str) -> str:
    # Only allow-listed keys reach the template (and the selector ignores the rest).
    return value if value.lstrip("-") in TICKET_SORTS else DEFAULT_SORT


@agent_view
@replica_reads
def home(request):
    """The agent's home: "Your unsolved tickets"."""
    return ticket_list(request, view_key="mine")


@agent_view
@replica_reads
def ticket_list(request, view_key: str):
    if view_key not in AGENT_VIEWS:
        raise Http404
    sort = _sort_param(request.GET.get("sort", DEFAULT_SORT))
    tickets = agent_ticket_list(viewer=request.user, view_key=view_key, sort=sort)
    page = TicketPaginator(tickets, PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "agent/ticket_list.html",
        {
            "view": AGENT_VIEWS[view_key],
            "view_key": view_key,
            "page": page,
            "sort": sort,
            "bulk_form": BulkUpdateForm(account=request.account),
        },
    )


@agent_view
@require_POST
def tickets_bulk(request):
    """Apply one change to the checked tickets, through the same service per ticket."""
    back = safe_next(request, reverse("tickets:home"))
    form = BulkUpdateForm(request.POST, account=request.account)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    fields = form.fields_to_set()
    if not fields:
        messages.error(request, _("Choose a change to apply to the selected tickets."))
        return redirect(back)
    tickets = list(
        tickets_visible_to(viewer=request.user)
        .filter(number__in=form.cleaned_data["tickets"])
        .select_related("assignee", "group")
    )
    try:
        changes = tickets_bulk_update(
            account=request.account, actor=request.user, tickets=tickets, **fields
        )
    except ValidationError as exc:
        # All or nothing: the service rolled every ticket back.
        messages.error(
            request,
            _("No ticket was updated: %(reason)s") % {"reason": " ".join(exc.messages)},
        )
    else:
        messages.success(
            request,
            ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", len(changes))
            % {"count": len(changes)},
        )
    return redirect(back)


@agent_view
@replica_reads
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    tickets, users = [], []
    if query:
        tickets = tickets_search(viewer=request.user, query=query, limit=SEARCH_LIMIT)
        users = users_search(account=request.account, query=query, limit=10)
    return render(
        request,
        "agent/search.html",
        {"q": query, "tickets": tickets, "users": users, "limit": SEARCH_LIMIT},
    )

"""Ticket lists (views), their bulk update, and the agent search."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import compiled
from accounts.models import AgentGroup
from accounts.roles import permissions_of
from accounts.selectors import groups_for_account, users_search
from helpdesk.read_your_writes import replica_reads
from tickets.access import view_for_agent
from tickets.counts import TicketPaginator
from tickets.forms import BulkUpdateForm
from tickets.models import CustomStatus, Ticket
from tickets.search import tickets_search
from tickets.selectors import tickets_visible_to
from tickets.services import tickets_bulk_update
from tickets.services.conflicts import TicketConflict, parse_stamp
from tickets.status_selectors import custom_statuses_for_account
from tickets.view_selectors import view_columns, view_sort, view_ticket_rows, views_for_agent
from tickets.views.common import agent_view, agent_views, safe_next
from tickets.views.conflicts import conflict_summary

PER_PAGE = 50
SEARCH_LIMIT = 50


@agent_view
@replica_reads
def home(request):
    """The agent's home: the first of their views ("Your unsolved tickets" unless the
    admins reordered them)."""
    views = agent_views(request)
    first = views[0] if views else None
    if first is None:
        return render(
            request, "agent/ticket_list.html", {"view": None, "page": None}, using="jinja2"
        )
    return _view_page(request, first)


@agent_view
@replica_reads
def view_tickets(request, number: int):
    # Usually one of the sidebar's views (read once for both); an inactive one, or for an
    # admin any shared view, through the access rule.
    view = next((v for v in agent_views(request) if v.number == number), None)
    return _view_page(request, view or view_for_agent(viewer=request.user, number=number))


@agent_view
def legacy_view(request, view_key: str):
    """The fixed lists' old URLs (/agent/views/unsolved/): the default view they became,
    while it exists and the agent may open it."""
    view = views_for_agent(viewer=request.user, active=None).filter(key=view_key).first()
    if view is None:
        raise Http404
    query = request.GET.urlencode()
    url = reverse("tickets:view", args=[view.number])
    return redirect(f"{url}?{query}" if query else url, permanent=False)


def _view_page(request, view):
    sort = view_sort(view, request.GET.get("sort", ""))
    # Dicts, not model instances (issue 17): templatetags.agent.ticket_row_values prints them.
    tickets = view_ticket_rows(view=view, viewer=request.user, sort=sort)
    page = TicketPaginator(tickets, PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "agent/ticket_list.html",
        {
            "view": view,
            "view_key": view.number,
            "columns": view_columns(view),
            "page": page,
            "sort": sort,
            "quick": quick_menu(request, view.number),
        },
        # templates/jinja2/agent/ticket_list.html (issue 17, bench/README.md "Tenth round").
        using="jinja2",
    )


def quick_menu(request, view_number: int = 0) -> dict:
    """What the rows' quick actions (automations.quick_views) offer: the account's groups
    and statuses, read once per page, and the selects' labels, translated once per page.
    The menus are rendered once (agent/_quick_menus.html) and copied into a row by
    static/js/agent.js; ``label`` keeps its ``%(number)s`` for the script to fill."""
    account = request.account
    may_solve = permissions_of(request.user).solve

    def statuses():
        offered = custom_statuses_for_account(account=account, active=True).exclude(
            category=Ticket.Status.NEW  # back to New is refused (tickets.services.ticket_update)
        )
        if not may_solve:  # the role's refusal (accounts.roles)
            offered = offered.exclude(category__in=(Ticket.Status.SOLVED, Ticket.Status.CLOSED))
        return offered

    # Both reads compiled once per account (and role's refusal) and process
    # (accounts.compiled): building them was ~7 % of the list page's CPU (issue 17).
    return {
        "groups": compiled.rows(
            AgentGroup, ("quick_groups", account.pk), lambda: groups_for_account(account=account)
        ),
        "statuses": compiled.rows(
            CustomStatus, ("quick_statuses", account.pk, may_solve), statuses
        ),
        "view": view_number,
        "texts": {
            "group": _("Assign to group"),
            "status": _("Change stage"),
            "snooze": _("Postpone"),
            "label": _("Quick actions for #%(number)s"),
        },
    }


@agent_view
@require_GET
@replica_reads
def bulk_fields(request):
    """The bulk bar's fields (status, assignee, group, priority, tags, custom field),
    loaded by htmx when the bar opens (the list's first checked row, static/js/agent.js):
    the form's choices are read and rendered for the agents who bulk-edit, not on every
    list page (issue 17, bench/README.md). tickets_bulk validates what they post."""
    form = BulkUpdateForm(account=request.account, may_solve=permissions_of(request.user).solve)
    return render(request, "agent/_bulk_fields.html", {"bulk_form": form}, using="jinja2")


@agent_view
@require_POST
def tickets_bulk(request):
    """Apply one change to the checked tickets, through the same service per ticket."""
    back = safe_next(request, reverse("tickets:home"))
    form = BulkUpdateForm(
        request.POST, account=request.account, may_solve=permissions_of(request.user).solve
    )
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
    # The versions the list showed: a ticket changed since is reported, not overwritten.
    stamps = {t.number: parse_stamp(request.POST.get(f"stamp_{t.number}")) for t in tickets}
    conflicts: list[TicketConflict] = []
    try:
        changes = tickets_bulk_update(
            account=request.account,
            actor=request.user,
            tickets=tickets,
            stamps=stamps,
            conflicts=conflicts,
            **fields,
        )
    except ValidationError as exc:
        # All or nothing: the service rolled every ticket back.
        messages.error(
            request,
            _("No ticket was updated: %(reason)s") % {"reason": " ".join(exc.messages)},
        )
    else:
        if changes or not conflicts:
            messages.success(
                request,
                ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", len(changes))
                % {"count": len(changes)},
            )
        for conflict in conflicts:
            messages.warning(request, conflict_summary(conflict))
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

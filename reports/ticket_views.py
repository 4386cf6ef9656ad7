"""The tickets behind a report's number (/agent/reports/tickets/, reports.clickthrough):
the ticket list's rows a page at a time, and the same rows as a CSV file (``?export=csv``,
at most EXPORT_CAP of them, the page saying so). A bad query string is a message on the
page (400), never a 500; who may open it is the report page's rule (report_scope)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from customfields.selectors import dropdown_options
from reports import exports
from reports.access import (
    agents_in_scope,
    groups_in_scope,
    organizations_to_filter,
    report_scope,
)
from reports.clickthrough import (
    EXPORT_CAP,
    METRICS,
    ClickThroughForm,
    TicketQuery,
    csv_rows,
    list_rows,
    tickets_behind,
)
from tickets.counts import TicketPaginator
from tickets.models import Channel, Ticket
from tickets.view_selectors import VIEW_COLUMNS
from tickets.views.common import agent_view

PER_PAGE = 50
COLUMNS = ("number", "subject", "requester", "status", "priority", "assignee", "group")


def _described(
    query: TicketQuery, groups: dict, agents: dict, form: ClickThroughForm
) -> list[tuple[str, str]]:
    """The filters in words, for the heading."""
    shown: list[tuple[str, str]] = []
    for label, pk, names, none in (
        (_("Group"), query.group_pk, groups, _("No group")),
        (_("Agent"), query.agent_pk, agents, _("Unassigned")),
    ):
        if pk is not None:
            shown.append((label, names.get(pk, "") if pk else str(none)))
    for label, value, choices in (
        (_("Channel"), query.channel, Channel),
        (_("Priority"), query.priority, Ticket.Priority),
        (_("Type"), query.type, Ticket.Type),
    ):
        if value:
            shown.append((label, str(choices(value).label)))
    if query.organization_pk is not None:
        names = {o.pk: o.name for o in form.organizations.values()}
        shown.append((_("Organization"), names.get(query.organization_pk, "")))
    if query.tag:
        shown.append((_("Tag"), query.tag))
    chosen = dict(query.fields)
    for _name, field, options in form.dropdowns:
        number = field.number  # type: ignore[attr-defined]
        if number in chosen:
            label = next((o.label for o in options if o.value == chosen[number]), "")
            shown.append((field.label, label))  # type: ignore[attr-defined]
    return shown


@agent_view
def report_tickets(request):
    viewer = request.user
    scope = report_scope(viewer=viewer)
    groups = groups_in_scope(viewer=viewer, scope=scope)
    agents = agents_in_scope(viewer=viewer, scope=scope)
    organizations = organizations_to_filter(viewer=viewer)
    form = ClickThroughForm(
        request.GET,
        groups=groups,
        agents=agents,
        organizations=organizations,
        options=dropdown_options(account=request.account),
    )
    query = form.query()
    if query is None:
        context = {"nav": "reports", "form": form}
        return render(request, "reports/tickets.html", context, status=400)
    tickets = tickets_behind(account=request.account, scope=scope, query=query)
    time_column = "created" if query.metric == "created" else "solved"
    if request.GET.get("export") == "csv":
        rows = csv_rows(tickets, ZoneInfo(request.account.time_zone), EXPORT_CAP)
        header = [
            _("ID"),
            _("Subject"),
            _("Status"),
            _("Priority"),
            _("Type"),
            _("Channel"),
            _("Requester"),
            _("Assignee"),
            _("Group"),
            _("Created"),
            _("Solved"),
        ]
        name = f"tickets-{query.metric}-{query.start.isoformat()}-{query.end.isoformat()}.csv"
        return exports.csv_response(name, header, rows)
    columns = [VIEW_COLUMNS[key] for key in (*COLUMNS, time_column)]
    page = TicketPaginator(list_rows(tickets, columns), PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    csv_query = request.GET.copy()
    for name in ("page", "cursor"):
        csv_query.pop(name, None)
    csv_query["export"] = "csv"
    context = {
        "nav": "reports",
        "form": form,
        "query": query,
        "metric_label": METRICS[query.metric],
        "start": formats.date_format(query.start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(query.end, "SHORT_DATE_FORMAT"),
        "described": _described(
            query, {g.pk: g.name for g in groups}, {a.pk: a.name for a in agents}, form
        ),
        "time_zone": request.account.time_zone,
        "columns": columns,
        "page": page,
        "csv_url": f"?{csv_query.urlencode()}",
        "export_cap": EXPORT_CAP,
    }
    return render(request, "reports/tickets.html", context)

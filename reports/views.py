"""The reporting page (issue 26): a date range and filters in the query string, the
charts and tables of reports.selectors, and each table as a CSV file (``?export=``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from closing.selectors import REPORT_GROUPS, closures_report
from customfields.selectors import dropdown_options
from reports import charts, csat, exports, metrics, selectors, sla
from reports.access import (
    agents_in_scope,
    groups_in_scope,
    organizations_to_filter,
    report_scope,
)
from reports.forms import ReportForm
from reports.links import LinkMaker
from reports.templatetags.reports import at_most, duration, percent
from tickets.status_models import StatusCategory
from tickets.views.common import agent_view

EXPORTS = ("periods", "agents", "groups", "organizations")
# The page lists the organizations with the most solved tickets; the CSV has them all.
# All 1,110 of the bench account took ~1 s to render (a row of links each).
ORGANIZATIONS_SHOWN = 20


def _label(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@agent_view
def report(request):
    viewer = request.user
    scope = report_scope(viewer=viewer)
    groups = groups_in_scope(viewer=viewer, scope=scope)
    agents = agents_in_scope(viewer=viewer, scope=scope)
    today = timezone.now().astimezone(ZoneInfo(viewer.effective_time_zone)).date()
    organizations = organizations_to_filter(viewer=viewer)
    form = ReportForm(
        request.GET or None,
        groups=groups,
        agents=agents,
        today=today,
        organizations=organizations,
        options=dropdown_options(account=request.account),
    )
    filters = form.filters()
    export = request.GET.get("export", "")
    data = selectors.report_for(
        account=request.account,
        scope=scope,
        filters=filters,
        organizations=export == "organizations" or request.GET.get("board") == "organizations",
    )
    agent_names = {a.pk: a.name for a in agents}
    group_names = {g.pk: g.name for g in groups}
    organization_names = {o.pk: o.name for o in organizations}
    boards = {
        "agents": [
            (agent_names.get(pk, _("Other") if pk else _("Unassigned")), s)
            for pk, s in data.by_agent
        ],
        "groups": [
            (group_names.get(pk, _("Other") if pk else _("No group")), s) for pk, s in data.by_group
        ],
        "organizations": [
            (organization_names.get(pk, _("Other") if pk else _("No organization")), s)
            for pk, s in data.by_organization or []
        ],
    }
    if export in EXPORTS:
        return _export(export, data, boards)
    labels = [_label(p.start) for p in data.periods]
    summaries = [selectors.Summary(p.counts) for p in data.periods]
    maker = LinkMaker(
        filters,
        group_numbers={g.pk: g.number for g in groups},
        agent_numbers={a.pk: a.number for a in agents},
        organization_numbers={o.pk: o.number for o in organizations},
    )
    period_links = [maker.period(p.start) for p in data.periods]
    context = {
        "nav": "reports",
        "form": form,
        "filters": filters,
        "report": data,
        "rows": list(zip(labels, data.periods, summaries, period_links, strict=True)),
        "total_links": maker.whole_range(),
        "by_agent": [
            (name, s, maker.whole_range(agent_pk=pk))
            for (pk, _s), (name, s) in zip(data.by_agent, boards["agents"], strict=True)
        ],
        "by_group": [
            (name, s, maker.whole_range(group_pk=pk))
            for (pk, _s), (name, s) in zip(data.by_group, boards["groups"], strict=True)
        ],
        "by_organization": [
            (name, s, maker.whole_range(organization_pk=pk))
            for (pk, _s), (name, s) in zip(
                (data.by_organization or [])[:ORGANIZATIONS_SHOWN],
                boards["organizations"][:ORGANIZATIONS_SHOWN],
                strict=True,
            )
        ],
        "organizations_asked": data.by_organization is not None,
        "organizations_total": len(data.by_organization or []),
        "volume_chart": charts.bars(
            labels,
            [
                [p.counts.get("created", 0) for p in data.periods],
                [p.counts.get("solved", 0) for p in data.periods],
            ],
            links=[
                [links.created if links else "" for links in period_links],
                [links.solved if links else "" for links in period_links],
            ],
        ),
        "backlog_chart": charts.lines(labels, [[p.backlog for p in data.periods]]),
        "status_names": status_names(),
        "status_chart": charts.stacked(
            labels,
            [[p.by_status.get(m, 0) for p in data.periods] for m in metrics.STATUS_COUNTS],
        ),
        "status_rows": [
            (label, [p.by_status.get(m, 0) for m in metrics.STATUS_COUNTS])
            for label, p in zip(labels, data.periods, strict=True)
        ],
        "csat_chart": charts.lines(
            labels,
            [[None if s.csat_score is None else s.csat_score * 100 for s in summaries]],
            top=100,
        ),
        "frt_chart": charts.lines(
            labels,
            [[None if s.frt_average is None else s.frt_average / 3600 for s in summaries]],
            fmt=lambda v: f"{v:g} h",
        ),
        "query": request.GET.urlencode(),
        "response_rate": csat.response_rate_for(
            account=request.account, scope=scope, filters=filters
        ),
        "sla_rows": sla.sla_achievement_for(account=request.account, scope=scope, filters=filters),
    }
    return render(request, "reports/report.html", context)


def _export(kind: str, data: selectors.Report, boards: dict):
    header = [
        _("Created"),
        _("Solved"),
        _("Reopened"),
        _("Agent replies"),
        _("First reply time (average)"),
        _("First reply time (median)"),
        _("Full resolution time (average)"),
        _("Full resolution time (median)"),
        _("Satisfaction"),
    ]

    def numbers(s: selectors.Summary) -> list[object]:
        return [
            s["created"],
            s["solved"],
            s["reopened"],
            s["replies"],
            duration(s.frt_average),
            at_most(s.frt_median),
            duration(s.res_average),
            at_most(s.res_median),
            percent(s.csat_score),
        ]

    if kind == "periods":
        rows = [
            [
                p.start.isoformat(),
                p.backlog,
                *numbers(selectors.Summary(p.counts)),
                # Last, so the columns before keep their places for those who read them.
                *(p.by_status.get(m, 0) for m in metrics.STATUS_COUNTS),
            ]
            for p in data.periods
        ]
        statuses = [_("Backlog: %(status)s") % {"status": name} for name in status_names()]
        return exports.csv_response(
            "report.csv", [_("Period"), _("Backlog"), *header, *statuses], rows
        )
    rows = [[name, *numbers(s)] for name, s in boards[kind]]
    first = {"agents": _("Agent"), "groups": _("Group"), "organizations": _("Organization")}[kind]
    return exports.csv_response(f"report-{kind}.csv", [first, *header], rows)


def status_names() -> list[str]:
    """The unsolved status categories' names, in metrics.STATUS_COUNTS' order."""
    labels = dict(StatusCategory.choices)
    return [str(labels[category]) for category in metrics.UNSOLVED_CATEGORIES]


@agent_view
def closures(request):
    """Explained closings by close reason or root cause (seed 003), over the tickets the
    viewer's report scope holds."""
    scope = report_scope(viewer=request.user)
    by = request.GET.get("by", "reason")
    by = by if by in REPORT_GROUPS else "reason"
    rows = closures_report(account=request.account, by=by, tickets=scope.ticket_filter("ticket__"))
    return render(request, "agent/closures_report.html", {"by": by, "rows": rows, "nav": "reports"})

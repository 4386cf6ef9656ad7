"""Time worked's pages: the ticket page's actions (log a duration, start and stop the
timer) and the report of the time logged per agent and per organization (and its CSV)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import flash_domain_error
from reports.access import report_scope
from reports.exports import csv_response
from tickets.access import ticket_for_agent
from tickets.views.common import admin_view, agent_view
from timeworked import services
from timeworked.forms import REPORT_DAYS, TimeLogForm
from timeworked.selectors import time_totals


def _back(number: int):
    return redirect(reverse("tickets:ticket_detail", args=[number]) + "#time-worked")


@agent_view
@require_POST
def time_log(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    form = TimeLogForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"duration": _("Type the time as 1h 30m, 45m or 1:30.")})
        seconds = services.parse_duration(form.cleaned_data["duration"])
        services.time_log(ticket=ticket, actor=request.user, seconds=seconds)
    except ValidationError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("Time logged."))
    return _back(number)


@agent_view
@require_POST
def timer(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    try:
        if request.POST.get("action") == "start":
            services.timer_start(ticket=ticket, actor=request.user)
            messages.success(request, _("Timer started."))
        elif services.timer_stop(ticket=ticket, actor=request.user) is not None:
            messages.success(request, _("Time logged."))
        else:
            messages.info(request, _("Timer stopped; under a minute was not logged."))
    except ValidationError as error:
        flash_domain_error(request, error)
    return _back(number)


def _range(request) -> dict:
    """The report's period: a preset (``days``: the last 7, 30, 90 or 365 days) or a
    custom one (``from`` and ``to``, dates in the account's days, both included)."""
    start_text, end_text = request.GET.get("from", ""), request.GET.get("to", "")
    today = timezone.localdate()
    if start_text or end_text:
        try:
            start = datetime.date.fromisoformat(start_text) if start_text else today
            end = datetime.date.fromisoformat(end_text) if end_text else today
        except ValueError:
            messages.error(request, _("Use dates like 2026-12-01."))
        else:
            if start > end:
                start, end = end, start
            if (end - start).days > 366:
                messages.error(request, _("A custom period is at most a year."))
            else:
                zone = timezone.get_current_timezone()
                since = datetime.datetime.combine(start, datetime.time.min, zone)
                until = datetime.datetime.combine(end, datetime.time.min, zone)
                until += datetime.timedelta(days=1)
                return {"since": since, "until": until, "days": None, "start": start, "end": end}
    days_text = request.GET.get("days", "")
    days = int(days_text) if days_text.isdigit() and int(days_text) in REPORT_DAYS else 30
    until = timezone.now()
    since = until - datetime.timedelta(days=days)
    return {"since": since, "until": until, "days": days, "start": None, "end": None}


@agent_view
def time_report(request):
    """The time logged per agent or per organization over a preset or custom period, on
    the tickets the viewer's report scope holds; ``?format=csv`` downloads it."""
    scope = report_scope(viewer=request.user)
    by = "organization" if request.GET.get("by") == "organization" else "agent"
    period = _range(request)
    rows = time_totals(
        account=request.account,
        by=by,
        since=period["since"],
        until=period["until"],
        tickets=scope.ticket_filter("ticket__"),
    )
    first = _("Agent") if by == "agent" else _("Organization")
    if request.GET.get("format") == "csv":
        return csv_response(
            f"time-worked-{by}.csv",
            [first, _("Tickets"), _("Time worked (minutes)")],
            [[row["name"], row["tickets"], row["seconds"] // 60] for row in rows],
        )
    if period["days"]:
        query = f"days={period['days']}"
    else:
        query = f"from={period['start'].isoformat()}&to={period['end'].isoformat()}"
    context = {
        "by": by,
        "period": period,
        "query": query,
        "choices": REPORT_DAYS,
        "rows": rows,
        "first": first,
        "shown_until": (period["until"] - datetime.timedelta(seconds=1)).date()
        if period["days"] is None
        else timezone.localdate(period["until"]),
        "shown_since": timezone.localdate(period["since"]) if period["days"] else period["start"],
    }
    return render(request, "timeworked/report.html", context | {"nav": "reports"})


@admin_view
def time_settings(request):
    """The account's "require time spent on every update"."""
    if request.method == "POST":
        services.time_settings_update(
            account=request.account,
            actor=request.user,
            require_on_update=request.POST.get("require_on_update") in ("on", "true", "1"),
        )
        messages.success(request, _("Settings saved."))
        return redirect("timeworked:settings")
    context = {
        "section": "time_worked",
        "require_on_update": services.time_required(request.account),
    }
    return render(request, "timeworked/settings.html", context)

"""The tickets behind a number of the reports (issue 26's click-through): "created on
3 March in Billing" as the list of those tickets, read from the tickets themselves
(not the rollups) through an index on the range's column.

A list holds exactly the tickets its number counts (reports.metrics), so the two agree:
- created: the tickets created in the range;
- solved: the tickets Solved or Closed now whose solve time (Ticket.solved_at: the last
  move into Solved, kept through Closed) falls in the range;
under the report's scope (reports.access.report_scope: the tickets an agent's numbers
count) and the filters on the ticket's current group, assignee, channel, priority and
type, as the rollups key them. Days are the account's, as the report's are (a rollup's
day is the account's local day, whatever the viewer's time zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AgentGroup, Organization, User
from customfields.models import TicketFieldOption
from reports.access import ReportScope
from reports.attributes import attribute_q
from reports.forms import MAX_DAYS, clean_tag, dropdown_fields
from tickets.models import Channel, Ticket
from tickets.selectors import for_list_rows

METRICS = {"created": _("created"), "solved": _("solved")}
NONE = "none"  # ?group=none: the tickets of no group (?agent=none: unassigned)
EXPORT_CAP = 10_000


@dataclass(frozen=True)
class TicketQuery:
    metric: str
    start: dt.date
    end: dt.date  # inclusive
    # A pk; 0 for "none" (no group, unassigned); None for any.
    group_pk: int | None = None
    agent_pk: int | None = None
    channel: str = ""
    priority: str = ""
    type: str = ""
    organization_pk: int | None = None
    tag: str = ""
    fields: tuple[tuple[int, str], ...] = ()


def _choices(values) -> list[tuple[str, object]]:
    return [("", _("Any")), *values]


class ClickThroughForm(forms.Form):
    """The list's query string: what is counted, the range, and the report's filters. The
    group and agent are per-account numbers (or ``none``) among those the viewer's
    report may filter by; anything else is an error shown on the page."""

    metric = forms.ChoiceField(label=_("Tickets"), choices=list(METRICS.items()))
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))
    group = forms.CharField(label=_("Group"), required=False)
    agent = forms.CharField(label=_("Agent"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_choices(Channel.choices), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=_choices(Ticket.Priority.choices), required=False
    )
    type = forms.ChoiceField(label=_("Type"), choices=_choices(Ticket.Type.choices), required=False)
    organization = forms.CharField(label=_("Organization"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False)

    def __init__(
        self,
        data,
        *,
        groups: list[AgentGroup],
        agents: list[User],
        organizations: list[Organization] = (),  # type: ignore[assignment]
        options: list[TicketFieldOption] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__(data)
        self.groups = {str(g.number): g for g in groups}
        self.agents = {str(a.number): a for a in agents}
        self.organizations = {str(o.number): o for o in organizations}
        self.dropdowns = dropdown_fields(list(options))
        for name, field, field_options in self.dropdowns:
            self.fields[name] = forms.ChoiceField(
                label=field.label,  # type: ignore[attr-defined]
                choices=_choices([(o.value, o.label) for o in field_options]),
                required=False,
            )

    def clean_organization(self) -> int | None:
        value = (self.cleaned_data.get("organization") or "").strip()
        if not value:
            return None
        if value not in self.organizations:
            raise forms.ValidationError(_("Choose an organization of this account."))
        return self.organizations[value].pk

    def clean_tag(self) -> str:
        return clean_tag(self.cleaned_data.get("tag") or "")

    def _pick(self, name: str, known: dict, message) -> int | None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        if value == NONE:
            return 0
        if value not in known:
            raise forms.ValidationError(message)
        return known[value].pk

    def clean_group(self) -> int | None:
        return self._pick("group", self.groups, _("Choose a group the reports show you."))

    def clean_agent(self) -> int | None:
        return self._pick("agent", self.agents, _("Choose an agent the reports show you."))

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The range ends before it starts."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a range of at most two years."))
        return data

    def query(self) -> TicketQuery | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return TicketQuery(
            metric=data["metric"],
            start=data["start"],
            end=data["end"],
            group_pk=data.get("group"),
            agent_pk=data.get("agent"),
            channel=data.get("channel") or "",
            priority=data.get("priority") or "",
            type=data.get("type") or "",
            organization_pk=data.get("organization"),
            tag=data.get("tag") or "",
            fields=tuple(
                (field.number, data[name])  # type: ignore[attr-defined]
                for name, field, _options in self.dropdowns
                if data.get(name)
            ),
        )


def day_bounds(account: Account, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the start of ``start`` to the start of the day after ``end``, in
    the account's time zone (the rollups' days: reports.metrics.contributions)."""
    tz = ZoneInfo(account.time_zone)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def tickets_behind(*, account: Account, scope: ReportScope, query: TicketQuery) -> QuerySet[Ticket]:
    """The tickets a report's number counts, newest first by the counted time."""
    since, until = day_bounds(account, query.start, query.end)
    qs = Ticket.objects.for_account(account).filter(scope.ticket_filter())
    if query.metric == "solved":
        column = "solved_at"
        qs = qs.filter(status__in=["solved", "closed"])
    else:
        column = "created_at"
    qs = qs.filter(**{f"{column}__gte": since, f"{column}__lt": until})
    for field, value in (("group", query.group_pk), ("assignee", query.agent_pk)):
        if value == 0:
            qs = qs.filter(**{f"{field}__isnull": True})
        elif value is not None:
            qs = qs.filter(**{f"{field}_id": value})
    exact = {"channel": query.channel, "priority": query.priority, "type": query.type}
    qs = qs.filter(**{k: v for k, v in exact.items() if v}).filter(attribute_q(query))
    return qs.order_by(f"-{column}", "-id")


def list_rows(tickets: QuerySet[Ticket], columns) -> QuerySet[Ticket]:
    """``tickets`` as the ticket list's rows read them (templates/agent/_ticket_rows.html)."""
    extra = [f for c in columns for f in c.fields]
    return for_list_rows(tickets, extra)


CSV_FIELDS = (
    "number",
    "subject",
    "status",
    "priority",
    "type",
    "channel",
    "requester__name",
    "assignee__name",
    "group__name",
    "created_at",
    "solved_at",
)


def csv_rows(tickets: QuerySet[Ticket], tz: ZoneInfo, cap: int) -> list[list[object]]:
    """The first ``cap`` tickets as the CSV file's rows (times in the account's zone)."""
    rows = []
    for values in tickets.values_list(*CSV_FIELDS)[:cap]:
        *head, created, solved = values
        rows.append(
            [
                *(v if v is not None else "" for v in head),
                created.astimezone(tz).isoformat(timespec="seconds"),
                solved.astimezone(tz).isoformat(timespec="seconds") if solved else "",
            ]
        )
    return rows

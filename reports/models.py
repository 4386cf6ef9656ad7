"""Daily rollups for the reports (issue 26): one row per account × local day × group ×
agent × channel × priority × type, holding the counts of reports.metrics, so a report
over 90 days sums a few thousand rows instead of scanning a million tickets.

``ReportTicket`` keeps what each ticket last contributed, so a change moves exactly the
difference (reports.services.ticket_refresh) and a ticket counted twice is impossible.
The dimension columns are plain integers (0 for none), not foreign keys: the unique
key then holds without NULLs, and a deleted group's history stays summed.

``ReportDay`` has nearly one row per ticket at scale (five dimensions: 1.97M rows for
900k tickets), so the page reads the coarse ``ReportAgentDay`` (day × group × agent
only: a few hundred rows a day whatever the volume) unless a channel, priority or type
filter needs the fine rows, and the coarsest ``ReportGroupDay`` (day × group: a handful
of rows a day) for the admin's whole-account or per-group series, backlog and group
leaderboard. ``ReportOrganizationAgentDay`` (day × organization × group × agent) and
``ReportOrganizationDay`` (day × organization) answer the organization filter and the
organization leaderboard the same way; ReportDay keys the organization too, for an
organization together with a channel, priority or type. ``ReportAttributeDay`` (day ×
group × channel × priority × type) and its months (``ReportAttributeMonth``) answer an
admin's channel, priority or type filter without ReportDay's rows (reports 0007);
``ReportTagDay`` and ``ReportTagAgentDay`` count each ticket under every tag it carries
(reports 0006). ``ReportChannelAgentDay``, ``ReportPriorityAgentDay`` and
``ReportTypeAgentDay`` (day × group × agent × one attribute, with their months) answer
one of them with the agent, ``ReportAgentMonth`` an agent's backlog (reports 0010).
All of them are written in the same transaction, by the same difference
(reports.services._apply) and by the same rebuild, so they always agree.
``ReportSlaDay`` (reports 0009) is the SLA achievement's: targets achieved and breached
per day × group × agent × metric, kept by the SLA rows' writers (reports.sla_rollup),
and ``ReportSlaGroupDay`` the same summed over the agents, for an admin's reading.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from accounts.tenancy import TenantModel
from reports.metrics import MEASURES


class Rollup(TenantModel):
    """What every rollup holds besides its key: one count per measure of reports.metrics,
    summed by the same difference (reports.services._apply) and the same rebuild, per
    local day (``monthly``: per month, on its first day, as ReportAttributeMonth)."""

    monthly: ClassVar[bool] = False
    day = models.DateField()
    for _measure in MEASURES:
        locals()[_measure] = models.BigIntegerField(default=0)
    del _measure

    class Meta:
        abstract = True


class ReportDay(Rollup):
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10, default="")
    priority = models.CharField(max_length=10, default="")
    type = models.CharField(max_length=10, default="")
    organization_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "account",
                    "day",
                    "group_pk",
                    "agent_pk",
                    "channel",
                    "priority",
                    "type",
                    "organization_pk",
                ],
                name="report_day_key",
            )
        ]
        indexes = [
            # An organization with a channel, priority or type: its rows, not the days'.
            models.Index(fields=["account", "organization_pk", "day"], name="report_day_org"),
        ]


class ReportTicket(TenantModel):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_constraint=True
    )
    # {"dims": [group, agent, channel, priority, type, organization],
    #  "days": {"YYYY-MM-DD": {measure: n}}}
    counted = models.JSONField(default=dict)


class ReportAgentDay(Rollup):
    """ReportDay summed over channel, priority and type: what the unfiltered page, the
    group and agent filters, an agent's scope and both leaderboards need. The duration
    histograms (metrics.BUCKET_EDGES) sum like the counts, so a range's median and 90th
    percentile come from these rows too, at the buckets' precision (an upper edge)."""

    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk", "agent_pk"], name="report_agent_day_key"
            )
        ]
        indexes = [
            # An agent's scope (their own or their groups' rows) and the agent filter,
            # without reading every other agent's rows of the days: at 1M tickets the
            # backlog before a range is ~300,000 rows of which an agent's are a few
            # thousand.
            models.Index(fields=["account", "agent_pk", "day"], name="report_agent_day_agent"),
            models.Index(fields=["account", "group_pk", "day"], name="report_agent_day_group"),
        ]


class ReportGroupDay(Rollup):
    """ReportAgentDay summed over the agents: the series, the backlog and the group
    leaderboard of a view that is not narrowed to an agent (an admin's)."""

    group_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk"], name="report_group_day_key"
            )
        ]


class ReportOrganizationAgentDay(Rollup):
    """ReportDay summed over channel, priority and type, per organization (reports 0004):
    the page narrowed to an organization (its series and backlog read through
    report_org_agent_day_org, its agent and group leaderboards), and an agent's
    organization leaderboard (their scope needs the group and the agent)."""

    organization_pk = models.BigIntegerField(default=0)
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "organization_pk", "group_pk", "agent_pk"],
                name="report_org_agent_day_key",
            )
        ]
        indexes = [
            # One organization's rows, before and in the range, without the other
            # organizations' (a big one holds ~3% of the account's tickets).
            models.Index(
                fields=["account", "organization_pk", "day"], name="report_org_agent_day_org"
            ),
            models.Index(fields=["account", "agent_pk", "day"], name="report_org_agent_day_agent"),
            models.Index(fields=["account", "group_pk", "day"], name="report_org_agent_day_group"),
        ]


class ReportOrganizationDay(Rollup):
    """ReportOrganizationAgentDay summed over groups and agents: an admin's organization
    leaderboard, and the series and backlog of one organization."""

    organization_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "organization_pk"], name="report_org_day_key"
            )
        ]
        indexes = [
            models.Index(fields=["account", "organization_pk", "day"], name="report_org_day_org"),
        ]


class ReportTagAgentDay(Rollup):
    """The contributions per tag (reports 0006): a ticket adds to the row of every tag it
    carries, under its group and agent (an agent's scope needs both, as do the agent
    filter and leaderboard). ReportTicket.counted remembers the tags it counted under, so
    a tag added or removed moves exactly the difference, as a group change does. The
    rows of all tags together sum to more than the account's (a ticket with two tags
    counts in both), so a reading takes these rows only when a tag is asked."""

    tag = models.CharField(max_length=100)
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "tag", "group_pk", "agent_pk"],
                name="report_tag_agent_day_key",
            )
        ]
        indexes = [
            # One tag's rows, before and in the range, without the other tags'.
            models.Index(fields=["account", "tag", "day"], name="report_tag_agent_day_tag"),
            models.Index(
                fields=["account", "tag", "agent_pk", "day"], name="report_tag_agent_day_agent"
            ),
            models.Index(
                fields=["account", "tag", "group_pk", "day"], name="report_tag_agent_day_group"
            ),
        ]


class ReportTagDay(Rollup):
    """ReportTagAgentDay summed over the agents: an admin's page narrowed to a tag (its
    series, backlog and group leaderboard)."""

    tag = models.CharField(max_length=100)
    group_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "tag", "group_pk"], name="report_tag_day_key"
            )
        ]
        indexes = [
            models.Index(fields=["account", "tag", "day"], name="report_tag_day_tag"),
        ]


class ReportFieldValueAgentDay(Rollup):
    """The contributions per drop-down value (reports 0008), as ReportTagAgentDay per
    tag: a ticket adds to the row of every drop-down field's value it holds (``field_number``:
    the field's per-account number, the key of ``Ticket.custom_fields``), under its group
    and agent. ReportTicket.counted remembers the (field, value) pairs it counted under
    ("fields"), so a value changed moves exactly the difference. Only drop-down fields
    (a field's kind never changes) count: a text field's values would be a row each."""

    field_number = models.BigIntegerField()
    value = models.TextField()
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "field_number", "value", "group_pk", "agent_pk"],
                name="report_value_agent_day_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["account", "field_number", "value", "day"], name="report_value_agent_day_v"
            ),
            models.Index(
                fields=["account", "field_number", "value", "agent_pk", "day"],
                name="report_value_agent_day_agent",
            ),
            models.Index(
                fields=["account", "field_number", "value", "group_pk", "day"],
                name="report_value_agent_day_group",
            ),
        ]


class ReportFieldValueDay(Rollup):
    """ReportFieldValueAgentDay summed over the agents: an admin's page narrowed to a
    drop-down value (its series, backlog and group leaderboard)."""

    field_number = models.BigIntegerField()
    value = models.TextField()
    group_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "field_number", "value", "group_pk"],
                name="report_value_day_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["account", "field_number", "value", "day"], name="report_value_day_v"
            ),
        ]


class ReportAttributeDay(Rollup):
    """ReportDay summed over agents and organizations (reports 0007): day × group ×
    channel × priority × type, what an admin's page narrowed to a channel, priority or
    type reads (its series, backlog and group leaderboard) instead of ReportDay's
    nearly-one-row-per-ticket (~2M rows at 1M tickets)."""

    group_pk = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10, default="")
    priority = models.CharField(max_length=10, default="")
    type = models.CharField(max_length=10, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk", "channel", "priority", "type"],
                name="report_attr_day_key",
            )
        ]
        indexes = [
            # One value's rows, without the others': the backlog before the range.
            models.Index(fields=["account", "channel", "day"], name="report_attr_day_channel"),
            models.Index(fields=["account", "priority", "day"], name="report_attr_day_priority"),
            models.Index(fields=["account", "type", "day"], name="report_attr_day_type"),
        ]


class ReportAttributeMonth(Rollup):
    """ReportAttributeDay summed per month (``day``: the month's first day): the backlog
    before a range sums the months before the range's month and that month's days before
    its start, a few thousand rows instead of every earlier day's."""

    monthly = True
    group_pk = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10, default="")
    priority = models.CharField(max_length=10, default="")
    type = models.CharField(max_length=10, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk", "channel", "priority", "type"],
                name="report_attr_month_key",
            )
        ]


class ReportSlaDay(TenantModel):
    """The SLA achievement per target (reports 0009, reports.sla): per account × local
    day × group × agent × metric, the targets achieved that day (fulfilled in time) and
    breached that day (their breach time fell on it, fulfilled late or not at all), under
    the group and agent the ticket counts under in the other rollups (ReportTicket's
    "dims"). A breach time still ahead is counted on its future day: the reading takes
    only the days before today from here (reports.sla_rollup's docstring)."""

    day = models.DateField()
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    metric = models.CharField(max_length=32)
    achieved = models.BigIntegerField(default=0)
    breached = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk", "agent_pk", "metric"],
                name="report_sla_day_key",
            )
        ]
        indexes = [
            # An agent's scope (their own rows or their groups'), as ReportAgentDay's.
            models.Index(fields=["account", "agent_pk", "day"], name="report_sla_day_agent"),
            models.Index(fields=["account", "group_pk", "day"], name="report_sla_day_group"),
        ]


class ReportSlaGroupDay(TenantModel):
    """ReportSlaDay summed over the agents (reports 0009 too): an admin's SLA table, whole
    account or one group, from a few rows a day instead of a few hundred."""

    day = models.DateField()
    group_pk = models.BigIntegerField(default=0)
    metric = models.CharField(max_length=32)
    achieved = models.BigIntegerField(default=0)
    breached = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk", "metric"], name="report_sla_group_day_key"
            )
        ]


# Reports 0010: the agent's side of a channel, priority or type. ReportDay keys all five
# dimensions and the organization (nearly a row per ticket); day × group × agent ×
# channel × priority × type is as big (the organization adds little), so each attribute
# gets its own table, day × group × agent × that attribute, a few times ReportAgentDay's
# rows; and per month, for the backlog before a range (as ReportAttributeMonth). The key
# starts with the attribute: one value's rows of a range are contiguous.


def _key(attribute: str, name: str) -> list:
    return [
        models.UniqueConstraint(
            fields=["account", attribute, "day", "group_pk", "agent_pk"], name=name
        )
    ]


def _scope_indexes(attribute: str, prefix: str) -> list:
    # An agent's scope (their own rows or their groups'), an agent or a group filter:
    # the value's rows of that agent or group only.
    return [
        models.Index(fields=["account", attribute, "agent_pk", "day"], name=f"{prefix}_agent"),
        models.Index(fields=["account", attribute, "group_pk", "day"], name=f"{prefix}_group"),
    ]


class ReportChannelAgentDay(Rollup):
    """ReportDay summed per day × group × agent × channel: an agent leaderboard, an
    agent filter or an agent's scope with a channel filter (reports 0010)."""

    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10, default="")

    class Meta:
        constraints = _key("channel", "report_chan_agent_day_key")
        indexes = _scope_indexes("channel", "report_chan_agent_day")


class ReportPriorityAgentDay(Rollup):
    """As ReportChannelAgentDay, per priority."""

    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    priority = models.CharField(max_length=10, default="")

    class Meta:
        constraints = _key("priority", "report_prio_agent_day_key")
        indexes = _scope_indexes("priority", "report_prio_agent_day")


class ReportTypeAgentDay(Rollup):
    """As ReportChannelAgentDay, per type."""

    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    type = models.CharField(max_length=10, default="")

    class Meta:
        constraints = _key("type", "report_type_agent_day_key")
        indexes = _scope_indexes("type", "report_type_agent_day")


class ReportChannelAgentMonth(Rollup):
    """ReportChannelAgentDay per month (``day``: its first day): the backlog before a
    range, as ReportAttributeMonth is ReportAttributeDay's."""

    monthly = True
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10, default="")

    class Meta:
        constraints = _key("channel", "report_chan_agent_month_key")


class ReportPriorityAgentMonth(Rollup):
    monthly = True
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    priority = models.CharField(max_length=10, default="")

    class Meta:
        constraints = _key("priority", "report_prio_agent_month_key")


class ReportTypeAgentMonth(Rollup):
    monthly = True
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)
    type = models.CharField(max_length=10, default="")

    class Meta:
        constraints = _key("type", "report_type_agent_month_key")


class ReportAgentMonth(Rollup):
    """ReportAgentDay per month: the backlog before the range of an agent's scope or an
    agent filter (reports 0010), a few thousand rows where ReportAgentDay's earlier days
    are ~40,000 of an agent's scope at 1M tickets."""

    monthly = True
    group_pk = models.BigIntegerField(default=0)
    agent_pk = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "group_pk", "agent_pk"], name="report_agent_month_key"
            )
        ]

"""The vocabulary of views' conditions (tickets.conditions validates and compiles them):
the fields conditions can test, the operators each takes, and what the forms call them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import AgentGroup, Organization, User
from tickets.models import Channel, CustomStatus, Ticket

MAX_CONDITIONS = 50
CURRENT_USER = "current_user"
STATUS_ORDER = [s.value for s in Ticket.Status]
PRIORITY_ORDER = [p.value for p in Ticket.Priority]
# Ticket.priority_rank's values: none 0, then low 1 … urgent 4.
PRIORITY_RANK = {"": 0} | {value: rank for rank, value in enumerate(PRIORITY_ORDER, start=1)}

# Operators, with what the forms call them.
OPERATORS: dict[str, Promise] = {
    "is": gettext_lazy("is"),
    "is_not": gettext_lazy("is not"),
    "less_than": gettext_lazy("less than"),
    "greater_than": gettext_lazy("greater than"),
    "includes": gettext_lazy("contains at least one of"),
    # A text field's value (issue 19: tickets.field_conditions).
    "contains": gettext_lazy("contains the text"),
    "not_includes": gettext_lazy("contains none of"),
    "before": gettext_lazy("before (date)"),
    "after": gettext_lazy("after (date)"),
    "within_last_hours": gettext_lazy("in the last N hours"),
    "within_last_days": gettext_lazy("in the last N days"),
    "older_than_hours": gettext_lazy("more than N hours ago"),
    "older_than_days": gettext_lazy("more than N days ago"),
    "within_last_business_hours": gettext_lazy("in the last N business hours"),
    "older_than_business_hours": gettext_lazy("more than N business hours ago"),
    "is_empty": gettext_lazy("is not set"),
    "is_set": gettext_lazy("is set"),
    "breaches_within_hours": gettext_lazy("breaches within N hours"),
    "breached": gettext_lazy("breached"),
}
IDENTITY = ("is", "is_not")
ORDERED = ("is", "is_not", "less_than", "greater_than")
TIMES = (
    "before",
    "after",
    "within_last_hours",
    "within_last_days",
    "older_than_hours",
    "older_than_days",
)
VALUELESS = ("is_empty", "is_set", "breached")
# Zendesk's "(business)" variants of "hours since": business hours of the account's
# default schedule, which the caller measures (conditions_q's ``business_before``).
# Automations only: a view, an SLA policy refuse them (clean_conditions).
BUSINESS = ("within_last_business_hours", "older_than_business_hours")
SINCE = TIMES + BUSINESS


@dataclass(frozen=True)
class Field:
    """One field conditions can test: its name in the API, the ticket column it reads,
    the kind of value it takes and the operators it allows."""

    name: str
    label: Promise
    column: str
    kind: str  # choice, ordered, group, user, organization, tags, boolean, presence, time, sla
    operators: tuple[str, ...]
    choices: tuple[str, ...] = ()
    # A time measured only while the ticket has this status ("pending since").
    status: str = ""


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("status", gettext_lazy("Status"), "status", "ordered", ORDERED, tuple(STATUS_ORDER)),
        # Read through its severity (Ticket.priority_rank), the column the lists sort by
        # and the group index ends with: a view's priority test and its priority sort
        # use the same column, whose statistics the planner knows.
        Field(
            "priority",
            gettext_lazy("Priority"),
            "priority_rank",
            "ordered",
            ORDERED,
            ("", *PRIORITY_ORDER),
        ),
        Field("type", gettext_lazy("Type"), "type", "choice", IDENTITY, ("", *Ticket.Type.values)),
        # A custom status (issue 19), by its per-account number; served by the index
        # (account, custom_status, -updated_at).
        Field(
            "custom_status_id",
            gettext_lazy("Custom status"),
            "custom_status_id",
            "custom_status",
            IDENTITY,
        ),
        Field("group_id", gettext_lazy("Group"), "group_id", "group", IDENTITY),
        Field("assignee_id", gettext_lazy("Assignee"), "assignee_id", "user", IDENTITY),
        Field("requester_id", gettext_lazy("Requester"), "requester_id", "user", IDENTITY),
        Field(
            "organization_id",
            gettext_lazy("Organization"),
            "organization_id",
            "organization",
            IDENTITY,
        ),
        Field(
            "requester_organization_id",
            gettext_lazy("Requester's organization"),
            "requester__organization_id",
            "organization",
            IDENTITY,
        ),
        Field("current_tags", gettext_lazy("Tags"), "tags", "tags", ("includes", "not_includes")),
        Field("via", gettext_lazy("Channel"), "channel", "choice", IDENTITY, tuple(Channel.values)),
        # The requester's satisfaction rating (issue 26): good, bad, or "" (not rated).
        Field(
            "satisfaction",
            gettext_lazy("Satisfaction"),
            "satisfaction_rating",
            "choice",
            IDENTITY,
            ("", *Ticket.Rating.values),
        ),
        # Issue 28: the sentiment of the requester side's latest comment, or "" (none yet).
        Field(
            "sentiment",
            gettext_lazy("Sentiment"),
            "sentiment",
            "choice",
            IDENTITY,
            ("", *Ticket.Sentiment.values),
        ),
        # Escalations (the escalations app keeps Ticket.escalation): open, resolved or "".
        Field(
            "escalation",
            gettext_lazy("Escalation"),
            "escalation",
            "choice",
            IDENTITY,
            ("", *Ticket.Escalation.values),
        ),
        # Seed 002's activity status (issue 27), kept on the ticket by the services and
        # served by the index (account, activity_status, -updated_at).
        Field(
            "activity_status",
            gettext_lazy("Activity status"),
            "activity_status",
            "choice",
            IDENTITY,
            tuple(Ticket.ActivityStatus.values),
        ),
        Field("is_public", gettext_lazy("Public"), "is_public", "boolean", ("is",)),
        Field("created_at", gettext_lazy("Created"), "created_at", "time", SINCE),
        Field("updated_at", gettext_lazy("Updated"), "updated_at", "time", SINCE),
        Field("solved_at", gettext_lazy("Solved"), "solved_at", "time", SINCE + VALUELESS[:2]),
        Field("due_date", gettext_lazy("Due date"), "due_at", "time", TIMES + VALUELESS[:2]),
        # The earliest breach time of the ticket's running SLA targets (servicelevels
        # keeps it, in TicketSla: a reverse one-to-one, so no import of that app here).
        Field(
            "sla_next_breach_at",
            gettext_lazy("SLA"),
            "sla__next_breach_at",
            "sla",
            ("breaches_within_hours", "breached"),
        ),
        # Issue 20: what time-based automations measure "hours since" from. SLA states are
        # the field above.
        Field(
            "pending_since",
            gettext_lazy("Pending since"),
            "status_changed_at",
            "time",
            SINCE,
            status=Ticket.Status.PENDING,
        ),
        Field(
            "on_hold_since",
            gettext_lazy("On-hold since"),
            "status_changed_at",
            "time",
            SINCE,
            status=Ticket.Status.ON_HOLD,
        ),
        Field(
            "requester_updated_at",
            gettext_lazy("Requester's last reply"),
            "requester_updated_at",
            "time",
            SINCE + VALUELESS[:2],
        ),
        Field(
            "assignee_updated_at",
            gettext_lazy("Assignee's last update"),
            "assignee_updated_at",
            "time",
            SINCE + VALUELESS[:2],
        ),
        Field("snoozed", gettext_lazy("Snoozed"), "snoozed_until", "presence", ("is",)),
    )
}
RELATED = {
    "group": AgentGroup,
    "user": User,
    "organization": Organization,
    "custom_status": CustomStatus,
}

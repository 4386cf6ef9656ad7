"""What the agent workspace calls a ticket's fields and what its "Submit as" buttons say:
one mapping each, read by the ticket forms, the Activity tab and the buttons, so that a
label cannot say one thing in a form and another beside it (Italian drifted: "Invia come
Nuovo" here, "Invia come nuovo" there; "priorità" in the Activity tab, "Priorità" in the
sidebar)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

# Keyed by the names TicketEvent.field records (the model's), which the forms share
# except for the due date (the form's field is a date, ``due_date``).
FIELD_LABELS = {
    "subject": _("Subject"),
    "requester": _("Requester"),
    "ccs": _("CCs"),
    "status": _("Status"),
    "custom_status": _("Custom status"),
    "type": _("Type"),
    "priority": _("Priority"),
    "tags": _("Tags"),
    "due_at": _("Due date"),
    "assignee": _("Assignee"),
    "group": _("Group"),
    "organization": _("Organization"),
    "is_public": _("Visibility"),
    "satisfaction": _("Satisfaction"),
    "escalation": _("Escalation"),
    "sentiment": _("Sentiment"),
    # Calls and meetings (calls app): the call's status; time worked (timeworked app).
    "call": _("Call"),
    "time_worked": _("Time worked"),
    # Issue 20: an automation's application, and a snooze, in the Activity.
    "automation": _("Automation"),
    "snoozed_until": _("Snoozed until"),
    "sla_warning": _("SLA warning"),
    "sla_breach": _("SLA breached"),
    # Links between tickets (ticketlinks): the other ticket's number is the value.
    "user_merged": _("Users merged"),
    "merged_into": _("Merged into"),
    "merged_from": _("Merged in"),
    "related": _("Related"),
    "duplicate_of": _("Duplicate of"),
    "duplicates": _("Has duplicate"),
    "incident_of": _("Incident of problem"),
    "incidents": _("Incident"),
    "split_from": _("Split from"),
    "split_into": _("Split into"),
    # The requester's switch (seed 004; tickets.services.support_access).
    "support_access": _("Support access"),
    # Issue 25: an article written from the ticket's answer (knowledge capture).
    "knowledge_article": _("Article created"),
}

SUBMIT_AS: dict[str, str | Promise] = {
    Ticket.Status.NEW: _("Submit as New"),
    Ticket.Status.OPEN: _("Submit as Open"),
    Ticket.Status.PENDING: _("Submit as Pending"),
    Ticket.Status.ON_HOLD: _("Submit as On-hold"),
    Ticket.Status.SOLVED: _("Submit as Solved"),
}


def submit_as(status: str) -> str:
    """The "Submit as <status>" button's words for a ticket in ``status``."""
    return str(SUBMIT_AS.get(status, _("Submit")))

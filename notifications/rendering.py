"""Placeholders in admin-written email templates, substituted safely.

An admin writes ``{{ticket.title}}``; we never hand that text to Django's template
engine (which would let it walk from ``ticket`` to any related object and attribute).
Instead every placeholder's value is computed up front, as a plain string, into a flat
dict, and a regular expression replaces the known names. Unknown names become "".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customfields.people import people_fields, target_of
from customfields.selectors import ticket_fields_for_viewer, values_shown
from satisfaction.links import rating_url
from satisfaction.selectors import takes_ratings
from tickets.models import Comment, Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}")

PLACEHOLDER_HELP = (
    "ticket.id",
    "ticket.title",
    "ticket.status",
    "ticket.priority",
    "ticket.url",
    "ticket.requester.name",
    "ticket.requester.first_name",
    "ticket.requester.email",
    "ticket.assignee.name",
    "ticket.group.name",
    "ticket.organization.name",
    "ticket.tags",
    "ticket.latest_public_comment",
    "ticket.latest_comment",
    "ticket.public_comments",
    "current_user.name",
    "account.name",
    "satisfaction.rating_section",
    "satisfaction.rating_url",
)


def _tenant_path(names: Sequence[str], number: int, fallback: str) -> str:
    for name in names:
        try:
            return reverse(name, kwargs={"number": number}, urlconf=settings.TENANT_URLCONF)
        except NoReverseMatch:
            continue
    return fallback


def ticket_url(ticket: Ticket, *, for_agent: bool) -> str:
    """Agents get the workspace page, everyone else the help center's request page."""
    if for_agent:
        path = _tenant_path(
            ("tickets:ticket", "tickets:ticket_detail"),
            ticket.number,
            f"/agent/tickets/{ticket.number}/",
        )
    else:
        path = _tenant_path(("portal:request",), ticket.number, f"/hc/requests/{ticket.number}/")
    return f"{ticket.account.base_url}{path}"


def _format_comment(comment: Comment) -> str:
    # In the recipient's time zone and date format (compose activates both).
    when = formats.date_format(timezone.localtime(comment.created_at), "DATETIME_FORMAT")
    return f"{comment.author.name}, {when}\n\n{comment.body}"


def placeholder_values(
    *,
    ticket: Ticket,
    actor: User | None,
    conversation: Sequence[Comment],
    for_agent: bool,
) -> dict[str, str]:
    """Every placeholder's value as a string. ``conversation`` is what the recipient may
    read (oldest first); public-comment placeholders only ever use public comments."""
    public = [c for c in conversation if c.public]
    latest_public = public[-1] if public else None
    latest = conversation[-1] if conversation else None
    return {
        "ticket.id": str(ticket.number),
        "ticket.number": str(ticket.number),
        "ticket.title": ticket.subject,
        "ticket.subject": ticket.subject,
        "ticket.status": _status_label(ticket, for_agent=for_agent),
        "ticket.priority": str(Ticket.Priority(ticket.priority).label) if ticket.priority else "",
        "ticket.url": ticket_url(ticket, for_agent=for_agent),
        "ticket.requester.name": ticket.requester.name,
        "ticket.requester.first_name": (ticket.requester.name.split() or [""])[0],
        "ticket.requester.email": ticket.requester.email,
        "ticket.assignee.name": ticket.assignee.name if ticket.assignee_id else "",  # type: ignore[union-attr]  # a ticket has a requester
        "ticket.group.name": ticket.group.name if ticket.group_id else "",  # type: ignore[union-attr]  # the *_id is checked
        "ticket.organization.name": ticket.organization.name if ticket.organization_id else "",  # type: ignore[union-attr]  # the *_id is checked
        "ticket.tags": ticket.tags,
        "ticket.latest_public_comment": latest_public.body if latest_public else "",
        "ticket.latest_comment": latest.body if latest else "",
        "ticket.public_comments": "\n\n----\n\n".join(_format_comment(c) for c in reversed(public)),
        "current_user.name": actor.name if actor else _("System"),
        "account.name": ticket.account.name,
        **custom_field_values(ticket, for_agent=for_agent),
        **(people_field_values(ticket) if for_agent else {}),
        **({} if for_agent else satisfaction_values(ticket)),
    }


def satisfaction_values(ticket: Ticket) -> dict[str, str]:
    """The satisfaction survey's links (issue 26), for the requester's emails: each
    choice's signed link records it; ``rating_url`` opens the page with both. A ticket
    that takes no ratings (unsolved, private, closed too long ago) gets none."""
    if not takes_ratings(ticket):
        return {}
    good, bad = rating_url(ticket, "good"), rating_url(ticket, "bad")
    good_label, bad_label = _("Good, I'm satisfied"), _("Bad, I'm unsatisfied")
    question = _("How would you rate the support you received?")
    section = "\n".join((question, "", good_label + ": " + good, bad_label + ": " + bad))
    return {
        "satisfaction.rating_section": section,
        "satisfaction.rating_url": rating_url(ticket),
        "satisfaction.good_url": good,
        "satisfaction.bad_url": bad,
    }


def _status_label(ticket: Ticket, *, for_agent: bool) -> str:
    """The status as the recipient reads it: the custom status's label for agents or for
    end users (never the agents' one to an end user); Closed and rows without one, the
    category's."""
    custom = ticket.custom_status if ticket.custom_status_id else None
    if custom is None or ticket.status == Ticket.Status.CLOSED:
        return str(Ticket.Status(ticket.status).label)
    return custom.agent_name if for_agent else custom.end_user_name


def custom_field_values(ticket: Ticket, *, for_agent: bool) -> dict[str, str]:
    """Zendesk's ``{{ticket.ticket_field_<id>}}`` and ``…ticket_field_option_title_<id>``
    (issue 19): each field's value as people read it (a drop-down's option title). An
    email to an end user names only the fields made visible to end users. Read only for
    a ticket with values (two queries), so other emails cost nothing more."""
    if not ticket.custom_fields:
        return {}
    fields = ticket_fields_for_viewer(account=ticket.account, viewer=None, agents=for_agent)
    shown = values_shown(account=ticket.account, fields=fields, values=ticket.custom_fields)
    values = {}
    for item in shown:
        values[f"ticket.ticket_field_{item.field.number}"] = item.text
        values[f"ticket.ticket_field_option_title_{item.field.number}"] = item.text
    return values


def people_field_values(ticket: Ticket) -> dict[str, str]:
    """Zendesk's ``{{ticket.requester.custom_fields.<key>}}`` and
    ``{{ticket.organization.custom_fields.<key>}}`` (issue 19), the key being the user or
    organization field's number. Agents' emails only: end users never get people's
    fields. Read only for a requester or organization with values (two queries each)."""
    values: dict[str, str] = {}
    rows = (("requester", ticket.requester), ("organization", ticket.organization))
    for prefix, row in rows:
        if row is None:
            continue
        stored = getattr(row, f"{target_of(row)}_fields", None)
        if not stored:
            continue
        fields = people_fields(account=ticket.account, target=target_of(row), active_only=True)
        for item in values_shown(account=ticket.account, fields=fields, values=stored):
            values[f"ticket.{prefix}.custom_fields.{item.field.key}"] = item.text
    return values


def render_placeholders(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template or "")

"""Zendesk's ticket audits, read from the history Sportello already keeps (TicketEvent,
the ticket page's Activity).

A history row carries no change-set id, so the change sets are found again from the
rows themselves, in order (created_at, id). A new audit starts at:

- a row written by another database transaction (TicketEvent.transaction_id: every
  service writes its change set, and the triggers' actions on it, in one transaction,
  and two API calls a millisecond apart are two transactions);
- a "ticket created" row (the first change set of a ticket);
- a row more than ``CHANGE_SET_GAP`` after the previous one (a service writes a change
  set's rows in one transaction, milliseconds apart);
- a row by another person (trigger actions, written by the system with no actor, stay
  in the change set that fired them, as Zendesk shows them with ``via: rule``);
- a second comment (every change set holds at most one).

The audit's id is the id of its last row: the id the write endpoints already answer
with (api.serializers.output.audit_json), unique in the account and growing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils.html import escape, linebreaks

from accounts.models import AgentGroup, Organization, User
from api.serializers.output import AUDIT_FIELD_NAMES, attachment_json, timestamp, via
from tickets.audit_extras import extras_between
from tickets.models import Attachment, Channel, Ticket, TicketEvent
from tickets.support_access import WITHHELD_BODY, blank_bodies, bodies_withheld

CHANGE_SET_GAP = dt.timedelta(seconds=2)

# Foreign keys are recorded by display name: turned back into the API's numbers.
# (A CC added or removed is recorded alone, by name: its event gives that person's number.)
NAMED: dict[str, Any] = {
    "assignee": User,
    "requester": User,
    "ccs": User,
    "group": AgentGroup,
    "organization": Organization,
}


@dataclass
class Audit:
    events: list[TicketEvent] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.events[-1].pk

    @property
    def first(self) -> TicketEvent:
        return self.events[0]

    def has_comment(self) -> bool:
        return any(e.kind == TicketEvent.Kind.COMMENT for e in self.events)

    def takes(self, event: TicketEvent) -> bool:
        last = self.events[-1]
        if event.kind == TicketEvent.Kind.CREATED:
            return False
        if event.transaction_id != last.transaction_id:
            return False  # (rows older than the column are null alike: time decides)
        if event.created_at - last.created_at > CHANGE_SET_GAP:
            return False
        if event.kind == TicketEvent.Kind.COMMENT and self.has_comment():
            return False
        if event.actor_id is None and event.channel == Channel.SYSTEM:
            return True  # a trigger's action joins the change set that fired it
        return event.actor_id == self.first.actor_id


def history_rows(ticket: Ticket, *, viewer: User) -> list[TicketEvent]:
    """Every history row of the ticket, with what the audit shows, in three queries; the
    comments' bodies and files left out where support access withholds them."""
    attachments = Attachment.objects.for_account(ticket.account).order_by("id")
    if bodies_withheld(ticket=ticket, viewer=viewer):
        attachments = attachments.none()
    events = list(
        TicketEvent.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .select_related("actor", "comment__author")
        .prefetch_related(Prefetch("comment__attachments", queryset=attachments))
        .order_by("created_at", "id")
    )
    if bodies_withheld(ticket=ticket, viewer=viewer):
        blank_bodies([event.comment for event in events if event.comment is not None])
    return events


def audits_of(events: Iterable[TicketEvent]) -> list[Audit]:
    audits: list[Audit] = []
    for event in events:
        if audits and audits[-1].takes(event):
            audits[-1].events.append(event)
        else:
            audits.append(Audit([event]))
    return audits


class Numbers:
    """Display names of people, groups and organizations → their per-account numbers,
    one query per model for a whole page of audits. A name two records share stays
    unresolved (null), rather than naming the wrong one."""

    def __init__(self, account, audits: list[Audit]):
        wanted: dict[Any, set[str]] = {}
        for audit in audits:
            for e in audit.events:
                named = NAMED.get(e.field) if e.kind == TicketEvent.Kind.CHANGE else None
                if named is not None:
                    wanted.setdefault(named, set()).update(
                        v for v in (e.old_value, e.new_value) if v
                    )
        self._found: dict[tuple[Any, str], int | None] = {}
        for model, names in wanted.items():
            rows = model.objects.for_account(account).filter(name__in=names)
            for name, number in rows.values_list("name", "number"):
                key = (model, name)
                self._found[key] = None if key in self._found else number

    def of(self, field_name: str, value: str) -> int | str | None:
        model = NAMED.get(field_name)
        if not value:
            return None
        if model is None:
            return value
        return self._found.get((model, value))


def audit_json(audit: Audit, ticket: Ticket, request, numbers: Numbers) -> dict:
    first = audit.first
    return {
        "id": audit.id,
        "ticket_id": ticket.number,
        # Zendesk's author of system changes is -1.
        "author_id": first.actor.number if first.actor else -1,
        "created_at": timestamp(first.created_at),
        "via": via(first.channel),
        "metadata": {"system": {}, "custom": {}},
        "events": [event_json(e, request, numbers, audit_id=audit.id) for e in audit.events],
    }


def event_json(event: TicketEvent, request, numbers: Numbers, *, audit_id: int) -> dict:
    kind = event.kind
    base: dict = {"id": event.pk, "via": via(event.channel)}
    if kind == TicketEvent.Kind.COMMENT and event.comment is not None:
        comment = event.comment
        return {
            **base,
            "type": "Comment",
            "author_id": comment.author.number,
            "body": comment.body,
            "html_body": comment.html_body or linebreaks(escape(comment.body)),
            "plain_body": comment.body,
            "public": comment.public,
            "attachments": [attachment_json(a, request) for a in comment.attachments.all()],
            "audit_id": audit_id,
        }
    if kind == TicketEvent.Kind.CREATED:
        return {**base, "type": "Create", "field_name": "is_public", "value": _is_public(event)}
    if kind in (TicketEvent.Kind.MADE_PUBLIC, TicketEvent.Kind.MADE_PRIVATE):
        made_public = kind == TicketEvent.Kind.MADE_PUBLIC
        return {
            **base,
            "type": "Change",
            "field_name": "is_public",
            "value": made_public,
            "previous_value": not made_public,
        }
    name = event.field
    if name == "tags":
        value: object = event.new_value.split()
        previous: object = event.old_value.split()
    else:
        value = numbers.of(name, event.new_value)
        previous = numbers.of(name, event.old_value)
    return {
        **base,
        "type": "Change",
        "field_name": AUDIT_FIELD_NAMES.get(name, name),
        "value": value,
        "previous_value": previous,
    }


def _is_public(event: TicketEvent) -> bool:
    return event.new_value != "private"


def audits_json(audits: list[Audit], ticket: Ticket, request) -> list[dict]:
    numbers = Numbers(ticket.account, audits)
    out = [audit_json(audit, ticket, request, numbers) for audit in audits]
    _add_extras(audits, out, ticket, withheld=bodies_withheld(ticket=ticket, viewer=request.user))
    return out


def _add_extras(audits: list[Audit], out: list[dict], ticket: Ticket, *, withheld: bool) -> None:
    """Other apps' events (the emails triggers sent: Notification) join the change set
    that was being recorded when they were: the latest audit begun at or before them,
    within CHANGE_SET_GAP of its last row. One query for the page. Where support access
    withholds the comments' bodies, an email's body (which quotes them) goes too."""
    if not audits:
        return
    by_time = sorted(zip(audits, out, strict=True), key=lambda pair: pair[0].first.created_at)
    start = by_time[0][0].first.created_at
    end = max(a.events[-1].created_at for a in audits) + CHANGE_SET_GAP
    for extra in extras_between(ticket, start, end):
        owner = None
        for audit, body in by_time:
            if audit.first.created_at > extra.at:
                break
            owner = (audit, body)
        if owner and extra.at - owner[0].events[-1].created_at <= CHANGE_SET_GAP:
            event = extra.event
            if withheld and "body" in event:
                event = {**event, "body": WITHHELD_BODY}
            owner[1]["events"].append(event)

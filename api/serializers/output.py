"""Our objects in Zendesk's field names. Every ``id`` is the per-account number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils.html import escape, linebreaks

from accounts.models import Account, AgentGroup, Organization, User
from calls.models import TicketCall
from customfields.people import TARGETS, people_fields, target_of
from customfields.selectors import ticket_fields_for_viewer
from customfields.values import api_value
from tickets.models import Attachment, Comment, Ticket, TicketCC
from tickets.status_selectors import default_status_numbers
from tickets.support_access import readable_tickets_q

# Our ticket types in Zendesk's words and back (question ↔ request, task ↔ change).
TYPE_TO_ZENDESK = {
    "incident": "incident",
    "problem": "problem",
    "request": "question",
    "change": "task",
}
TYPE_FROM_ZENDESK = {
    "incident": "incident",
    "problem": "problem",
    "question": "request",
    "task": "change",
    # Our own names are understood too.
    "request": "request",
    "change": "change",
}
ROLE_TO_ZENDESK = {"end_user": "end-user", "agent": "agent", "admin": "admin"}
ROLE_FROM_ZENDESK = {
    "end-user": "end_user",
    "end_user": "end_user",
    "agent": "agent",
    "admin": "admin",
}
CHANNEL_TO_ZENDESK = {
    "web": "web",
    "portal": "web",
    "email": "email",
    "phone": "voice",
    "meeting": "voice",
    "api": "api",
    "system": "rule",
}


def timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def absolute(request, path: str) -> str:
    return request._request.build_absolute_uri(path)


def _number(obj) -> int | None:
    return obj.number if obj is not None else None


def _custom_status_number(ticket: Ticket, request) -> int | None:
    """The ticket's custom status, or, while the backfill has not filled it, its
    category's default (tickets.status_selectors): read once per request, and only when
    such a ticket is met."""
    if ticket.custom_status_id is not None:
        return ticket.custom_status.number  # type: ignore[union-attr]
    defaults = getattr(request, "_default_status_numbers", None)
    if defaults is None:
        defaults = default_status_numbers(account=Account(pk=ticket.account_id))
        request._default_status_numbers = defaults
    return defaults.get(ticket.status)


def via(channel: str) -> dict:
    # Zendesk has no meeting channel: a meeting is "voice" whose source.rel says so.
    return {
        "channel": CHANNEL_TO_ZENDESK.get(channel, "web"),
        "source": {"from": {}, "to": {}, "rel": "meeting" if channel == "meeting" else None},
    }


def ticket_rows(qs: QuerySet[Ticket], *, account, viewer: User) -> QuerySet[Ticket]:
    """What ticket_json reads, in a fixed number of queries. The description (the first
    comment's body) is empty where support access withholds it from the viewer."""
    first_comment = (
        Comment.objects.for_account(account)
        .filter(ticket=OuterRef("pk"))
        .order_by("created_at", "id")
        .values("body")[:1]
    )
    # Zendesk's problem_id: the problem an incident is linked to (one at most: the
    # links' constraint), read through the link's reverse relation.
    problem = (
        Ticket.objects.for_account(account)
        .filter(links_in__ticket=OuterRef("pk"), links_in__kind="incident")
        .values("number")[:1]
    )
    call = TicketCall.objects.for_account(account).filter(ticket=OuterRef("pk"))
    return (
        qs.select_related(
            "requester", "submitter", "assignee", "group", "organization", "custom_status"
        )
        .prefetch_related(
            Prefetch(
                "cc_links",
                queryset=TicketCC.objects.for_account(account)
                .select_related("user")
                .order_by("id"),
            )
        )
        .annotate(
            first_body=Case(
                When(readable_tickets_q(viewer=viewer), then=Subquery(first_comment)),
                default=Value(""),
                output_field=TextField(),
            ),
            problem_number=Subquery(problem),
            # Sportello's "call" object (calls and meetings, seeds 000 and 004).
            call_status=Subquery(call.values("status")[:1]),
            call_scheduled_at=Subquery(call.values("scheduled_at")[:1]),
            call_meeting_url=Subquery(call.values("meeting_url")[:1]),
            # Zendesk's has_incidents: any incident linked to this problem, in the same query.
            incidents_linked=Exists(
                Ticket.objects.for_account(account).filter(
                    links_out__other=OuterRef("pk"), links_out__kind="incident"
                )
            ),
        )
    )


def ticket_json(
    ticket: Ticket, request, *, description: str | None = None, ccs: list[int] | None = None
) -> dict:
    """``description`` and ``ccs`` (user numbers) when the caller has them in hand (a
    create); else ticket_rows' annotation and prefetch."""
    if ccs is None:
        ccs = [link.user.number for link in ticket.cc_links.all()]  # type: ignore[misc]  # a CC is an account user
    if description is None:
        description = getattr(ticket, "first_body", None) or ""
    return {
        "id": ticket.number,
        "url": absolute(request, f"/api/v2/tickets/{ticket.number}.json"),
        "external_id": None,
        "type": TYPE_TO_ZENDESK.get(ticket.type) if ticket.type else None,
        "subject": ticket.subject,
        "raw_subject": ticket.subject,
        "description": description,
        "priority": ticket.priority or None,
        "status": ticket.status,
        "custom_status_id": _custom_status_number(ticket, request),
        "recipient": None,
        "requester_id": ticket.requester.number,
        "submitter_id": ticket.submitter.number,
        "assignee_id": _number(ticket.assignee),
        "organization_id": _number(ticket.organization),
        "group_id": _number(ticket.group),
        "collaborator_ids": ccs,
        "follower_ids": [],
        "email_cc_ids": ccs,
        "problem_id": getattr(ticket, "problem_number", None),
        "has_incidents": bool(getattr(ticket, "incidents_linked", False)),
        "is_public": ticket.is_public,
        "due_at": timestamp(ticket.due_at),
        "tags": ticket.tag_list,
        "custom_fields": (values := custom_fields_json(ticket, request)),
        "fields": values,
        "ticket_form_id": ticket.ticket_form_number,
        "satisfaction_rating": {"score": ticket.satisfaction_rating}
        if ticket.satisfaction_rating
        else None,
        "via": via(ticket.channel),
        # Sportello's own (no Zendesk field): the ticket's call or meeting, and the time
        # agents logged on it (timeworked), in seconds.
        "call": call_json(ticket),
        "time_worked": {"total_seconds": ticket.time_worked},
        "allow_attachments": True,
        "created_at": timestamp(ticket.created_at),
        "updated_at": timestamp(ticket.updated_at),
        "generated_timestamp": int(ticket.updated_at.timestamp()),
    }


def call_json(ticket: Ticket) -> dict | None:
    status = getattr(ticket, "call_status", None)
    if not status:
        return None
    return {
        "status": status,
        "scheduled_at": timestamp(getattr(ticket, "call_scheduled_at", None)),
        "meeting_url": getattr(ticket, "call_meeting_url", None) or None,
    }


def fields_for_request(request) -> list:
    """The fields the caller sees (selectors decide: end users only those made visible
    to them), read once per request however many tickets it answers."""
    cached = getattr(request, "_ticket_fields", None)
    if cached is None:
        cached = ticket_fields_for_viewer(
            account=request.account, viewer=request.user, with_options=False
        )
        request._ticket_fields = cached
    return cached


def custom_fields_json(ticket: Ticket, request) -> list[dict]:
    """Zendesk's ``custom_fields``: every field the caller sees, by number, with its
    value (a checkbox is false when unset, any other field null)."""
    values = ticket.custom_fields or {}
    return [
        {"id": f.number, "value": api_value(f, values.get(f.key))}
        for f in fields_for_request(request)
    ]


def request_json(ticket: Ticket, request, *, description: str) -> dict:
    """A ticket as the requester sees it (Zendesk's Request object)."""
    return {
        "id": ticket.number,
        "url": absolute(request, f"/api/v2/requests/{ticket.number}.json"),
        "subject": ticket.subject,
        "description": description,
        "status": ticket.status,
        "priority": ticket.priority or None,
        "type": TYPE_TO_ZENDESK.get(ticket.type) if ticket.type else None,
        "requester_id": ticket.requester.number,
        "assignee_id": _number(ticket.assignee),
        "organization_id": _number(ticket.organization),
        "group_id": _number(ticket.group),
        "collaborator_ids": [link.user.number for link in ticket.cc_links.all()],
        "email_cc_ids": [link.user.number for link in ticket.cc_links.all()],
        "is_public": ticket.is_public,
        "can_be_solved_by_me": not ticket.is_solved,
        "solved": ticket.is_solved,
        "due_at": timestamp(ticket.due_at),
        "custom_fields": (values := custom_fields_json(ticket, request)),
        "fields": values,
        "ticket_form_id": ticket.ticket_form_number,
        "via": via(ticket.channel),
        "created_at": timestamp(ticket.created_at),
        "updated_at": timestamp(ticket.updated_at),
    }


def attachment_json(attachment: Attachment, request) -> dict:
    ticket = attachment.comment.ticket if attachment.comment_id else None  # type: ignore[union-attr]  # the comment_id is checked
    url = (
        absolute(request, f"/hc/requests/{ticket.number}/attachments/{attachment.token}/")
        if ticket is not None
        else None
    )
    return {
        "id": attachment.pk,
        "file_name": attachment.filename,
        "content_url": url,
        "mapped_content_url": url,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "inline": False,
        "deleted": False,
        "thumbnails": [],
    }


def comment_json(comment: Comment, request) -> dict:
    html = comment.html_body or linebreaks(escape(comment.body))
    return {
        "id": comment.pk,
        "type": "Comment",
        "author_id": comment.author.number,
        "body": comment.body,
        "html_body": html,
        "plain_body": comment.body,
        "public": comment.public,
        "attachments": [attachment_json(a, request) for a in comment.attachments.all()],
        "via": via(comment.channel),
        "metadata": {"system": {}, "custom": {}},
        "created_at": timestamp(comment.created_at),
    }


def people_values_json(row: User | Organization, request) -> dict:
    """Zendesk's ``user_fields``/``organization_fields``: every active field by key (our
    key: the field's number) with its value (null when unset); agents only (an end user
    reading their own profile gets none). The fields are read once per request."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_agent", False):
        return {}
    target = target_of(row)
    cache = getattr(request, "_people_fields", None)
    if cache is None:
        cache = request._people_fields = {}
    if target not in cache:
        account: Any = row.account
        cache[target] = people_fields(account=account, target=target, active_only=True)
    values = getattr(row, TARGETS[target][2]) or {}
    return {f.key: api_value(f, values.get(f.key)) for f in cache[target]}


def user_json(user: User, request) -> dict:
    account = getattr(request._request, "account", None)
    if account is not None and user.account_id == account.pk:
        user.account = account  # the request's own: no query per user for its defaults
    return {
        "id": user.number,
        "url": absolute(request, f"/api/v2/users/{user.number}.json"),
        "name": user.name,
        "email": user.email,
        "phone": user.phone or None,
        "role": ROLE_TO_ZENDESK[user.role],
        "organization_id": user.organization.number if user.organization_id else None,  # type: ignore[union-attr]  # the organization_id is checked
        "locale": user.effective_locale,
        "time_zone": user.effective_time_zone,
        "iana_time_zone": user.effective_time_zone,  # Sportello's zones are IANA names
        "alias": None,
        "details": None,
        "notes": user.notes if getattr(request.user, "is_agent", False) else None,
        "signature": None,
        "photo": None,
        "role_type": None,  # no custom roles
        "shared": False,
        "shared_agent": False,
        "last_login_at": timestamp(user.last_login),
        "active": user.is_active,
        "verified": True,
        "suspended": False,
        "moderator": user.is_agent,
        "only_private_comments": False,
        "restricted_agent": False,
        "tags": [],
        "user_fields": people_values_json(user, request),
        "external_id": None,
        "created_at": timestamp(user.created_at),
        "updated_at": timestamp(user.updated_at),
    }


def organization_json(org: Organization, request) -> dict:
    return {
        "id": org.number,
        "url": absolute(request, f"/api/v2/organizations/{org.number}.json"),
        "name": org.name,
        "domain_names": [d.domain for d in org.domains.all()],
        "details": org.details,
        "notes": org.notes,
        "shared_tickets": False,
        "shared_comments": False,
        "group_id": None,  # organizations route no tickets to a group here
        "tags": [],
        "organization_fields": people_values_json(org, request),
        "external_id": None,
        "created_at": timestamp(org.created_at),
        "updated_at": timestamp(org.updated_at),
    }


def group_json(group: AgentGroup, request) -> dict:
    return {
        "id": group.number,
        "url": absolute(request, f"/api/v2/groups/{group.number}.json"),
        "name": group.name,
        "description": group.description,
        "default": False,
        "deleted": False,
        "is_public": True,
        "created_at": timestamp(group.created_at),
        "updated_at": timestamp(group.updated_at),
    }


SIDELOADS = ("users", "groups", "organizations")


def sideloads(tickets: list[Ticket], request) -> dict:
    """``?include=users,groups,organizations``: the records the page's tickets name."""
    wanted = {
        part.strip()
        for part in str(request.query_params.get("include") or "").split(",")
        if part.strip() in SIDELOADS
    }
    out: dict = {}
    if "users" in wanted:
        people: dict[int, User] = {}
        for t in tickets:
            for person in (
                t.requester,
                t.submitter,
                t.assignee,
                *[c.user for c in t.cc_links.all()],
            ):
                if person is not None:
                    people[person.pk] = person
        for person in people.values():
            if person.organization_id and "organization" not in person._state.fields_cache:
                person.organization  # noqa: B018 - load once, used by user_json
        out["users"] = [
            user_json(u, request)
            for u in sorted(people.values(), key=lambda u: u.number)  # type: ignore[arg-type,return-value]  # account users are numbered
        ]
    if "groups" in wanted:
        groups = {t.group.pk: t.group for t in tickets if t.group is not None}
        out["groups"] = [
            group_json(g, request) for g in sorted(groups.values(), key=lambda g: g.number)
        ]
    if "organizations" in wanted:
        orgs = {t.organization.pk: t.organization for t in tickets if t.organization is not None}
        out["organizations"] = [
            organization_json(o, request) for o in sorted(orgs.values(), key=lambda o: o.number)
        ]
    return out


# History rows and services name the model's fields; Zendesk's audits name the API's
# (the write endpoints' audits and api.audits' history read alike).
AUDIT_FIELD_NAMES = {
    "assignee": "assignee_id",
    "group": "group_id",
    "requester": "requester_id",
    "organization": "organization_id",
    "satisfaction": "satisfaction_score",
}


def audit_json(
    ticket: Ticket, request, *, actor: User, comment: Comment | None, changes: dict, created: bool
) -> dict:
    """Zendesk answers writes with the ticket and the audit of the change set."""
    events = []
    if comment is not None:
        events.append(
            {
                "id": comment.pk,
                "type": "Comment",
                "author_id": comment.author.number,
                "body": comment.body,
                "html_body": comment.html_body or linebreaks(escape(comment.body)),
                "public": comment.public,
                "attachments": [attachment_json(a, request) for a in comment.attachments.all()],
            }
        )
    for name, (old, new) in changes.items():
        events.append(
            {
                "type": "Create" if created else "Change",
                "field_name": AUDIT_FIELD_NAMES.get(name, name),
                "value": _event_value(new),
                "previous_value": None if created else _event_value(old),
            }
        )
    return {
        # The audit is the change set whose events were just recorded: its id is the last
        # of them (unique in the account and growing, as clients that dedupe expect).
        "id": ticket.events.order_by("-pk").values_list("pk", flat=True).first(),
        "ticket_id": ticket.number,
        "author_id": actor.number,
        "created_at": timestamp(ticket.updated_at),
        "via": via("api"),
        "metadata": {"system": {}, "custom": {}},
        "events": events,
    }


def _event_value(value):
    if hasattr(value, "number"):
        return value.number
    if isinstance(value, dt.datetime):
        return timestamp(value)
    return value

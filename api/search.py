"""Zendesk's search syntax, parsed into allow-listed filters (never raw ORM lookups).

    printer "on fire" type:ticket status<solved requester:ada@acme.example
    assignee:me assignee:none tags:vip created>2026-01-01 is_public:false -spam

Free words match the subject or any comment the viewer may read; every other keyword
maps to one known column. Unknown keywords are treated as free text, as Zendesk does.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, User
from tickets.models import Ticket
from tickets.selectors import comments_visible_across_tickets, tickets_visible_to
from tickets.services import tickets_with_tag

STATUS_ORDER = ["new", "open", "pending", "hold", "solved", "closed"]
TERM = re.compile(r"^(-?)([a-z_]+)(:|<=|>=|<|>)(.*)$", re.IGNORECASE)
TYPE_WORDS = {"ticket", "user", "organization", "group"}
TICKET_SORTS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "priority": "priority_rank",  # by severity, not alphabetically
    "status": "status",
    "ticket_type": "type",
    "id": "number",
}


@dataclass
class Query:
    result_type: str = "ticket"
    words: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    terms: list[tuple[bool, str, str, str]] = field(default_factory=list)


def parse(text: str) -> Query:
    query = Query()
    try:
        parts = shlex.split(text or "")
    except ValueError:  # an unbalanced quote: read it as plain words
        parts = (text or "").replace('"', " ").split()
    for part in parts[:50]:
        match = TERM.match(part)
        if match and match.group(4):
            negate, key, op, value = match.groups()
            key = key.lower()
            if key == "type" and op == ":" and value.lower() in TYPE_WORDS:
                query.result_type = value.lower()
                continue
            query.terms.append((bool(negate), key, op, value))
        elif part.startswith("-") and len(part) > 1:
            query.excluded.append(part[1:])
        else:
            query.words.append(part)
    return query


def _date(value: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _compare(column: str, op: str, value):
    lookup = {":": "", "<": "__lt", ">": "__gt", "<=": "__lte", ">=": "__gte"}[op]
    return Q(**{f"{column}{lookup}": value})


def _user_q(viewer: User, column: str, value: str) -> Q:
    value = value.lower()
    if value == "me":
        return Q(**{column: viewer})
    if value == "none":
        return Q(**{f"{column}__isnull": True})
    if value.isdigit():
        return Q(**{f"{column}__number": _number(value) or 0})
    if "@" in value:
        return Q(**{f"{column}__email": value})
    return Q(**{f"{column}__name__icontains": value})


def _number(value: str) -> int | None:
    # Numbers past a bigint would make the database raise: they simply match nothing.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _text_q(viewer: User, word: str) -> Q:
    # Which comments a viewer may read is the selector's rule, not search's.
    comments = comments_visible_across_tickets(viewer=viewer).filter(
        ticket=OuterRef("pk"), body__icontains=word
    )
    condition = Q(subject__icontains=word) | Q(Exists(comments))
    if _number(word) is not None:
        condition |= Q(number=_number(word))
    return condition


def _term_q(viewer: User, key: str, op: str, value: str) -> Q | None:
    value = value.strip()
    low = value.lower()
    if key == "status":
        if low not in STATUS_ORDER:
            return Q(pk__in=[])
        if op == ":":
            return Q(status=low)
        index = STATUS_ORDER.index(low)
        chosen = {
            "<": STATUS_ORDER[:index],
            "<=": STATUS_ORDER[: index + 1],
            ">": STATUS_ORDER[index + 1 :],
            ">=": STATUS_ORDER[index:],
        }[op]
        return Q(status__in=chosen)
    if key in ("requester", "assignee", "submitter") and op == ":":
        return _user_q(viewer, key, value)
    if key in ("tags", "tag") and op == ":":
        return Q(
            pk__in=tickets_with_tag(Ticket.objects.for_account(viewer.account), low).values("pk")
        )
    if key in ("created", "updated", "solved", "due_date"):
        column = {
            "created": "created_at",
            "updated": "updated_at",
            "solved": "solved_at",
            "due_date": "due_at",
        }[key]
        when = _date(value)
        if when is None:
            return Q(pk__in=[])
        if op == ":":
            return Q(**{f"{column}__gte": when, f"{column}__lt": when + dt.timedelta(days=1)})
        if op in (">", "<="):
            when = when + dt.timedelta(days=1)  # "after that day" and "up to that day"
        return _compare(column, {">": ">=", "<=": "<"}.get(op, op), when)
    if key == "is_public" and op == ":" and low in ("true", "false"):
        return Q(is_public=low == "true")
    if key == "priority" and op == ":":
        return Q(priority=low)
    if key == "ticket_type" and op == ":":
        from api.serializers.output import TYPE_FROM_ZENDESK

        return Q(type=TYPE_FROM_ZENDESK.get(low, "?"))
    if key == "group" and op == ":":
        return (
            Q(group__number=_number(value) or 0)
            if value.isdigit()
            else Q(group__name__iexact=value)
        )
    if key == "organization" and op == ":":
        return (
            Q(organization__number=_number(value) or 0)
            if value.isdigit()
            else Q(organization__name__iexact=value)
        )
    if key == "subject" and op == ":":
        return Q(subject__icontains=value)
    return None


def search_tickets(
    *, viewer: User, query: Query, sort_by: str = "", sort_order: str = ""
) -> QuerySet[Ticket]:
    if not viewer.is_agent:
        raise PermissionError("search is for agents")
    qs = tickets_visible_to(viewer=viewer)
    for word in query.words:
        qs = qs.filter(_text_q(viewer, word))
    for word in query.excluded:
        qs = qs.exclude(_text_q(viewer, word))
    for negate, key, op, value in query.terms:
        condition = _term_q(viewer, key, op, value)
        if condition is None:
            condition = _text_q(viewer, f"{key}{op}{value}")
        qs = qs.exclude(condition) if negate else qs.filter(condition)
    column = TICKET_SORTS.get(sort_by, "updated_at")
    prefix = "" if sort_order == "asc" else "-"
    return qs.order_by(f"{prefix}{column}", f"{prefix}number")


def search_users(*, viewer: User, query: Query) -> QuerySet[User]:
    qs = User.objects.for_account(viewer.account).select_related("organization")
    for word in query.words:
        qs = qs.filter(Q(name__icontains=word) | Q(email__icontains=word))
    for _negate, key, op, value in query.terms:
        if key == "email" and op == ":":
            qs = qs.filter(email=value.lower())
        elif key == "role" and op == ":":
            qs = qs.filter(role=value.lower().replace("-", "_"))
        elif key == "name" and op == ":":
            qs = qs.filter(name__icontains=value)
        elif key == "organization" and op == ":":
            qs = qs.filter(organization__name__iexact=value)
        else:
            qs = qs.filter(Q(name__icontains=value) | Q(email__icontains=value))
    return qs.order_by("name", "number")


def search_organizations(*, viewer: User, query: Query) -> QuerySet[Organization]:
    qs = Organization.objects.for_account(viewer.account)
    for word in query.words:
        qs = qs.filter(name__icontains=word)
    for _negate, _key, _op, value in query.terms:
        # Organizations have one searchable text (name:, or any other keyword alike).
        qs = qs.filter(name__icontains=value)
    return qs.prefetch_related("domains").order_by("name", "number")


def search_groups(*, viewer: User, query: Query):
    from accounts.models import AgentGroup

    qs = AgentGroup.objects.for_account(viewer.account)
    for word in query.words:
        qs = qs.filter(name__icontains=word)
    return qs.order_by("name", "number")

"""The conditions of a view, in one place: their vocabulary, their validation and their
translation to a query.

Conditions are Zendesk's shape: ``{"all": [...], "any": [...]}``, each condition
``{"field": ..., "operator": ..., "value": ...}``; a ticket is in the view when it meets
every condition of "all" and, if "any" has some, at least one of them. People and the API
name the account's groups, users and organizations by their per-account numbers; a view
keeps their primary keys (``clean_conditions`` looks the numbers up once, when the view
is saved, and ``public_conditions`` turns them back), so a view's query is built without
reading anything (``conditions_q``).

Anything outside the vocabulary (an unknown field, an operator a field does not take, a
value of the wrong kind, another account's group) is a ValidationError naming it: a
client's mistake is a 400 or a form error, never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, AgentGroup, Organization, User
from tickets.field_conditions import clean_custom_conditions, custom_condition_q, is_custom
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
    "not_includes": gettext_lazy("contains none of"),
    "before": gettext_lazy("before (date)"),
    "after": gettext_lazy("after (date)"),
    "within_last_hours": gettext_lazy("in the last N hours"),
    "within_last_days": gettext_lazy("in the last N days"),
    "older_than_hours": gettext_lazy("more than N hours ago"),
    "older_than_days": gettext_lazy("more than N days ago"),
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
        Field("is_public", gettext_lazy("Public"), "is_public", "boolean", ("is",)),
        Field("created_at", gettext_lazy("Created"), "created_at", "time", TIMES),
        Field("updated_at", gettext_lazy("Updated"), "updated_at", "time", TIMES),
        Field("solved_at", gettext_lazy("Solved"), "solved_at", "time", TIMES + VALUELESS[:2]),
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
            TIMES,
            status=Ticket.Status.PENDING,
        ),
        Field(
            "on_hold_since",
            gettext_lazy("On-hold since"),
            "status_changed_at",
            "time",
            TIMES,
            status=Ticket.Status.ON_HOLD,
        ),
        Field(
            "requester_updated_at",
            gettext_lazy("Requester's last reply"),
            "requester_updated_at",
            "time",
            TIMES + VALUELESS[:2],
        ),
        Field(
            "assignee_updated_at",
            gettext_lazy("Assignee's last update"),
            "assignee_updated_at",
            "time",
            TIMES + VALUELESS[:2],
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


# --- Validation: the public shape (numbers) in, the stored shape (keys) out ------------


def clean_conditions(*, account: Account, data: Any) -> dict[str, list[dict]]:
    """The stored form of ``data`` (Zendesk's shape, objects named by number), or a
    ValidationError naming every condition that is wrong and why."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict) or set(data) - {"all", "any"}:
        raise ValidationError(_('Conditions must be an object with "all" and "any" lists.'))
    rows = {part: data.get(part) or [] for part in ("all", "any")}
    if not all(isinstance(items, list) for items in rows.values()):
        raise ValidationError(_('Conditions must be an object with "all" and "any" lists.'))
    if sum(len(items) for items in rows.values()) > MAX_CONDITIONS:
        raise ValidationError(
            _("A view takes at most %(max)d conditions.") % {"max": MAX_CONDITIONS}
        )
    errors: list[str] = []
    cleaned: dict[str, list[dict]] = {"all": [], "any": []}
    for part, items in rows.items():
        for item in items:
            try:
                cleaned[part].append(_clean_one(item))
            except ValidationError as exc:
                errors.extend(exc.messages)
    errors.extend(_resolve_numbers(account, cleaned))
    errors.extend(clean_custom_conditions(account, cleaned))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_one(item: Any) -> dict:
    if not isinstance(item, dict) or not {"field", "operator"} <= set(item):
        raise ValidationError(_('Each condition needs a "field", an "operator" and a "value".'))
    name, operator, value = item["field"], item["operator"], item.get("value")
    if is_custom(name):  # checked with the account's fields: clean_custom_conditions
        return {"field": name, "operator": operator, "value": value}
    field = FIELDS.get(name) if isinstance(name, str) else None
    if field is None:
        raise ValidationError(
            _("Unknown condition field %(field)s. Known fields: %(known)s.")
            % {"field": _quoted(name), "known": ", ".join(FIELDS)}
        )
    if operator not in field.operators:
        raise ValidationError(
            _("The field %(field)s takes no operator %(operator)s; it takes: %(known)s.")
            % {"field": name, "operator": _quoted(operator), "known": ", ".join(field.operators)}
        )
    return {"field": name, "operator": operator, "value": _clean_value(field, operator, value)}


def _quoted(value: Any) -> str:
    return f'"{str(value)[:40]}"'


def _bad_value(field: Field, value: Any) -> ValidationError:
    return ValidationError(
        _("%(value)s is not a value of the field %(field)s.")
        % {"value": _quoted(value), "field": field.name}
    )


def _clean_value(field: Field, operator: str, value: Any) -> Any:
    if operator in VALUELESS:
        return None
    if isinstance(value, bool) and field.kind not in ("boolean", "presence"):
        raise _bad_value(field, value)
    if field.kind in ("choice", "ordered"):
        value = "" if value is None else str(value)
        ordered = STATUS_ORDER if field.name == "status" else PRIORITY_ORDER
        if value not in field.choices or (operator not in IDENTITY and value not in ordered):
            raise _bad_value(field, value)
        return value
    if field.kind in RELATED:
        if value in (None, ""):
            if field.name in ("requester_id", "custom_status_id"):
                raise _bad_value(field, value)
            return None
        if value == CURRENT_USER and field.kind == "user":
            return CURRENT_USER
        number = value if isinstance(value, int) else None
        if isinstance(value, str) and value.isdigit() and len(value) <= 18:
            number = int(value)
        if number is not None and 0 < number < 10**18:
            return number  # a number for now: _resolve_numbers makes it a key
        raise _bad_value(field, value)
    if field.kind == "tags":
        tags = value.split() if isinstance(value, str) else value
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
            raise _bad_value(field, value)
        return " ".join(sorted({t.lower()[:100] for t in tags}))
    if field.kind in ("boolean", "presence"):
        if value in (True, "true", "1", 1):
            return True
        if value in (False, "false", "0", 0):
            return False
        raise _bad_value(field, value)
    return _clean_time(field, operator, value)


def _clean_time(field: Field, operator: str, value: Any) -> Any:
    if operator in ("before", "after"):
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(
                _("%(value)s is not a date (YYYY-MM-DD) for the field %(field)s.")
                % {"value": _quoted(value), "field": field.name}
            ) from None
    try:
        amount = int(value)
    except (TypeError, ValueError):
        amount = -1
    if not 0 < amount <= 100_000:
        raise ValidationError(
            _("%(value)s is not a whole number from 1 to 100000 for the field %(field)s.")
            % {"value": _quoted(value), "field": field.name}
        )
    return amount


def _resolve_numbers(account: Account, cleaned: dict[str, list[dict]]) -> list[str]:
    """Replace the numbers in ``cleaned`` by keys, in place (one query per kind named);
    the errors of numbers the account does not have."""
    errors = []
    for kind in RELATED:
        wanted = [
            c
            for c in cleaned["all"] + cleaned["any"]
            if _kind(c) == kind and isinstance(c["value"], int)
        ]
        if not wanted:
            continue
        model = RELATED[kind]
        qs = model.objects.for_account(account)  # type: ignore[attr-defined]
        keys = dict(qs.filter(number__in={c["value"] for c in wanted}).values_list("number", "pk"))
        for condition in wanted:
            key = keys.get(condition["value"])
            if key is None:
                errors.append(
                    _("There is no %(kind)s number %(number)s for the field %(field)s.")
                    % {
                        "kind": model._meta.verbose_name,
                        "number": condition["value"],
                        "field": condition["field"],
                    }
                )
            condition["value"] = key
    return errors


def public_conditions(*, account: Account, conditions: dict) -> dict[str, list[dict]]:
    """``conditions`` as people and the API name things: keys turned into numbers."""
    return public_conditions_many(account=account, conditions=[conditions])[0]


def public_conditions_many(*, account: Account, conditions: list[dict]) -> list[dict]:
    """public_conditions for several views at once: one query per kind of object named,
    however many views. A key whose object has gone (a deleted group) shows as none."""
    parts = [
        {part: [dict(c) for c in each.get(part, [])] for part in ("all", "any")}
        for each in conditions
    ]
    every = [c for each in parts for part in ("all", "any") for c in each[part]]
    for kind, model in RELATED.items():
        wanted = [c for c in every if _kind(c) == kind and isinstance(c["value"], int)]
        if wanted:
            numbers = dict(
                model.objects.for_account(account)  # type: ignore[attr-defined]
                .filter(pk__in={c["value"] for c in wanted})
                .values_list("pk", "number")
            )
            for condition in wanted:
                condition["value"] = numbers.get(condition["value"])
    return parts


# --- The query --------------------------------------------------------------------------


def conditions_q(conditions: dict, *, viewer: User) -> Q:
    """The tickets meeting ``conditions`` (stored form) as a Q, with "current user" the
    viewer and times relative to now. Built without a query."""
    now = timezone.now()
    zone = ZoneInfo(viewer.effective_time_zone)
    every = [_condition_q(c, viewer, now, zone) for c in conditions.get("all", [])]
    some = [_condition_q(c, viewer, now, zone) for c in conditions.get("any", [])]
    if some:
        every.append(reduce(or_, some))
    ranks = _priority_ranks(conditions)
    if ranks:
        # Implied by the conditions, so it changes no answer; written as a range, the
        # index sorted by priority (account, priority_rank, number) starts where the
        # view's priorities start ("urgent or high", oldest priority first, at 1M
        # tickets: 1 s reading 646,000 entries of other priorities without it, 10 ms).
        every.append(Q(priority_rank__gte=min(ranks), priority_rank__lte=max(ranks)))
    return reduce(and_, every, Q())


ALL_RANKS = frozenset(PRIORITY_RANK.values())


def _priority_ranks(conditions: dict) -> frozenset[int] | None:
    """The priority ranks a ticket of the view can have, when the conditions narrow
    them (None when any rank can be there)."""

    def ranks_of(condition: dict) -> frozenset[int]:
        if condition["field"] != "priority":
            return ALL_RANKS
        operator, value = condition["operator"], condition["value"]
        if operator in ("less_than", "greater_than"):
            at = PRIORITY_ORDER.index(value)
            kept = PRIORITY_ORDER[:at] if operator == "less_than" else PRIORITY_ORDER[at + 1 :]
            return frozenset(PRIORITY_RANK[v] for v in kept)
        rank = frozenset([PRIORITY_RANK[value]])
        return rank if operator == "is" else ALL_RANKS - rank

    found = ALL_RANKS
    for condition in conditions.get("all", []):
        found &= ranks_of(condition)
    some = conditions.get("any", [])
    if some:
        found &= frozenset().union(*(ranks_of(c) for c in some))
    return found if found and found != ALL_RANKS else None


def _kind(condition: dict) -> str:
    field = FIELDS.get(condition["field"])
    return field.kind if field is not None else "custom"


def _condition_q(condition: dict, viewer: User, now: dt.datetime, zone: ZoneInfo) -> Q:
    if is_custom(condition["field"]):
        return custom_condition_q(condition)
    field = FIELDS[condition["field"]]
    operator, value, column = condition["operator"], condition["value"], field.column
    if field.kind == "presence":
        return Q(**{f"{column}__isnull": not value})
    if field.kind in ("choice", "ordered", "boolean") or field.kind in RELATED:
        if operator in ("less_than", "greater_than"):
            order = STATUS_ORDER if field.name == "status" else PRIORITY_ORDER
            at = order.index(value)
            kept = order[:at] if operator == "less_than" else order[at + 1 :]
            values = [PRIORITY_RANK[v] for v in kept] if field.name == "priority" else kept
            return Q(**{f"{column}__in": values})
        if field.name == "priority":
            value = PRIORITY_RANK[value]
        if value == CURRENT_USER:
            value = viewer.pk
        q = Q(**{f"{column}__isnull": True}) if value is None else Q(**{column: value})
        if operator == "is_not":
            # "Group is not Billing" keeps the tickets with no group, as Zendesk does.
            return ~q if value is None else ~q | Q(**{f"{column}__isnull": True})
        return q
    if field.kind == "tags":
        found = reduce(or_, (_has_tag(tag) for tag in value.split()))
        return found if operator == "includes" else ~found
    if field.kind == "sla":
        # A range of the partial index on (account, next_breach_at): breached is "due
        # by now", within N hours "not yet, but by now + N h". The account is named on
        # the SLA row too, or PostgreSQL cannot start that index at it.
        scoped = Q(**{column.replace("next_breach_at", "account_id"): viewer.account_id})
        if operator == "breached":
            return scoped & Q(**{f"{column}__lte": now})
        until = now + dt.timedelta(hours=value)
        return scoped & Q(**{f"{column}__gt": now, f"{column}__lte": until})
    q = _time_q(column, operator, value, now, zone)
    return q & Q(status=field.status) if field.status else q


def _has_tag(tag: str) -> Q:
    # Tags are kept space-separated and sorted (Ticket.tags): a word of that string.
    return (
        Q(tags=tag)
        | Q(tags__startswith=f"{tag} ")
        | Q(tags__endswith=f" {tag}")
        | Q(tags__contains=f" {tag} ")
    )


def _time_q(column: str, operator: str, value: Any, now: dt.datetime, zone: ZoneInfo) -> Q:
    if operator in VALUELESS:
        return Q(**{f"{column}__isnull": operator == "is_empty"})
    if operator in ("before", "after"):
        day = dt.date.fromisoformat(value) + dt.timedelta(days=operator == "after")
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        return Q(**{f"{column}__lt" if operator == "before" else f"{column}__gte": start})
    span = dt.timedelta(hours=value) if operator.endswith("hours") else dt.timedelta(days=value)
    lookup = "gte" if operator.startswith("within") else "lt"
    return Q(**{f"{column}__{lookup}": now - span})


# The kinds whose Q is a function of the stored condition and the viewer alone (never of
# "now", the zone, or rows read while building it): a view made only of these compiles to
# the same SQL until it is edited (tickets.selectors.view_counts compiles it once).
TIMELESS_KINDS = frozenset({"choice", "ordered", "boolean", "presence", "tags", *RELATED})


def timeless(conditions: dict) -> bool:
    """Whether conditions_q(conditions) depends on nothing but them and the viewer."""
    return all(
        c["field"] in FIELDS and FIELDS[c["field"]].kind in TIMELESS_KINDS
        for part in ("all", "any")
        for c in conditions.get(part, [])
    )


def fields_in(conditions: dict) -> Iterable[str]:
    return (c["field"] for part in ("all", "any") for c in conditions.get(part, []))

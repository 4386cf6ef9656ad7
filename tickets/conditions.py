"""The conditions of a view, in one place: their validation and their translation to a
query (their vocabulary, the fields and operators, is tickets.condition_vocabulary).

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
from collections.abc import Callable, Iterable
from functools import reduce
from operator import and_, or_
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from tickets.condition_vocabulary import (  # noqa: F401 - re-exported: the conditions' names
    BUSINESS,
    CURRENT_USER,
    FIELDS,
    IDENTITY,
    MAX_CONDITIONS,
    OPERATORS,
    ORDERED,
    PRIORITY_ORDER,
    PRIORITY_RANK,
    RELATED,
    SINCE,
    STATUS_ORDER,
    TIMES,
    VALUELESS,
    Field,
)
from tickets.field_conditions import clean_custom_conditions, custom_condition_q, is_custom
from tickets.models import CustomStatus
from tickets.support_access import readable_tickets_q

# --- Validation: the public shape (numbers) in, the stored shape (keys) out ------------


def clean_conditions(
    *, account: Account, data: Any, business_hours: bool = False
) -> dict[str, list[dict]]:
    """The stored form of ``data`` (Zendesk's shape, objects named by number), or a
    ValidationError naming every condition that is wrong and why. ``business_hours``:
    whether the "N business hours" operators are allowed (automations only)."""
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
                continue
            if cleaned[part][-1]["operator"] in BUSINESS and not business_hours:
                errors.append(
                    _("Business hours conditions are for automations only (%(field)s).")
                    % {"field": cleaned[part][-1]["field"]}
                )
    errors.extend(_resolve_numbers(account, cleaned))
    errors.extend(
        clean_custom_conditions(account, [c for part in ("all", "any") for c in cleaned[part]])
    )
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


# "The instant N business hours before now": given by the caller that knows the schedule.
BusinessBefore = Callable[[dt.datetime, int], dt.datetime]


def calendar_before(now: dt.datetime, hours: int) -> dt.datetime:
    return now - dt.timedelta(hours=hours)


def conditions_q(
    conditions: dict, *, viewer: User, business_before: BusinessBefore | None = None
) -> Q:
    """The tickets meeting ``conditions`` (stored form) as a Q, with "current user" the
    viewer and times relative to now. Built without a query. ``business_before(now, N)``
    is the earliest instant N business hours before now (automations give it from the
    account's schedule; without one, business hours are read as calendar hours)."""
    now = timezone.now()
    zone = ZoneInfo(viewer.effective_time_zone)
    before = business_before or calendar_before

    def q(condition: dict) -> Q:
        found = _condition_q(condition, viewer, now, zone, before)
        if condition["field"] == "sentiment" and viewer.is_agent:
            # The tone is read from the words: where support access withholds them from
            # the viewer, no sentiment condition matches (a view would tell it otherwise).
            found &= readable_tickets_q(viewer=viewer)
        return found

    every = [q(c) for c in conditions.get("all", [])]
    some = [q(c) for c in conditions.get("any", [])]
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


def _condition_q(
    condition: dict, viewer: User, now: dt.datetime, zone: ZoneInfo, before: BusinessBefore
) -> Q:
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
        if field.kind == "custom_status" and value is not None and reads_unfilled(viewer):
            # No custom status yet means "not filled", not "none" (_unfilled_default).
            unfilled = Q(custom_status__isnull=True)
            if operator == "is_not":
                return (~unfilled & ~q) | (unfilled & ~_reads_as_default(value))
            return q | (unfilled & _reads_as_default(value))
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
    if operator in BUSINESS:
        # "More than N business hours ago": before the earliest instant N business hours
        # back; "in the last N": at or after it (servicelevels.businesstime).
        cutoff = before(now, value)
        lookup = "gte" if operator.startswith("within") else "lt"
        q = Q(**{f"{column}__{lookup}": cutoff})
    else:
        q = _time_q(column, operator, value, now, zone)
    return q & Q(status=field.status) if field.status else q


def reads_unfilled(viewer: User) -> bool:
    """Whether the viewer's account may still have tickets without a custom status
    (``Account.custom_statuses_unfilled``, exact in the database): only then does a
    condition on a custom status read them as their category's default (_reads_as_default).
    The account as the request read it (no query); without one, the careful reading.
    SQLite (make run) keeps no flag (tickets migration 0023): always the careful reading."""
    account = viewer.account if viewer.account_id is not None else None
    return account is None or account.custom_statuses_unfilled or connection.vendor != "postgresql"


def _reads_as_default(status_key: int) -> Q:
    """The tickets that read as this custom status when they have none: until
    ``manage.py backfill_custom_statuses`` has filled them (tickets.services.statuses), a
    ticket of a category shows as its default status (Closed: Solved's), so a view on a
    default status finds them too. Subqueries, no query here. Measured on the bench
    (1M tickets, all filled): "custom status is New" 0.06 ms → 4.5 ms for the first page
    (the planner walks (account, updated_at) instead of (account, custom_status, ...)).
    """
    default = CustomStatus.objects.filter(pk=status_key, is_default=True)
    return Q(status__in=Subquery(default.values("category"))) | Q(
        Exists(default.filter(category="solved")), status="closed"
    )


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
# the same SQL until it is edited (tickets.view_selectors.view_counts compiles it once).
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

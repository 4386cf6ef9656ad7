"""Admin-defined fields in rules' conditions (issue 19): one vocabulary for views,
automations (compiled to SQL by ``condition_q``) and triggers (evaluated on one ticket
by ``condition_holds``), so "is", "contains" or "less than" mean the same everywhere.

A condition names its field by Zendesk's names: ``custom_fields.<number>`` (a ticket
field), ``requester.custom_fields.<number>`` (a user field of the requester) and
``organization.custom_fields.<number>`` (an organization field of the ticket's
organization). The stored condition keeps the field's number and the value as rows
store it (an option's value, a lookup's number), both stable across renames and an
account's export, so nothing is remapped. On PostgreSQL "is" is JSONB containment
(``@>``), which a GIN index serves (tickets: ``ticket_custom_fields_gin``,
tickets/migrations/0017); SQLite (make run) compares the key's value instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DateField, DecimalField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan, IContains, LessThan
from django.utils.translation import gettext as _

from accounts.models import Account
from customfields.models import FieldBase, FieldKind
from customfields.people import people_fields
from customfields.selectors import option_values, ticket_fields_for_account
from customfields.ticket_values import parse_number
from customfields.values import clean_value

PREFIX = "custom_fields."
VALUE_OPERATORS = ("is", "is_not", "is_empty", "is_set")
OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    FieldKind.CHECKBOX: ("is",),  # true: checked, false: unchecked
    FieldKind.MULTISELECT: ("includes", "not_includes", "is_empty", "is_set"),
    FieldKind.TEXT: (*VALUE_OPERATORS, "contains"),
    FieldKind.TEXTAREA: ("contains", "is_empty", "is_set"),
    FieldKind.REGEXP: (*VALUE_OPERATORS, "contains"),
    FieldKind.INTEGER: (*VALUE_OPERATORS, "less_than", "greater_than"),
    FieldKind.DECIMAL: (*VALUE_OPERATORS, "less_than", "greater_than"),
    FieldKind.DATE: (*VALUE_OPERATORS, "before", "after"),
}
# Triggers only: a change set says what changed; a view's query cannot.
CHANGE_OPERATORS = ("changed", "changed_to", "changed_from")
VALUELESS = ("is_empty", "is_set", "changed")


@dataclass(frozen=True)
class Source:
    """Where a condition's field lives: the prefix of its name, the ticket's JSON column
    (through a join for people's fields) and the path from a ticket to that row."""

    prefix: str
    column: str
    path: tuple[str, ...]  # attributes from the ticket to the row holding the values
    target: str  # "ticket", "user", "organization"


SOURCES = (
    Source(PREFIX, "custom_fields", (), "ticket"),
    Source("requester." + PREFIX, "requester__user_fields", ("requester",), "user"),
    Source(
        "organization." + PREFIX,
        "organization__organization_fields",
        ("organization",),
        "organization",
    ),
)


def source_of(name: Any) -> Source | None:
    if not isinstance(name, str):
        return None
    return next((s for s in SOURCES if name.startswith(s.prefix)), None)


def is_custom(name: Any) -> bool:
    return source_of(name) is not None


def operators_for(field: FieldBase, *, changes: bool = False) -> tuple[str, ...]:
    """What a field of this kind can be tested with; ``changes``: a trigger's, which
    also asks whether a ticket field changed in this update."""
    operators = OPERATORS_BY_KIND.get(field.kind, VALUE_OPERATORS)
    return (*operators, *CHANGE_OPERATORS) if changes else operators


def fields_by_name(account: Account, *, people: bool = True) -> dict[str, FieldBase]:
    """Every field conditions can name, by its name (ticket fields; with ``people``, the
    requester's and organization's fields too)."""
    named: dict[str, FieldBase] = {
        PREFIX + f.key: f for f in ticket_fields_for_account(account=account)
    }
    if people:
        for source in SOURCES[1:]:
            for field in people_fields(account=account, target=source.target):
                named[source.prefix + field.key] = field
    return named


def labelled_fields(account: Account) -> list[tuple[str, str, FieldBase, Source]]:
    """The active fields as the editors offer them: (name, label, field, source); the
    requester's and organization's fields say whose they are."""
    labels = {
        "ticket": "%(field)s",
        "user": _("Requester: %(field)s"),
        "organization": _("Organization: %(field)s"),
    }
    offered = []
    for name, field in fields_by_name(account).items():
        source = source_of(name)
        if field.active and source is not None:
            label = labels[source.target] % {"field": field.label}
            offered.append((name, label, field, source))
    return offered


def clean_custom_conditions(
    account: Account, conditions: list[dict], *, changes: bool = False
) -> list[str]:
    """Check the custom-field conditions among ``conditions`` in place (one read of the
    fields, only when there are some); the errors, naming each. ``changes``: a
    trigger's conditions, which may ask about changes of ticket fields."""
    wanted = [c for c in conditions if is_custom(c["field"])]
    if not wanted:
        return []
    known = fields_by_name(account)
    errors = []
    for condition in wanted:
        name = condition["field"]
        source = source_of(name)
        assert source is not None  # noqa: S101 - filtered above
        number = parse_number(name[len(source.prefix) :])
        field = known.get(f"{source.prefix}{number}")
        if field is None:
            missing = _("There is no ticket field %(field)s.")
            if source.target != "ticket":
                missing = _("There is no field %(field)s.")
            errors.append(missing % {"field": name[:60]})
            continue
        condition["field"] = source.prefix + field.key
        allowed = operators_for(field, changes=changes and source.target == "ticket")
        if condition["operator"] not in allowed:
            errors.append(
                _("The field %(field)s takes no operator %(operator)s; it takes: %(known)s.")
                % {
                    "field": field.label,
                    "operator": str(condition["operator"])[:40],
                    "known": ", ".join(allowed),
                }
            )
            continue
        try:
            condition["value"] = _clean(field, condition["operator"], condition["value"])
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


def _clean(field: FieldBase, operator: str, value: Any) -> Any:
    if operator in VALUELESS:
        return None
    if field.kind == FieldKind.CHECKBOX:
        return bool(clean_value(field, value))
    if operator == "contains":
        text = str(value or "").strip()[:200]
        if not text:
            raise ValidationError(_("%(field)s: give a value.") % {"field": field.label})
        return text
    if field.kind == FieldKind.MULTISELECT and operator == "changed_to":
        value = [value] if isinstance(value, str) else value
    stored = clean_value(field, value, options=option_values(field))
    if stored is None:
        raise ValidationError(_("%(field)s: give a value.") % {"field": field.label})
    return stored


# SQL (views, automations) -------------------------------------------------------------


def custom_condition_q(condition: dict) -> Q:
    source = source_of(condition["field"])
    assert source is not None  # noqa: S101 - callers ask is_custom first
    column = source.column
    key = condition["field"][len(source.prefix) :]
    operator, value = condition["operator"], condition["value"]
    if operator in ("is_empty", "is_set"):
        q = Q(**{f"{column}__has_key": key})
        return q if operator == "is_set" else ~q
    if operator in ("includes", "not_includes"):
        found = reduce(or_, (_holds(column, key, [v]) for v in value))
        return found if operator == "includes" else ~found
    if operator == "contains":
        return Q(IContains(_key_text(column, key), value))
    if operator in ("less_than", "greater_than", "before", "after"):
        # Typed, not JSON's order: a decimal is stored as a string ("9.5" > "10").
        target: Any = DateField() if operator in ("before", "after") else _DECIMAL
        lhs = Cast(_key_text(column, key), target)
        rhs = Cast(Value(str(value)), target)
        lookup = LessThan if operator in ("less_than", "before") else GreaterThan
        return Q(lookup(lhs, rhs))
    if value is False:  # an unchecked checkbox has no key
        return ~_holds(column, key, True)
    q = _holds(column, key, value)
    return ~q if operator == "is_not" else q


_DECIMAL = DecimalField(max_digits=30, decimal_places=10)


def _key_text(column: str, key: str) -> Func:
    """The key's value as text. Not Django's KT: it reads a key of digits, as every
    field's is, as an array index on PostgreSQL."""
    if connection.vendor == "postgresql":
        return Func(
            F(column), Value(key), function="jsonb_extract_path_text", output_field=TextField()
        )
    return Func(F(column), Value(f'$."{key}"'), function="JSON_EXTRACT", output_field=TextField())


def _holds(column: str, key: str, value: Any) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__contains": {key: value}})
    if isinstance(value, list):
        return Q(**{f"{column}__{key}__icontains": f'"{value[0]}"'})
    return Q(**{f"{column}__{key}": value})


# One ticket (triggers) ----------------------------------------------------------------


def values_of(ticket: Any, source: Source) -> dict:
    """The values ``source`` reads on ``ticket`` (none when it has no organization)."""
    row = ticket
    for attribute in source.path:
        row = getattr(row, attribute, None)
        if row is None:
            return {}
    return getattr(row, source.column.rsplit("__", 1)[-1], None) or {}


def custom_condition_holds(
    condition: dict, ticket: Any, changes: dict[str, tuple[Any, Any]], created: bool
) -> bool:
    """Does ``condition`` hold for ``ticket`` after the change set whose ``changes`` are
    given (``created``: the ticket is new, so each value it has changed from nothing)?
    The same meaning as ``custom_condition_q``."""
    name, operator, wanted = condition["field"], condition["operator"], condition["value"]
    source = source_of(name)
    assert source is not None  # noqa: S101 - callers ask is_custom first
    key = name[len(source.prefix) :]
    current = values_of(ticket, source).get(key)
    if operator in CHANGE_OPERATORS:
        if name in changes:
            old = changes[name][0]
        elif created and current is not None:
            old = None
        else:
            return False
        if operator == "changed_from":
            return _value_holds("is", old, wanted)
        return operator == "changed" or _value_holds("is", current, wanted)
    return _value_holds(operator, current, wanted)


def _value_holds(operator: str, stored: Any, wanted: Any) -> bool:
    if operator in ("is_set", "is_empty"):
        return (stored is not None) == (operator == "is_set")
    if operator in ("includes", "not_includes"):
        found = isinstance(stored, list) and any(v in stored for v in wanted)
        return found if operator == "includes" else not found
    if isinstance(wanted, bool):  # a checkbox: unchecked is no value
        return bool(stored) == wanted
    if operator in ("is", "is_not"):
        if isinstance(wanted, list):  # a multi-select changed to: one of these is chosen
            return _value_holds("includes", stored, wanted)
        return (stored == wanted) == (operator == "is")
    if stored is None:
        return False
    if operator == "contains":
        return str(wanted).casefold() in str(stored).casefold()
    if operator in ("before", "after"):  # ISO dates order as strings
        return str(stored) < str(wanted) if operator == "before" else str(stored) > str(wanted)
    try:
        number, limit = Decimal(str(stored)), Decimal(str(wanted))
    except InvalidOperation:
        return False
    return number < limit if operator == "less_than" else number > limit

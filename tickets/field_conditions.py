"""Admin-defined fields in views' conditions (issue 19): ``custom_fields.<number>``.

The stored condition keeps the field's number and the value as tickets store it (an
option's value, a lookup's number), both stable across renames and an account's export,
so nothing is remapped. On PostgreSQL "is" is JSONB containment (``@>``), which the GIN
index ``ticket_custom_fields_gin`` serves for every field (tickets/migrations/0017);
SQLite (make run) compares the key's value instead.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Account
from customfields.models import FieldKind, TicketField
from customfields.selectors import option_values, ticket_fields_for_account
from customfields.ticket_values import parse_number
from customfields.values import clean_value

PREFIX = "custom_fields."
VALUE_OPERATORS = ("is", "is_not", "is_empty", "is_set")
OPERATORS_BY_KIND = {
    FieldKind.CHECKBOX: ("is",),
    FieldKind.MULTISELECT: ("includes", "not_includes", "is_empty", "is_set"),
}


def is_custom(name: Any) -> bool:
    return isinstance(name, str) and name.startswith(PREFIX)


def operators_for(field: TicketField) -> tuple[str, ...]:
    return OPERATORS_BY_KIND.get(field.kind, VALUE_OPERATORS)  # type: ignore[call-overload]


def fields_by_name(account: Account) -> dict[str, TicketField]:
    return {PREFIX + f.key: f for f in ticket_fields_for_account(account=account)}


def clean_custom_conditions(account: Account, cleaned: dict[str, list[dict]]) -> list[str]:
    """Check the custom-field conditions of ``cleaned`` in place (one read of the fields,
    only when there are some); the errors, naming each."""
    wanted = [c for part in ("all", "any") for c in cleaned[part] if is_custom(c["field"])]
    if not wanted:
        return []
    known = fields_by_name(account)
    errors = []
    for condition in wanted:
        name = condition["field"]
        number = parse_number(name[len(PREFIX) :])
        field = known.get(f"{PREFIX}{number}")
        if field is None:
            errors.append(_("There is no ticket field %(field)s.") % {"field": name[:40]})
            continue
        condition["field"] = PREFIX + field.key
        if condition["operator"] not in operators_for(field):
            errors.append(
                _("The field %(field)s takes no operator %(operator)s; it takes: %(known)s.")
                % {
                    "field": field.label,
                    "operator": str(condition["operator"])[:40],
                    "known": ", ".join(operators_for(field)),
                }
            )
            continue
        try:
            condition["value"] = _clean(field, condition["operator"], condition["value"])
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


def _clean(field: TicketField, operator: str, value: Any) -> Any:
    if operator in ("is_empty", "is_set"):
        return None
    if field.kind == FieldKind.CHECKBOX:
        return bool(clean_value(field, value))
    stored = clean_value(field, value, options=option_values(field))
    if stored is None:
        raise ValidationError(_("%(field)s: give a value.") % {"field": field.label})
    return stored


def custom_condition_q(condition: dict) -> Q:
    key = condition["field"][len(PREFIX) :]
    operator, value = condition["operator"], condition["value"]
    if operator in ("is_empty", "is_set"):
        q = Q(custom_fields__has_key=key)
        return q if operator == "is_set" else ~q
    if operator in ("includes", "not_includes"):
        found = reduce(or_, (_holds(key, [v]) for v in value))
        return found if operator == "includes" else ~found
    if value is False:  # an unchecked checkbox has no key
        return ~_holds(key, True)
    q = _holds(key, value)
    return ~q if operator == "is_not" else q


def _holds(key: str, value: Any) -> Q:
    if connection.vendor == "postgresql":
        return Q(custom_fields__contains={key: value})
    if isinstance(value, list):
        return Q(**{f"custom_fields__{key}__icontains": f'"{value[0]}"'})
    return Q(**{f"custom_fields__{key}": value})

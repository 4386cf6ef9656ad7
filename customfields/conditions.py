"""Conditional fields (issue 19): which of a form's fields show, and which are required,
given the values a ticket has (or a person is typing).

A field named as a child of some condition of the form shows only while one of those
conditions holds: its parent shows and has the condition's value. Conditions chain (a
child may be the parent of another). Every other field of the form always shows. The
same rules run in the browser (static/js/conditional-fields.js) for showing and hiding
as people type; the services decide with this module, so a crafted POST cannot set a
field its conditions hide (its value is cleared on save)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from customfields.models import FieldKind, TicketField
from customfields.values import TRUE

MAX_CONDITIONS = 200


@dataclass
class Shown:
    """Of a form's field keys: those hidden by their conditions, and those a condition
    that holds makes required."""

    hidden: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)


def matches(parent: TicketField, stored: Any, wanted: Any) -> bool:
    if parent.kind == FieldKind.CHECKBOX:
        return bool(stored) == (wanted in TRUE)
    if parent.kind == FieldKind.MULTISELECT:
        return isinstance(stored, list) and str(wanted) in stored
    return stored is not None and str(stored) == str(wanted)


def evaluate(conditions: list[dict], fields: dict[int, TicketField], values: dict) -> Shown:
    """``fields``: the form's fields by number (those of ``conditions`` naming other
    numbers are ignored); ``values``: stored values by key."""
    children = {
        child["id"] for c in conditions for child in c["child_fields"] if child["id"] in fields
    }
    visible = {n for n in fields if n not in children}
    required: set[int] = set()
    changed = True
    while changed:  # at most one pass per condition: each pass shows a new child
        changed = False
        for condition in conditions:
            parent = fields.get(condition["parent_field_id"])
            if parent is None or parent.number not in visible:
                continue
            if not matches(parent, values.get(parent.key), condition["value"]):
                continue
            for child in condition["child_fields"]:
                number = child["id"]
                if number not in fields:
                    continue
                if number not in visible:
                    visible.add(number)
                    changed = True
                if child.get("is_required") and number not in required:
                    required.add(number)
                    changed = True
    return Shown(
        hidden={str(n) for n in children - visible},
        required={str(n) for n in required if n in visible},
    )


def clean_conditions(raw: Any, fields: dict[int, TicketField]) -> list[dict]:
    """An admin's (or the API's) conditions, checked against the form's fields: parents
    and children on the form, a parent's value one it can take, no field its own
    parent. Returned in the stored shape."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_CONDITIONS:
        raise ValidationError({"conditions": _("Conditions must be a list.")})
    cleaned = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValidationError({"conditions": _("Conditions must be a list.")})
        parent = fields.get(item.get("parent_field_id"))  # type: ignore[arg-type]
        if parent is None:
            raise ValidationError(
                {"conditions": _("A condition's field must be one of the form's fields.")}
            )
        value = item.get("value")
        if parent.kind in (FieldKind.DROPDOWN, FieldKind.MULTISELECT):
            if str(value) not in [o.value for o in parent.options.all()]:
                raise ValidationError(
                    {
                        "conditions": _("%(value)s is not one of the options of %(field)s.")
                        % {"value": str(value)[:40], "field": parent.label}
                    }
                )
            value = str(value)
        elif parent.kind == FieldKind.CHECKBOX:
            value = value in TRUE
        elif not isinstance(value, str | int) or isinstance(value, bool) or value == "":
            raise ValidationError(
                {"conditions": _("A condition needs the value its field must have.")}
            )
        children = []
        for child in item.get("child_fields") or []:
            number = child.get("id") if isinstance(child, dict) else None
            if number not in fields or number == parent.number:
                raise ValidationError(
                    {
                        "conditions": _(
                            "A condition shows other fields of the form, never its own field."
                        )
                    }
                )
            children.append({"id": number, "is_required": bool(child.get("is_required"))})
        if not children:
            raise ValidationError({"conditions": _("A condition needs a field to show.")})
        cleaned.append({"parent_field_id": parent.number, "value": value, "child_fields": children})
    return cleaned

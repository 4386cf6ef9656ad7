"""My activities and the help center's search filtered on ticket fields (issue 19): the
drop-down, checkbox and multi-select fields made visible to end users each offer a filter
(``?cf-<number>=<value>``; a multi-select's: the requests whose values include it). Which fields
is decided by ``ticket_fields_for_viewer``, so an agent-only field is never offered and
a crafted ``cf-<its number>`` is ignored: its values cannot be probed by filtering. The
condition is the views' own (tickets.field_conditions), the GIN index serving it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from customfields.models import FieldKind, TicketField
from customfields.selectors import ticket_fields_for_viewer
from tickets.field_conditions import PREFIX, custom_condition_q

FILTER_KINDS = (FieldKind.DROPDOWN, FieldKind.CHECKBOX, FieldKind.MULTISELECT)
CHECKBOX_CHOICES = (("true", _("Yes")), ("false", _("No")))


@dataclass(frozen=True)
class FieldFilter:
    field: TicketField
    choices: list[tuple[str, str]]
    value: str  # the chosen one of ``choices``, or ""

    @property
    def param(self) -> str:
        return f"cf-{self.field.number}"


def field_filters(*, viewer: User, params: Mapping[str, str]) -> list[FieldFilter]:
    """The filters ``viewer`` is offered, each with its value from ``params`` (an unknown
    value is no filter, never an error)."""
    filters = []
    account: Any = viewer.account  # a help-center user's: never the platform's
    for field in ticket_fields_for_viewer(account=account, viewer=viewer):
        if field.kind not in FILTER_KINDS:
            continue
        if field.kind == FieldKind.CHECKBOX:
            choices = [(value, str(label)) for value, label in CHECKBOX_CHOICES]
        else:
            choices = [(o.value, o.label) for o in field.options.all()]
        value = params.get(f"cf-{field.number}", "")
        filters.append(FieldFilter(field, choices, value if value in dict(choices) else ""))
    return filters


def filters_q(filters: list[FieldFilter]) -> Q:
    q = Q()
    for item in filters:
        if not item.value:
            continue
        value: object = item.value
        operator = "is"
        if item.field.kind == FieldKind.CHECKBOX:
            value = item.value == "true"
        elif item.field.kind == FieldKind.MULTISELECT:
            operator, value = "includes", [item.value]
        condition = {"field": PREFIX + item.field.key, "operator": operator, "value": value}
        q &= custom_condition_q(condition)
    return q

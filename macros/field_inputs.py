"""The macro editor's inputs for the custom statuses and the custom fields (issue 19):
each starts "Unchanged"; a choice's field may also be cleared. The values go to
macros.actions, which decides what a field's value may be."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import Account
from customfields.models import FieldKind, TicketField
from macros.actions import MACRO_STATUSES
from tickets.models import StatusCategory
from tickets.status_selectors import custom_status_choices

FIELD_PREFIX = "field_"
UNCHANGED, CLEAR = "", "-"


def custom_status_choices_for_macros(account: Account) -> list[Any]:
    """Unchanged, then the account's statuses a macro may set, grouped by category."""
    statuses = [
        s
        for s in custom_status_choices(account=account, include_new=False)
        if s.category in MACRO_STATUSES
    ]
    groups: list[Any] = [(UNCHANGED, gettext_lazy("Unchanged"))]
    for category, label in StatusCategory.choices:
        entries = [(str(s.number), s.agent_name) for s in statuses if s.category == category]
        if entries:
            groups.append((label, entries))
    return groups


def field_input(field: TicketField) -> forms.Field:
    """One custom field's input; left empty, the macro leaves the field alone."""
    common: dict[str, Any] = {"label": field.label, "required": False}
    unchanged = [(UNCHANGED, gettext_lazy("Unchanged"))]
    clear = [(CLEAR, gettext_lazy("— (clear)"))]
    if field.kind == FieldKind.CHECKBOX:
        return forms.TypedChoiceField(
            choices=[
                *unchanged,
                ("yes", gettext_lazy("Checked")),
                ("no", gettext_lazy("Unchecked")),
            ],
            coerce=lambda v: v == "yes",
            empty_value="",
            **common,
        )
    if field.kind == FieldKind.DROPDOWN:
        options = [(o.value, o.label) for o in field.options.all()]
        return forms.ChoiceField(choices=[*unchanged, *options, *clear], **common)
    if field.kind == FieldKind.MULTISELECT:
        return forms.MultipleChoiceField(
            choices=[(o.value, o.label) for o in field.options.all()],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    return forms.CharField(
        help_text=gettext_lazy("Empty: unchanged. A dash (-) clears the field."), **common
    )

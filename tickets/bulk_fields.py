"""The list's bulk bar sets a drop-down custom field too (issue 19): one select whose
choices are ``cf<number>:<value>`` per option, and the field's clearing
(``cf<number>:``), read in one query. customfields.values decides what a value may be."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from customfields.selectors import dropdown_options


class BulkFieldChoice(forms.ChoiceField):
    """Cleaned: ``{field number: value}`` (None clears), or ``{}`` when left alone."""

    def __init__(self, *, account: Account, **kwargs: Any):
        groups: dict[int, tuple[str, list[tuple[str, Any]]]] = {}
        for option in dropdown_options(account=account):
            field = option.field
            _label, entries = groups.setdefault(field.number, (field.label, []))
            entries.append((f"cf{field.number}:{option.value}", option.label))
        for number, (_label, entries) in groups.items():
            entries.append((f"cf{number}:", _("— none —")))
        self.numbers = set(groups)
        kwargs.setdefault("label", _("Field"))
        super().__init__(choices=[("", _("Field…")), *groups.values()], required=False, **kwargs)

    def clean(self, value: Any) -> dict[int, Any]:
        value = super().clean(value)
        if not value:
            return {}
        key, _sep, raw = value.partition(":")
        return {int(key[2:]): raw or None}

"""The status select of the ticket sidebar and the lists' bulk update (issue 19): the
account's custom statuses grouped by category, and Closed, which has none of its own."""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from tickets.models import CustomStatus, StatusCategory, Ticket
from tickets.status_selectors import custom_status_choices

CLOSED = Ticket.Status.CLOSED


def choice_value(custom_status: CustomStatus) -> str:
    """A status's value in the select: a built-in one is its category's name (``pending``),
    so the forms, macros and scripts that speak categories pick it; an added one, its
    number."""
    return custom_status.category if custom_status.is_default else str(custom_status.number)


class CustomStatusField(forms.ChoiceField):
    """Values are choice_value's (and ``closed``); cleaned, a CustomStatus of the account
    or ``closed``, or None when left empty."""

    def __init__(
        self,
        *,
        account: Account,
        include_new: bool = True,
        keep: int | None = None,
        empty_label: str | Promise | None = None,
        may_solve: bool = True,
        **kwargs,
    ):
        statuses = custom_status_choices(account=account, include_new=include_new, keep=keep)
        if not may_solve:  # the agent's role may not solve (accounts.roles): not offered
            statuses = [s for s in statuses if s.category != StatusCategory.SOLVED or s.pk == keep]
        self.by_value = {choice_value(s): s for s in statuses}
        # A built-in status's number is understood too (the API's custom_status_id).
        self.by_value |= {str(s.number): s for s in statuses}
        groups: list = [("", empty_label)] if empty_label is not None else []
        for category, label in StatusCategory.choices:
            entries = [(choice_value(s), s.agent_name) for s in statuses if s.category == category]
            if entries:
                groups.append((label, entries))
        if may_solve:
            groups.append((Ticket.Status.CLOSED.label, [(CLOSED, Ticket.Status.CLOSED.label)]))
        kwargs.setdefault("label", _("Status"))
        super().__init__(choices=groups, **kwargs)

    def valid_value(self, value) -> bool:
        # A category's name is understood even when not offered (New, once left: a stale
        # form; the service then refuses going back).
        return value in Ticket.Status.values or value in self.by_value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if value in self.by_value:
            return self.by_value[value]
        return value  # a category without an offered status: New, or Closed


def status_change(value: CustomStatus | str | None, ticket: Ticket | None = None) -> dict:
    """The service's keyword for what the field cleaned to; nothing when it is what
    ``ticket`` has already."""
    if value is None:
        return {}
    if isinstance(value, CustomStatus):
        if ticket is not None and ticket.custom_status_id == value.pk:
            return {}
        return {"custom_status": value}
    if ticket is not None and ticket.status == value:
        return {}
    return {"status": value}


def status_value(ticket: Ticket) -> str:
    """The field's value for a ticket: its custom status, or Closed."""
    if ticket.status == CLOSED:
        return CLOSED
    if ticket.custom_status_id is None:  # a row written around the services
        return ticket.status
    return choice_value(ticket.custom_status)  # type: ignore[arg-type]  # the id is checked


class CustomStatusForm(forms.Form):
    """Settings › Statuses: a status's labels and descriptions; its category only when it
    is made (the tickets in it would change category otherwise)."""

    category = forms.ChoiceField(label=_("Category"), choices=StatusCategory.choices)
    agent_label = forms.CharField(label=_("Label for agents"), max_length=48)
    end_user_label = forms.CharField(
        label=_("Label for end users"),
        max_length=48,
        required=False,
        help_text=_("What the help center shows. Empty: the agents' label."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        help_text=_("When agents should choose this status."),
    )
    end_user_description = forms.CharField(
        label=_("Description for end users"), max_length=500, required=False
    )

    def __init__(self, *args, custom_status: CustomStatus | None = None, **kwargs):
        if custom_status is not None:
            kwargs.setdefault(
                "initial",
                {
                    "agent_label": custom_status.agent_name,
                    "end_user_label": custom_status.end_user_name,
                    "description": custom_status.description,
                    "end_user_description": custom_status.end_user_description,
                },
            )
        super().__init__(*args, **kwargs)
        self.custom_status = custom_status
        if custom_status is not None:
            del self.fields["category"]

    def clean(self):
        cleaned = super().clean()
        status = self.custom_status
        # A built-in label shown in the admin's language and saved unchanged stays the
        # stored English one, so every other reader keeps seeing it in theirs.
        if status is not None:
            if cleaned.get("agent_label") == status.agent_name:
                cleaned["agent_label"] = status.agent_label
            if cleaned.get("end_user_label") == status.end_user_name:
                cleaned["end_user_label"] = status.end_user_label
        return cleaned

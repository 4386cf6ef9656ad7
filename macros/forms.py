"""The macro editor: one field per action, turned into the actions list the services
validate (macros.actions); and the list's bulk "Apply macro" choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, User
from accounts.selectors import agents_for_account, groups_for_account
from customfields.selectors import ticket_fields_for_viewer
from macros.actions import (
    CURRENT_USER,
    CUSTOM_PREFIX,
    MACRO_STATUSES,
    action_value,
    action_values,
    custom_number,
)
from macros.field_inputs import FIELD_PREFIX, custom_status_choices_for_macros, field_input
from macros.models import Macro
from tickets.choice_fields import group_field
from tickets.forms import MultipleFileField, TicketNumbersField, parse_emails
from tickets.models import Ticket
from tickets.services import normalise_tags

UNCHANGED = ""
CLEAR = "-"
PUBLIC, INTERNAL = "public", "internal"


def _choices(values, labels) -> list[tuple[str, str]]:
    return [(UNCHANGED, gettext_lazy("Unchanged"))] + [(v, labels(v).label) for v in values]


class MacroForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=255,
        help_text=gettext_lazy("Use :: for categories, e.g. Billing::Refund sent."),
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=500, required=False)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=_choices(MACRO_STATUSES, Ticket.Status),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        required=False,
        choices=_choices(Ticket.Priority.values, Ticket.Priority)
        + [(CLEAR, gettext_lazy("— (clear)"))],
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        choices=_choices(Ticket.Type.values, Ticket.Type) + [(CLEAR, gettext_lazy("— (clear)"))],
    )
    set_tags = forms.CharField(
        label=gettext_lazy("Set tags"),
        required=False,
        help_text=gettext_lazy("Replaces the ticket's tags."),
    )
    add_tags = forms.CharField(label=gettext_lazy("Add tags"), required=False)
    remove_tags = forms.CharField(label=gettext_lazy("Remove tags"), required=False)
    ccs = forms.CharField(
        label=gettext_lazy("Add CCs"),
        required=False,
        help_text=gettext_lazy("Email addresses of existing users, separated by commas."),
    )
    cc_current_user = forms.BooleanField(
        label=gettext_lazy("CC the agent who applies the macro"), required=False
    )
    comment_type = forms.ChoiceField(
        label=gettext_lazy("Comment type"),
        required=False,
        choices=[
            (UNCHANGED, gettext_lazy("Unchanged")),
            (PUBLIC, gettext_lazy("Public reply")),
            (INTERNAL, gettext_lazy("Internal note")),
        ],
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Placeholders as in trigger emails: {{ticket.requester.first_name}}, "
            "{{ticket.id}}, {{ticket.url}}, {{current_user.name}}…"
        ),
    )
    attachments = MultipleFileField(label=gettext_lazy("Attach files"))

    def __init__(
        self, *args: Any, account: Account, macro: Macro | None = None, shared: bool, **kwargs: Any
    ) -> None:
        if macro is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(macro)
        super().__init__(*args, **kwargs)
        self.account = account
        self.macro = macro
        self.fields["group"] = group_field(account, label=gettext_lazy("Group"))
        self.fields["group"].required = False
        self.fields["assignee"] = forms.ChoiceField(
            label=gettext_lazy("Assignee"),
            required=False,
            choices=[
                (UNCHANGED, gettext_lazy("Unchanged")),
                (CURRENT_USER, gettext_lazy("Current user")),
                (CLEAR, gettext_lazy("— (unassign)")),
            ]
            + [(str(a.number), a.name) for a in agents_for_account(account=account)],
        )
        self.fields["custom_status"] = forms.ChoiceField(
            label=gettext_lazy("Custom status"),
            required=False,
            choices=custom_status_choices_for_macros(account),
            help_text=gettext_lazy("Sets the status too: the custom status's category."),
        )
        self.field_defs = ticket_fields_for_viewer(account=account, viewer=None, agents=True)
        for definition in self.field_defs:
            self.fields[f"{FIELD_PREFIX}{definition.number}"] = field_input(definition)
        self.fields["clear_group"] = forms.BooleanField(
            label=gettext_lazy("Remove the group"), required=False
        )
        if shared:
            self.fields["restrict_to"] = forms.ModelMultipleChoiceField(
                queryset=groups_for_account(account=account),
                to_field_name="number",
                required=False,
                label=gettext_lazy("Available to"),
                help_text=gettext_lazy("None checked: every agent."),
                widget=forms.CheckboxSelectMultiple,
            )
        files = list(macro.attachments.all()) if macro is not None else []
        if files:
            self.fields["remove_files"] = forms.MultipleChoiceField(
                label=gettext_lazy("Remove files"),
                required=False,
                choices=[(str(a.pk), a.filename) for a in files],
                widget=forms.CheckboxSelectMultiple,
            )
        self.order_fields(
            ["title", "description", "active", "restrict_to", "status", "custom_status"]
            + ["priority", "type", "group", "clear_group", "assignee"]
            + ["set_tags", "add_tags", "remove_tags"]
        )

    def clean_ccs(self) -> list[int]:
        emails = parse_emails(self.cleaned_data["ccs"])
        users = {
            u.email.lower(): u.number
            for u in User.objects.for_account(self.account).filter(email__in=emails)
        }
        unknown = [e for e in emails if e.lower() not in users]
        if unknown:
            raise forms.ValidationError(
                _("No user has these addresses: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return [int(users[e.lower()] or 0) for e in emails]

    def actions(self) -> list[dict[str, Any]]:
        """The actions, in the editor's order (what the services validate)."""
        data = self.cleaned_data
        actions: list[dict[str, Any]] = []

        def add(name: str, value: Any) -> None:
            actions.append({"field": name, "value": value})

        for name in ("status", "priority", "type"):
            if data[name]:
                add(name, "" if data[name] == CLEAR else data[name])
        if data.get("custom_status"):
            add("custom_status_id", int(data["custom_status"]))
        if data.get("clear_group"):
            add("group_id", None)
        elif data.get("group"):
            add("group_id", data["group"].number)
        if data["assignee"]:
            add("assignee_id", None if data["assignee"] == CLEAR else data["assignee"])
        for name, form_name in (
            ("set_tags", "set_tags"),
            ("current_tags", "add_tags"),
            ("remove_tags", "remove_tags"),
        ):
            if data[form_name].strip():
                add(name, normalise_tags(data[form_name]))
        for definition in self.field_defs:
            value = data.get(f"{FIELD_PREFIX}{definition.number}")
            if value not in (None, "", []):
                add(f"{CUSTOM_PREFIX}{definition.number}", None if value == CLEAR else value)
        if data["cc_current_user"]:
            add("cc", CURRENT_USER)
        for number in data["ccs"]:
            add("cc", number)
        if data["comment_type"]:
            add("comment_mode_is_public", data["comment_type"] == PUBLIC)
        if data["comment"].strip():
            add("comment_value", data["comment"])
        return actions


def initial_for(macro: Macro) -> dict[str, Any]:
    actions = macro.actions
    public = action_value(actions, "comment_mode_is_public")
    assignee = action_value(actions, "assignee_id", UNCHANGED)
    group_set = any(a["field"] == "group_id" for a in actions)
    group = action_value(actions, "group_id")
    ccs = [v for v in action_values(actions, "cc") if v != CURRENT_USER]
    emails = (
        User.objects.for_account(macro.account)
        .filter(number__in=ccs)
        .values_list("email", flat=True)
    )
    custom = {
        f"{FIELD_PREFIX}{number}": _initial(a["value"])
        for a in actions
        if (number := custom_number(a["field"])) is not None
    }
    return custom | {
        "custom_status": str(action_value(actions, "custom_status_id", UNCHANGED)),
        "title": macro.title,
        "description": macro.description,
        "active": macro.active,
        "restrict_to": [g.number for g in macro.groups.all()],
        "status": action_value(actions, "status", UNCHANGED),
        "priority": _cleared(actions, "priority"),
        "type": _cleared(actions, "type"),
        "group": group,
        "clear_group": group_set and group is None,
        "assignee": CLEAR if assignee is None else str(assignee),
        "set_tags": action_value(actions, "set_tags", ""),
        "add_tags": action_value(actions, "current_tags", ""),
        "remove_tags": action_value(actions, "remove_tags", ""),
        "ccs": ", ".join(emails),
        "cc_current_user": CURRENT_USER in action_values(actions, "cc"),
        "comment_type": UNCHANGED if public is None else (PUBLIC if public else INTERNAL),
        "comment": action_value(actions, "comment_value", ""),
    }


def _initial(value: Any) -> Any:
    """A custom field action's value as the editor's input shows it."""
    if value is None:
        return CLEAR
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _cleared(actions: list[dict[str, Any]], name: str) -> str:
    value = action_value(actions, name, UNCHANGED)
    return CLEAR if value == "" and any(a["field"] == name for a in actions) else value


class BulkMacroForm(forms.Form):
    tickets = TicketNumbersField()
    macro = forms.IntegerField(min_value=1, max_value=2**62)

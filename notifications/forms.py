"""Forms of the notification settings and of forwarding. They parse input; the trigger
vocabulary is validated by notifications.triggers.trigger_clean (through the services)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from customfields.models import FieldKind
from notifications.models import Trigger
from notifications.triggers import (
    ACTIONS,
    APP_ACTIONS,
    CONDITIONS,
    EMAIL_ACTIONS,
    OPERATOR_LABELS,
)
from tickets.field_conditions import labelled_fields, operators_for
from tickets.forms import parse_emails

MAX_CONDITION_ROWS = 30
MAX_ACTION_ROWS = 20
BLANK_CONDITION_ROWS = 3
BLANK_ACTION_ROWS = 2


@dataclass
class TriggerEditor:
    """What the trigger editor shows and posts: plain rows, one per condition/action."""

    name: str = ""
    description: str = ""
    active: bool = True
    conditions: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)

    @classmethod
    def from_trigger(cls, trigger: Trigger | None) -> TriggerEditor:
        if trigger is None:
            return cls()
        return cls(
            name=trigger.name,
            description=trigger.description,
            active=trigger.active,
            conditions=[dict(c, value=_typed(c.get("value"))) for c in trigger.conditions],
            actions=[dict(a, value=_typed(a.get("value"))) for a in trigger.actions],
        )

    @classmethod
    def from_post(cls, data: QueryDict) -> TriggerEditor:
        """Rows named cond-<n>-field/operator/value and act-<n>-action/value/subject/body;
        rows left without a field or an action are dropped."""
        conditions = []
        for n in range(MAX_CONDITION_ROWS + BLANK_CONDITION_ROWS):
            name = data.get(f"cond-{n}-field", "").strip()
            if name:
                conditions.append(
                    {
                        "field": name,
                        "operator": data.get(f"cond-{n}-operator", "").strip(),
                        "value": data.get(f"cond-{n}-value", "").strip(),
                    }
                )
        actions = []
        for n in range(MAX_ACTION_ROWS + BLANK_ACTION_ROWS):
            kind = data.get(f"act-{n}-action", "").strip()
            if kind:
                row = {"action": kind, "value": data.get(f"act-{n}-value", "").strip()}
                if kind in EMAIL_ACTIONS or kind in APP_ACTIONS:
                    row["subject"] = data.get(f"act-{n}-subject", "")
                    row["body"] = data.get(f"act-{n}-body", "")
                actions.append(row)
        return cls(
            name=data.get("name", "").strip(),
            description=data.get("description", "").strip(),
            active=data.get("active") == "on",
            conditions=conditions,
            actions=actions,
        )

    def condition_rows(self) -> list[dict]:
        blank = {"field": "", "operator": "", "value": ""}
        return [*self.conditions, *([blank] * BLANK_CONDITION_ROWS)]

    def action_rows(self) -> list[dict]:
        blank = {"action": "", "value": "", "subject": "", "body": ""}
        return [*self.actions, *([blank] * BLANK_ACTION_ROWS)]


def _typed(value: object) -> str:
    """A stored value as the editor's text box holds it (custom fields store typed
    JSON: true, a number, a multi-select's list)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(map(str, value))
    return str(value)


def _custom_vocabulary(account: Account) -> dict:
    """Admin-defined fields: conditions on the ticket's, the requester's and the
    organization's fields, and "Set <field>" for ticket fields (triggers, automations)."""
    fields, actions, reference = [], [], []
    for name, label, one, source in labelled_fields(account):
        fields.append((name, label))
        operators = operators_for(one, changes=source.target == "ticket")
        reference.append(
            {
                "label": label,
                "operators": [OPERATOR_LABELS[o] for o in operators],
                "values": _field_values(one),
            }
        )
        if source.target == "ticket":
            actions.append((name, _("Set %(field)s") % {"field": one.label}))
    return {"fields": fields, "actions": actions, "reference": reference}


def _field_values(field) -> str:
    if field.kind == FieldKind.CHECKBOX:
        return "true, false"
    if field.has_options:
        return ", ".join(o.value for o in field.options.all())
    return "—"


def _reference_values(spec) -> str:
    if spec.values is not None:
        return ", ".join(v or "—" for v in spec.values)
    if set(spec.operators) <= set(spec.valueless):
        return "—"
    return str(_("any tag"))


def vocabulary(account: Account) -> dict:
    """The choices of the editor's selects and its reference table: the fixed
    vocabulary, then the account's own fields."""
    custom = _custom_vocabulary(account)
    return {
        "condition_fields": [
            *((key, spec.label) for key, spec in CONDITIONS.items()),
            *custom["fields"],
        ],
        "operators": list(OPERATOR_LABELS.items()),
        "actions": [*ACTIONS.items(), *custom["actions"]],
        "email_actions": list(EMAIL_ACTIONS),
        "reference": [
            *(
                {
                    "label": spec.label,
                    "operators": [OPERATOR_LABELS[o] for o in spec.operators],
                    "values": _reference_values(spec),
                }
                for spec in CONDITIONS.values()
            ),
            *custom["reference"],
        ],
    }


FORWARD_ROLES = [
    ("", "—"),
    (User.Role.AGENT, _("Every agent")),
    (User.Role.ADMIN, _("Every admin")),
]
MAX_FORWARD_RECIPIENTS = 50


class ForwardForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        help_text=_("Separate addresses with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agents = forms.ModelMultipleChoiceField(
        label=_("Agents"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=FORWARD_ROLES, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    include_conversation = forms.BooleanField(
        label=_("Include the conversation"), required=False, initial=True
    )
    include_history = forms.BooleanField(label=_("Include the activity history"), required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["agents"].queryset = User.objects.for_account(account).agents().order_by("name")  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
        self.fields["agents"].label_from_instance = lambda u: f"{u.name} <{u.email}>"  # type: ignore[attr-defined]  # a ModelMultipleChoiceField

    def clean_emails(self) -> list[str]:
        return parse_emails(self.cleaned_data["emails"])

    def recipients(self) -> list[str]:
        """Every address the forward goes to, agents and role members included."""
        data = self.cleaned_data
        addresses = list(data["emails"])
        addresses += [u.email for u in data["agents"]]
        if data["role"]:
            people = User.objects.for_account(self.account).agents().filter(role=data["role"])
            addresses += list(people.values_list("email", flat=True))
        unique = list(dict.fromkeys(a.lower() for a in addresses))
        return unique

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        recipients = self.recipients()
        if not recipients:
            raise ValidationError(_("Choose at least one recipient."))
        if len(recipients) > MAX_FORWARD_RECIPIENTS:
            raise ValidationError(
                _("Forward to at most %(n)s recipients.") % {"n": MAX_FORWARD_RECIPIENTS}
            )
        return cleaned

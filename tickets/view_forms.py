"""The view editor's form: title, who sees the view, conditions in two sets of rows
("all" and "any"), columns and sort. It only parses; tickets.services.saved_views validates
and saves (tickets.conditions decides what a condition may say)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from accounts.selectors import agents_for_account, groups_for_account
from customfields.selectors import ticket_fields_for_account
from tickets.conditions import BUSINESS, CURRENT_USER, FIELDS, OPERATORS, public_conditions
from tickets.field_conditions import is_custom, labelled_fields
from tickets.models import Channel, Ticket, View
from tickets.status_selectors import by_category, custom_statuses_for_account
from tickets.view_selectors import DEFAULT_COLUMNS, VIEW_COLUMNS, VIEW_SORTS, field_columns

ROWS = {"all": 6, "any": 4}
NONE = "none"


def value_choices(account: Account) -> list[tuple[Any, Any]]:
    """The values a condition can pick, grouped by field, each "kind:value" so one
    select serves every field (the text box next to it takes the rest: tags, dates,
    numbers of hours or days, a requester's number)."""
    agents = [(f"user:{u.number}", u.name) for u in agents_for_account(account=account)]
    groups = [(f"group:{g.number}", g.name) for g in groups_for_account(account=account)]
    return [
        ("", "—"),
        (_("Status"), [(f"status:{v}", label) for v, label in Ticket.Status.choices]),
        (
            _("Priority"),
            [(f"priority:{v}", label) for v, label in Ticket.Priority.choices]
            + [("priority:", _("No priority"))],
        ),
        (_("Type"), [(f"type:{v}", label) for v, label in Ticket.Type.choices]),
        (
            _("Custom status"),
            [
                (f"custom_status:{s.number}", s.agent_name)
                for s in by_category(custom_statuses_for_account(account=account))
            ],
        ),
        (_("Group"), [*groups, (f"group:{NONE}", _("No group"))]),
        (
            _("People"),
            [
                (f"user:{CURRENT_USER}", _("Current user")),
                (f"user:{NONE}", _("Unassigned / nobody")),
                *agents,
            ],
        ),
        (_("Channel"), [(f"via:{v}", label) for v, label in Channel.choices]),
        (
            _("Satisfaction"),
            [(f"satisfaction:{v}", label) for v, label in Ticket.Rating.choices]
            + [("satisfaction:", _("Not rated"))],
        ),
        (
            _("Escalation"),
            [(f"escalation:{v}", label) for v, label in Ticket.Escalation.choices]
            + [("escalation:", _("Never escalated"))],
        ),
        (
            _("Sentiment"),
            [(f"sentiment:{v}", label) for v, label in Ticket.Sentiment.choices]
            + [("sentiment:", _("No comment from the requester"))],
        ),
        (
            _("Activity status"),
            [(f"activity_status:{v}", label) for v, label in Ticket.ActivityStatus.choices],
        ),
        (_("Public"), [("bool:true", _("Public")), ("bool:false", _("Private"))]),
        *custom_value_choices(account),
    ]


def custom_value_choices(account: Account) -> list[tuple[Any, Any]]:
    """A group of choices per drop-down and multi-select field: its options' values."""
    return [
        (field.label, [(f"cf{field.number}:{o.value}", o.label) for o in field.options.all()])
        for field in ticket_fields_for_account(account=account)
        if field.has_options and field.active
    ]


class ViewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    visibility = forms.ChoiceField(label=_("Available to"), choices=View.Visibility.choices)
    groups = forms.MultipleChoiceField(label=_("Groups"), required=False)
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=[(key, c.label) for key, c in VIEW_COLUMNS.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_COLUMNS),
        required=False,
    )
    sort_by = forms.ChoiceField(
        label=_("Sort by"), choices=[(key, VIEW_COLUMNS[key].label) for key in VIEW_SORTS]
    )
    sort_order = forms.ChoiceField(label=_("Order"), choices=View.SortOrder.choices)

    def __init__(self, *args, account: Account, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            *((key, c.label) for key, c in VIEW_COLUMNS.items()),
            *((key, c.label) for key, c in field_columns(account=account).items()),
        ]
        self.fields["groups"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (str(g.number), g.name) for g in groups_for_account(account=account)
        ]
        if not actor.is_admin:
            self.fields["visibility"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
                (View.Visibility.PERSONAL, View.Visibility.PERSONAL.label)
            ]
        fields = [
            ("", "—"),
            *((name, f.label) for name, f in FIELDS.items()),
            *((name, label) for name, label, _field, _source in labelled_fields(account)),
        ]
        # The "N business hours" ones are the automations' (AutomationForm adds them).
        operators = [("", "—"), *((k, v) for k, v in OPERATORS.items() if k not in BUSINESS)]
        values = value_choices(account)
        for part, count in ROWS.items():
            for index in range(count):
                prefix = f"{part}-{index}"
                self.fields[f"{prefix}-field"] = forms.ChoiceField(
                    choices=fields, required=False, label=_("Field")
                )
                self.fields[f"{prefix}-operator"] = forms.ChoiceField(
                    choices=operators, required=False, label=_("Operator")
                )
                self.fields[f"{prefix}-value"] = forms.ChoiceField(
                    choices=values, required=False, label=_("Value")
                )
                self.fields[f"{prefix}-text"] = forms.CharField(
                    required=False, max_length=200, label=_("or type a value")
                )

    def condition_rows(self, part: str) -> list[list[forms.BoundField]]:
        return [
            [self[f"{part}-{i}-{name}"] for name in ("field", "operator", "value", "text")]
            for i in range(ROWS[part])
        ]

    def rows_all(self):
        return self.condition_rows("all")

    def rows_any(self):
        return self.condition_rows("any")

    def conditions(self) -> dict[str, list[dict]]:
        """The conditions in Zendesk's public shape, rows without a field left out."""
        data = self.cleaned_data
        result: dict[str, list[dict]] = {"all": [], "any": []}
        for part, count in ROWS.items():
            for i in range(count):
                field = data.get(f"{part}-{i}-field")
                if not field:
                    continue
                picked = data.get(f"{part}-{i}-value") or ""
                text = (data.get(f"{part}-{i}-text") or "").strip()
                result[part].append(
                    {
                        "field": field,
                        "operator": data.get(f"{part}-{i}-operator") or "",
                        "value": text if text else _picked_value(picked),
                    }
                )
        return result

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "is_active": data["is_active"],
            "visibility": data["visibility"],
            "groups": [int(n) for n in data["groups"]],
            "conditions": self.conditions(),
            "columns": data["columns"] or list(DEFAULT_COLUMNS),
            "sort_by": data["sort_by"],
            "sort_order": data["sort_order"],
        }


def _picked_value(picked: str) -> Any:
    kind, _sep, value = picked.partition(":")
    if kind == "bool":
        return value == "true"
    if value == NONE:
        return None
    return value


def initial_for(view: View) -> dict[str, Any]:
    """The editor's initial values for ``view``."""
    initial: dict[str, Any] = {
        "title": view.display_title,
        "description": view.description,
        "is_active": view.is_active,
        "visibility": view.visibility,
        "groups": [str(link.group.number) for link in view.group_links.select_related("group")],
        "columns": view.columns or list(DEFAULT_COLUMNS),
        "sort_by": view.sort_by,
        "sort_order": view.sort_order,
    }
    conditions = public_conditions(account=view.account, conditions=view.conditions)
    for part, count in ROWS.items():
        for i, condition in enumerate(conditions[part][:count]):
            prefix = f"{part}-{i}"
            initial[f"{prefix}-field"] = condition["field"]
            initial[f"{prefix}-operator"] = condition["operator"]
            picked, text = _as_choice(condition)
            initial[f"{prefix}-value"] = picked
            initial[f"{prefix}-text"] = text
    return initial


def _as_choice(condition: dict) -> tuple[str, str]:
    value = condition["value"]
    if is_custom(condition["field"]):
        if isinstance(value, bool):
            return ("bool:true" if value else "bool:false"), ""
        if isinstance(value, list):
            value = " ".join(value)
        return "", "" if value is None else str(value)
    field = FIELDS[condition["field"]]
    if field.kind == "boolean":
        return ("bool:true" if value else "bool:false"), ""
    if field.kind == "presence":
        return "", "true" if value else "false"
    if field.kind in ("choice", "ordered"):
        return f"{condition['field']}:{value}", ""
    if field.kind == "organization" or (field.name == "requester_id" and value != CURRENT_USER):
        return "", "" if value is None else str(value)
    if field.kind in ("group", "user", "custom_status"):
        if value is None:
            return f"{field.kind}:{NONE}", ""
        return f"{field.kind}:{value}", ""
    if value is None:
        return "", ""
    return "", str(value)

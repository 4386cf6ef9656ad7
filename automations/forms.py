"""The automation editor's form: name, description, active, the views' condition rows
("all" and "any", tickets.view_forms) and the triggers' action rows (notifications.
forms.TriggerEditor). It only parses; automations.rules validates."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from automations.models import Automation
from notifications.forms import TriggerEditor
from tickets.conditions import OPERATORS, public_conditions
from tickets.view_forms import ROWS, ViewForm, _as_choice

VIEW_ONLY_FIELDS = ("visibility", "groups", "columns", "sort_by", "sort_order")


class AutomationForm(ViewForm):
    """The view editor's condition rows, without what only a view has."""

    def __init__(self, *args: Any, account: Account, actor: User, **kwargs: Any):
        super().__init__(*args, account=account, actor=actor, **kwargs)
        for name in VIEW_ONLY_FIELDS:
            del self.fields[name]
        self.fields["title"].label = _("Name")
        # Every operator, the "N business hours" ones included (the views' form leaves
        # them out: they are measured in the account's schedule, by the pass).
        operators = [("", "—"), *OPERATORS.items()]
        for name, field in self.fields.items():
            if name.endswith("-operator"):
                field.choices = operators  # type: ignore[attr-defined]  # a ChoiceField

    def automation_fields(self, actions: list[dict]) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["title"],
            "description": data["description"],
            "active": data["is_active"],
            "conditions": self.conditions(),
            "actions": actions,
        }


def initial_for(automation: Automation) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": automation.name,
        "description": automation.description,
        "is_active": automation.active,
    }
    conditions = public_conditions(account=automation.account, conditions=automation.conditions)
    for part, count in ROWS.items():
        for i, condition in enumerate(conditions[part][:count]):
            prefix = f"{part}-{i}"
            initial[f"{prefix}-field"] = condition["field"]
            initial[f"{prefix}-operator"] = condition["operator"]
            initial[f"{prefix}-value"], initial[f"{prefix}-text"] = _as_choice(condition)
    return initial


def actions_editor(*, automation: Automation | None = None, data: QueryDict | None = None):
    """The action rows, as the trigger editor shows and posts them."""
    if data is not None:
        return TriggerEditor.from_post(data)
    return TriggerEditor(actions=[dict(a) for a in automation.actions] if automation else [])

"""The SLA policy editor: title, schedule, the conditions a ticket must meet (each an
"is" test on one of the ticket's properties; the API takes the views' whole vocabulary)
and a grid of targets, one row per metric, one column per priority, in minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.selectors import groups_for_account
from servicelevels import clocks
from servicelevels.models import METRIC_LABELS, Schedule
from servicelevels.policies import MAX_TARGET_MINUTES
from tickets.models import Channel, Ticket

# The conditions the page offers: form field → the views' condition field.
CONDITION_FIELDS = {
    "cond_type": "type",
    "cond_group": "group_id",
    "cond_via": "via",
    "cond_tags": "current_tags",
}
ANY = [("", _("Any"))]


def target_name(metric: str, priority: str) -> str:
    return f"target-{metric}-{priority}"


def business_name(metric: str) -> str:
    return f"business-{metric}"


class SlaPolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    schedule = forms.ChoiceField(label=_("Business hours schedule"), required=False)
    cond_type = forms.ChoiceField(label=_("Type is"), required=False)
    cond_group = forms.ChoiceField(label=_("Group is"), required=False)
    cond_via = forms.ChoiceField(label=_("Channel is"), required=False)
    cond_tags = forms.CharField(
        label=_("Tags contain at least one of"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with spaces."),
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schedules = Schedule.objects.for_account(account).order_by("-is_default", "name")
        choices: dict[str, list] = {
            "schedule": [("", _("The default schedule"))]
            + [(str(s.number), s.name) for s in schedules],
            "cond_type": ANY + list(Ticket.Type.choices),
            "cond_group": ANY
            + [(str(g.number), g.name) for g in groups_for_account(account=account)],
            "cond_via": ANY + list(Channel.choices),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        self.priority_labels = [label for _value, label in Ticket.Priority.choices]
        self.rows = []
        for metric in clocks.METRICS:
            business = forms.BooleanField(label=_("Business hours"), required=False)
            self.fields[business_name(metric)] = business
            cells = []
            for priority, label in Ticket.Priority.choices:
                name = target_name(metric, priority)
                self.fields[name] = forms.IntegerField(
                    label=f"{METRIC_LABELS[metric]} – {label}",
                    required=False,
                    min_value=1,
                    max_value=MAX_TARGET_MINUTES,
                )
                cells.append(self[name])
            self.rows.append(
                {
                    "label": METRIC_LABELS[metric],
                    "business": self[business_name(metric)],
                    "cells": cells,
                }
            )

    @staticmethod
    def initial_for(policy: Any, public: dict) -> dict[str, Any]:
        """The editor's values for ``policy`` (``public``: its conditions by number)."""
        initial: dict[str, Any] = {
            "title": policy.title,
            "description": policy.description,
            "is_active": policy.is_active,
            "schedule": str(policy.schedule.number) if policy.schedule else "",
        }
        by_field = {c["field"]: c["value"] for c in public.get("all", [])}
        for name, field in CONDITION_FIELDS.items():
            value = by_field.get(field)
            if value is not None:
                initial[name] = value if field != "current_tags" else str(value)
        for metric in policy.metrics:
            initial[target_name(metric["metric"], metric["priority"])] = metric["target"]
            if metric.get("business_hours"):
                initial[business_name(metric["metric"])] = True
        return initial

    def policy_fields(self, account: Account) -> dict[str, Any]:
        """What the services take, from the cleaned form."""
        data = self.cleaned_data
        conditions = []
        for name, field in CONDITION_FIELDS.items():
            value = data.get(name)
            if not value:
                continue
            operator = "includes" if field == "current_tags" else "is"
            conditions.append({"field": field, "operator": operator, "value": value})
        metrics = [
            {
                "priority": priority,
                "metric": metric,
                "target": data[target_name(metric, priority)],
                "business_hours": bool(data.get(business_name(metric))),
            }
            for metric in clocks.METRICS
            for priority in Ticket.Priority.values
            if data.get(target_name(metric, priority))
        ]
        schedule = None
        if data.get("schedule"):
            schedule = Schedule.objects.for_account(account).filter(number=data["schedule"]).first()
        return {
            "title": data["title"],
            "description": data["description"],
            "is_active": data["is_active"],
            "schedule": schedule,
            "conditions": {"all": conditions, "any": []},
            "metrics": metrics,
        }

"""The SLA policy editor: title, schedule, the conditions a ticket must meet (the view
editor's condition rows, "all" and "any", tickets.view_forms, offering only the fields a
policy may test: servicelevels.policies.SLA_FIELDS) and a grid of targets, one row per
metric, one column per priority, in minutes. It only parses; servicelevels.policies
validates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from servicelevels import clocks
from servicelevels.models import METRIC_LABELS, Schedule
from servicelevels.policies import MAX_TARGET_MINUTES, SLA_FIELDS
from tickets.conditions import FIELDS
from tickets.models import Ticket
from tickets.view_forms import ROWS, ViewForm, _as_choice, value_choices

VIEW_ONLY_FIELDS = ("visibility", "groups", "columns", "sort_by", "sort_order")
# The value lists that serve SLA_FIELDS (organizations are typed, by number; tags too).
SLA_VALUE_KINDS = ("priority", "type", "group", "via")


def target_name(metric: str, priority: str) -> str:
    return f"target-{metric}-{priority}"


def business_name(metric: str) -> str:
    return f"business-{metric}"


def _sla_value_choices(account: Account) -> list[tuple[Any, Any]]:
    """The view editor's value list, keeping the groups whose values SLA_FIELDS take."""
    kept: list[tuple[Any, Any]] = []
    for value, label in value_choices(account):
        if not isinstance(label, list):
            kept.append((value, label))  # the empty choice
            continue
        options = [o for o in label if o[0].partition(":")[0] in SLA_VALUE_KINDS]
        if options:
            kept.append((value, options))
    return kept


class SlaPolicyForm(ViewForm):
    schedule = forms.ChoiceField(label=_("Business hours schedule"), required=False)

    def __init__(self, *args: Any, account: Account, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, account=account, actor=actor, **kwargs)
        for name in VIEW_ONLY_FIELDS:
            del self.fields[name]
        schedules = Schedule.objects.for_account(account).order_by("-is_default", "name")
        self.fields["schedule"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("The default schedule")),
            *((str(s.number), s.name) for s in schedules),
        ]
        fields = [("", "—"), *((name, FIELDS[name].label) for name in SLA_FIELDS)]
        values = _sla_value_choices(account)
        for part, count in ROWS.items():
            for index in range(count):
                self.fields[f"{part}-{index}-field"].choices = fields  # type: ignore[attr-defined]
                self.fields[f"{part}-{index}-value"].choices = values  # type: ignore[attr-defined]
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
        for part, count in ROWS.items():
            for i, condition in enumerate(public.get(part, [])[:count]):
                prefix = f"{part}-{i}"
                initial[f"{prefix}-field"] = condition["field"]
                initial[f"{prefix}-operator"] = condition["operator"]
                initial[f"{prefix}-value"], initial[f"{prefix}-text"] = _as_choice(condition)
        for metric in policy.metrics:
            initial[target_name(metric["metric"], metric["priority"])] = metric["target"]
            if metric.get("business_hours"):
                initial[business_name(metric["metric"])] = True
        return initial

    def policy_fields(self, account: Account) -> dict[str, Any]:
        """What the services take, from the cleaned form."""
        data = self.cleaned_data
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
            "conditions": self.conditions(),
            "metrics": metrics,
        }

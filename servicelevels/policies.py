"""Changes to SLA policies. Rules kept here, whoever calls (the settings pages, the API):
a title; conditions in the views' vocabulary, limited to the ticket's own properties
(SLA_FIELDS); targets with a known priority and metric, a whole number of minutes from 1
to a year, at most one per priority and metric; a schedule of the same account.

A change of policy reaches a ticket at its next update (Zendesk's rule too), except that
deactivating or deleting a policy stops its tickets' breach times at once: a list must
never show a breach of a policy that no longer applies.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Account
from servicelevels import clocks
from servicelevels.models import Schedule, SlaPolicy, TicketSla
from servicelevels.tracking import untrack
from tickets.conditions import clean_conditions, fields_in, public_conditions
from tickets.models import Ticket

# The views' fields a policy may test: the ticket's own, never people or times.
SLA_FIELDS = (
    "priority",
    "type",
    "group_id",
    "organization_id",
    "requester_organization_id",
    "current_tags",
    "via",
)
MAX_TARGET_MINUTES = 365 * 24 * 60
PRIORITIES = tuple(Ticket.Priority.values)


def clean_metrics(data: Any) -> list[dict[str, Any]]:
    """Zendesk's ``policy_metrics``, checked; every mistake named in one error."""
    if data in (None, ""):
        data = []
    if not isinstance(data, list):
        raise ValidationError({"metrics": _("Targets must be a list.")})
    errors: list[str] = []
    cleaned: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in data:
        if not isinstance(item, dict):
            errors.append(_("Each target needs a priority, a metric and a target."))
            continue
        priority, metric = item.get("priority"), item.get("metric")
        target, business = item.get("target"), item.get("business_hours", False)
        if priority not in PRIORITIES:
            errors.append(_("Unknown priority %(value)s.") % {"value": _shown(priority)})
            continue
        if metric not in clocks.METRICS:
            errors.append(_("Unknown metric %(value)s.") % {"value": _shown(metric)})
            continue
        if (
            isinstance(target, bool)
            or not isinstance(target, int)
            or not 0 < target <= MAX_TARGET_MINUTES
        ):
            errors.append(
                _(
                    "The target of %(metric)s (%(priority)s) must be a whole number of minutes "
                    "from 1 to %(max)s."
                )
                % {"metric": metric, "priority": priority, "max": MAX_TARGET_MINUTES}
            )
            continue
        if (priority, metric) in seen:
            errors.append(
                _("%(metric)s has two targets for priority %(priority)s.")
                % {"metric": metric, "priority": priority}
            )
            continue
        seen.add((priority, metric))
        cleaned.append(
            {
                "priority": priority,
                "metric": metric,
                "target": target,
                "business_hours": business is True,
            }
        )
    if errors:
        raise ValidationError({"metrics": errors})
    order = {m: i for i, m in enumerate(clocks.METRICS)}
    return sorted(cleaned, key=lambda m: (order[m["metric"]], PRIORITIES.index(m["priority"])))


def _shown(value: Any) -> str:
    return f'"{str(value)[:40]}"'


def _clean(account: Account, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(fields.get("title") or "").strip()
    if not title:
        errors["title"] = [_("A policy needs a title.")]
    conditions: dict = {}
    try:
        conditions = clean_conditions(account=account, data=fields.get("conditions"))
        outside = sorted(set(fields_in(conditions)) - set(SLA_FIELDS))
        if outside:
            raise ValidationError(
                _("A policy's conditions can test %(known)s; not %(fields)s.")
                % {"known": ", ".join(SLA_FIELDS), "fields": ", ".join(outside)}
            )
    except ValidationError as exc:
        errors["conditions"] = exc.messages
    metrics: list = []
    try:
        metrics = clean_metrics(fields.get("metrics"))
    except ValidationError as exc:
        errors["metrics"] = exc.messages
    schedule = fields.get("schedule")
    if schedule is not None and (
        not isinstance(schedule, Schedule) or schedule.account_id != account.pk
    ):
        errors["schedule"] = [_("Unknown schedule.")]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title[:200],
        "description": str(fields.get("description") or "").strip()[:500],
        "conditions": conditions,
        "metrics": metrics,
        "schedule": schedule,
        "is_active": fields.get("is_active", True) is not False,
    }


def _stop_measuring(policy: SlaPolicy) -> None:
    tickets = TicketSla.objects.for_account(policy.account).filter(policy=policy)
    untrack(tickets.values("ticket_id"), policy.account_id)


@transaction.atomic
def sla_policy_create(*, account: Account, position: int | None = None, **fields: Any) -> SlaPolicy:
    """A new policy, last in the order unless ``position`` (from 1) says otherwise."""
    cleaned = _clean(account, fields)
    last = SlaPolicy.objects.for_account(account).aggregate(m=Max("position"))["m"] or 0
    policy = SlaPolicy(account=account, position=last + 1, **cleaned)
    policy.save()
    if position is not None:
        _move(policy, position)
    return policy


@transaction.atomic
def sla_policy_update(
    *, policy: SlaPolicy, position: int | None = None, **fields: Any
) -> SlaPolicy:
    was_active = policy.is_active
    current = {
        "title": policy.title,
        "description": policy.description,
        "conditions": policy.conditions,
        "metrics": policy.metrics,
        "schedule": policy.schedule,
        "is_active": policy.is_active,
    }
    current["conditions"] = public_conditions(account=policy.account, conditions=policy.conditions)
    cleaned = _clean(policy.account, current | fields)
    for name, value in cleaned.items():
        setattr(policy, name, value)
    policy.save()
    if was_active and not policy.is_active:
        _stop_measuring(policy)
    if position is not None:
        _move(policy, position)
    return policy


@transaction.atomic
def sla_policy_set_active(*, policy: SlaPolicy, active: bool) -> SlaPolicy:
    policy.is_active = active
    policy.save(update_fields=["is_active", "updated_at"])
    if not active:
        _stop_measuring(policy)
    return policy


@transaction.atomic
def sla_policy_delete(*, policy: SlaPolicy) -> None:
    _stop_measuring(policy)
    policy.delete()


def _move(policy: SlaPolicy, position: int) -> None:
    numbers = list(
        SlaPolicy.objects.for_account(policy.account)
        .exclude(pk=policy.pk)
        .order_by("position", "number")
        .values_list("number", flat=True)
    )
    numbers.insert(max(position, 1) - 1, policy.number)
    _renumber(policy.account, numbers)


def _renumber(account: Account, numbers: list[int]) -> None:
    for index, number in enumerate(numbers, start=1):
        SlaPolicy.objects.for_account(account).filter(number=number).update(position=index)


@transaction.atomic
def sla_policies_reorder(*, account: Account, numbers: list[int]) -> None:
    """The policies in the order of ``numbers`` (every policy of the account, once)."""
    known = set(SlaPolicy.objects.for_account(account).values_list("number", flat=True))
    if len(numbers) != len(set(numbers)) or set(numbers) != known:
        raise ValidationError(_("Give every policy of the account, each once, in the new order."))
    _renumber(account, numbers)

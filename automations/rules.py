"""What an automation may say: the views' conditions (tickets.conditions) and the
triggers' actions (notifications.triggers), validated by their own code, plus the one
rule of its own, Zendesk's: an automation must stop matching a ticket once it has acted on
it, so that it acts once per ticket rather than at every pass.

It stops matching when one of its actions makes one of its "all" conditions false: it
sets a status, priority, group or assignee a condition excludes, or adds a tag a
condition asks the ticket not to have."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Account, AgentGroup, User
from notifications.triggers import trigger_clean
from tickets.conditions import CURRENT_USER, FIELDS, PRIORITY_ORDER, STATUS_ORDER, clean_conditions

# The action that sets a field → the condition field it can make false.
ACTION_FIELDS = {
    "set_status": "status",
    "set_priority": "priority",
    "set_group": "group_id",
    "set_assignee": "assignee_id",
}


def automation_clean(*, account: Account, conditions: object, actions: object) -> tuple[dict, list]:
    """The stored conditions and actions, or a ValidationError listing every problem."""
    errors: list[str] = []
    try:
        cleaned = clean_conditions(account=account, data=conditions, business_hours=True)
    except ValidationError as exc:
        errors.extend(exc.messages)
        cleaned = {"all": [], "any": []}
    if any(c["value"] == CURRENT_USER for part in cleaned.values() for c in part):
        errors.append(_("An automation runs as nobody: “current user” means nothing in it."))
    clean_actions: list = []
    if not actions:
        errors.append(_("An automation needs at least one action."))
    else:
        try:
            _none, clean_actions = trigger_clean(account=account, conditions=[], actions=actions)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if not errors and not cleaned["all"] and not cleaned["any"]:
        errors.append(_("An automation needs at least one condition."))
    if not errors and not _nullifies(account, cleaned["all"], clean_actions):
        errors.append(
            _(
                "This automation would act on the same tickets at every pass. Add a "
                "condition that one of its actions makes false (for example “Status is "
                "Solved” with the action “Set status: Closed”), or have it add a tag and "
                "add the condition “Tags contains none of” that tag."
            )
        )
    if errors:
        raise ValidationError(errors)
    return cleaned, clean_actions


def _nullifies(account: Account, conditions: list[dict], actions: list[dict]) -> bool:
    for action in actions:
        kind, value = action["action"], action["value"]
        if kind == "add_tag":
            if any(
                c["field"] == "current_tags"
                and c["operator"] == "not_includes"
                and value in c["value"].split()
                for c in conditions
            ):
                return True
            continue
        field = ACTION_FIELDS.get(kind)
        if field is None:
            continue
        new = _stored_value(account, field, value)
        if any(c["field"] == field and not _holds(c, new) for c in conditions):
            return True
    return False


def _stored_value(account: Account, field: str, value: str) -> object:
    """An action's value as conditions store it (keys for groups and people)."""
    if field == "group_id":
        return (
            AgentGroup.objects.for_account(account)
            .filter(number=int(value))
            .values_list("pk", flat=True)
            .first()
        )
    if field == "assignee_id":
        if value == CURRENT_USER:
            return None  # an automation has no current user: the action does nothing
        return (
            User.objects.for_account(account)
            .filter(number=int(value))
            .values_list("pk", flat=True)
            .first()
        )
    return value


def _holds(condition: dict, new: object) -> bool:
    """Does ``condition`` still hold of a ticket whose field is now ``new``?"""
    operator, value = condition["operator"], condition["value"]
    if operator in ("less_than", "greater_than"):
        order = STATUS_ORDER if condition["field"] == "status" else PRIORITY_ORDER
        if new not in order:
            return True
        before = order.index(new) < order.index(value)
        return before if operator == "less_than" else order.index(new) > order.index(value)
    if operator == "is":
        return new == value
    if operator == "is_not":
        return new != value
    return True


def condition_fields() -> list[tuple[str, object]]:
    return [(name, f.label) for name, f in FIELDS.items()]

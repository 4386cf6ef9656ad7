"""The trigger vocabulary: which conditions and actions exist, how a stored trigger is
validated, and how its conditions are evaluated against one ticket change set.

Conditions and actions are stored as JSON; nothing outside this vocabulary is ever
saved (``trigger_clean``) nor evaluated, so an admin's trigger is data, never code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, AgentGroup, User
from customfields.selectors import option_values
from customfields.values import clean_value
from tickets.events import TicketChange
from tickets.field_conditions import (
    PREFIX,
    clean_custom_conditions,
    custom_condition_holds,
    fields_by_name,
    is_custom,
)
from tickets.models import Channel, Ticket

STATUS_VALUES = list(Ticket.Status.values)
PRIORITY_VALUES = ["", *Ticket.Priority.values]


@dataclass(frozen=True)
class ConditionSpec:
    label: str | Promise
    operators: tuple[str, ...]
    values: tuple[str, ...] | None  # None: free text (tags)
    # Operators that take no value.
    valueless: tuple[str, ...] = ()


CONDITIONS: dict[str, ConditionSpec] = {
    "update_type": ConditionSpec(gettext_lazy("Ticket is"), ("is",), ("created", "updated")),
    "comment": ConditionSpec(
        gettext_lazy("Comment"), ("is",), ("public", "internal", "present", "absent")
    ),
    "status": ConditionSpec(
        gettext_lazy("Status"),
        ("is", "is_not", "changed", "changed_to", "changed_from"),
        tuple(STATUS_VALUES),
        valueless=("changed",),
    ),
    "visibility": ConditionSpec(gettext_lazy("Ticket visibility"), ("is",), ("public", "private")),
    "channel": ConditionSpec(gettext_lazy("Channel"), ("is", "is_not"), tuple(Channel.values)),
    "submitter": ConditionSpec(
        gettext_lazy("Submitter"), ("is",), ("agent", "end_user", "requester", "not_requester")
    ),
    "current_user": ConditionSpec(
        gettext_lazy("Current user"), ("is",), ("agent", "end_user", "requester", "not_requester")
    ),
    "assignee": ConditionSpec(
        gettext_lazy("Assignee"),
        ("changed", "is_set", "not_set"),
        None,
        valueless=("changed", "is_set", "not_set"),
    ),
    "group": ConditionSpec(
        gettext_lazy("Group"),
        ("changed", "is_set", "not_set"),
        None,
        valueless=("changed", "is_set", "not_set"),
    ),
    "priority": ConditionSpec(
        gettext_lazy("Priority"), ("is", "is_not", "changed_to"), tuple(PRIORITY_VALUES)
    ),
    "tags": ConditionSpec(gettext_lazy("Tags"), ("includes", "not_includes"), None),
    # Escalations (seed 004): the escalation's stage changed (the escalations app sends
    # the change set), or the ticket's escalation is open / resolved / none.
    "escalation": ConditionSpec(
        gettext_lazy("Escalation"),
        ("stage_changed", "is", "is_not"),
        ("", *Ticket.Escalation.values),
        valueless=("stage_changed",),
    ),
    # Issue 28: the sentiment of the requester side's latest comment (this update's, when
    # it brings one): "negative" sends angry mail to a senior group.
    "sentiment": ConditionSpec(
        gettext_lazy("Sentiment"), ("is", "is_not"), ("", *Ticket.Sentiment.values)
    ),
    # Calls and meetings (seeds 000, 004): the ticket's call was scheduled, held or
    # missed (the calls app sends the change set; logging a call is also channel phone).
    "call": ConditionSpec(
        gettext_lazy("Call status"), ("changed_to",), ("scheduled", "held", "missed")
    ),
    # Issue 20: an SLA target reaching its warning time (an hour before its breach) or
    # its breach, recorded by the scheduled pass (servicelevels.alerts).
    "sla": ConditionSpec(
        gettext_lazy("SLA target"),
        ("warning_reached", "breached"),
        None,
        valueless=("warning_reached", "breached"),
    ),
}

OPERATOR_LABELS = {
    "is": gettext_lazy("is"),
    "is_not": gettext_lazy("is not"),
    "changed": gettext_lazy("changed"),
    "changed_to": gettext_lazy("changed to"),
    "changed_from": gettext_lazy("changed from"),
    "is_set": gettext_lazy("is set"),
    "not_set": gettext_lazy("is not set"),
    "includes": gettext_lazy("includes"),
    "not_includes": gettext_lazy("does not include"),
    "warning_reached": gettext_lazy("warning reached (1 hour before breach)"),
    "breached": gettext_lazy("breached"),
    "stage_changed": gettext_lazy("stage changed"),
    # Admin-defined fields' (tickets.field_conditions, the views' vocabulary too).
    "is_empty": gettext_lazy("is not set"),
    "contains": gettext_lazy("contains the text"),
    "less_than": gettext_lazy("less than"),
    "greater_than": gettext_lazy("greater than"),
    "before": gettext_lazy("before (date)"),
    "after": gettext_lazy("after (date)"),
}

EMAIL_ACTIONS = {
    "email_requester_and_ccs": gettext_lazy("Email requester and CCs"),
    "email_requester": gettext_lazy("Email requester"),
    "email_assignee": gettext_lazy("Email assignee"),
    "email_group": gettext_lazy("Email group's agents"),
    "email_user": gettext_lazy("Email user (number)"),
    "email_address": gettext_lazy("Email address"),
}
FIELD_ACTIONS = {
    "set_status": gettext_lazy("Set status"),
    "set_priority": gettext_lazy("Set priority"),
    "set_group": gettext_lazy("Set group (number)"),
    "set_assignee": gettext_lazy("Set assignee (number or current_user)"),
    "add_tag": gettext_lazy("Add tag"),
}
ACTIONS: dict[str, str | Promise] = {**EMAIL_ACTIONS, **FIELD_ACTIONS}


@dataclass(frozen=True)
class AppAction:
    """An action another app performs (webhooks: "Notify webhook"), registered from its
    AppConfig.ready with ``register_action``: the editors offer it, ``trigger_clean``
    validates it with ``clean`` and both rule runners (triggers, automations) call ``run``
    inside the change's transaction, where it writes its own outbox rows."""

    label: str | Promise
    # (account, raw action) → the stored action; raises ValidationError.
    clean: Callable[[Account, dict], dict]
    # run(ticket=, action=, actor=, conversation=, reason=): writes its rows.
    run: Callable[..., None]


APP_ACTIONS: dict[str, AppAction] = {}


def register_action(key: str, action: AppAction) -> None:
    APP_ACTIONS[key] = action
    ACTIONS[key] = action.label


def _err(message: str) -> ValidationError:
    return ValidationError(message)


def _clean_condition(raw: object) -> dict:
    if not isinstance(raw, dict):
        raise _err(_("A condition must be an object."))
    field, operator = str(raw.get("field", "")), str(raw.get("operator", ""))
    if is_custom(field):  # checked with the account's fields: clean_custom_conditions
        return {"field": field, "operator": operator, "value": raw.get("value")}
    spec = CONDITIONS.get(field)
    if spec is None:
        raise _err(_("Unknown condition “%(field)s”.") % {"field": field[:40]})
    if operator not in spec.operators:
        raise _err(
            _("“%(op)s” is not an operator of %(field)s.")
            % {"op": operator[:40], "field": spec.label}
        )
    value = raw.get("value", "")
    value = "" if value is None else str(value).strip().lower()
    if operator in spec.valueless:
        value = ""
    elif spec.values is not None and value not in spec.values:
        raise _err(
            _("“%(value)s” is not a value of %(field)s.")
            % {"value": value[:40], "field": spec.label}
        )
    elif spec.values is None and not value:
        raise _err(_("%(field)s needs a value.") % {"field": spec.label})
    return {"field": field, "operator": operator, "value": value[:60]}


def _clean_action(account: Account, raw: object) -> dict:
    if not isinstance(raw, dict):
        raise _err(_("An action must be an object."))
    action = str(raw.get("action", ""))
    if action.startswith(PREFIX):
        return _clean_field_action(account, action, raw.get("value"))
    if action not in ACTIONS:
        raise _err(_("Unknown action “%(action)s”.") % {"action": action[:40]})
    if action in APP_ACTIONS:
        return APP_ACTIONS[action].clean(account, raw)
    value = str(raw.get("value", "") or "").strip()
    cleaned: dict = {"action": action, "value": ""}
    if action in EMAIL_ACTIONS:
        subject = str(raw.get("subject", "") or "").strip()
        body = str(raw.get("body", "") or "").replace("\r\n", "\n").strip()
        if not subject or not body:
            raise _err(_("An email action needs a subject and a body."))
        cleaned.update(subject=subject[:255], body=body[:10_000])
    if action == "email_user":
        if not value.isdigit() or not _user(account, int(value)):
            raise _err(_("No active user with number %(n)s.") % {"n": value[:20]})
    elif action == "email_address":
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError as exc:
            raise _err(_("“%(v)s” is not an email address.") % {"v": value[:80]}) from exc
    elif action == "set_status":
        if value not in STATUS_VALUES or value == Ticket.Status.NEW:
            raise _err(_("Choose a status other than New."))
    elif action == "set_priority":
        if value not in PRIORITY_VALUES:
            raise _err(_("Unknown priority."))
    elif action == "set_group":
        if not value.isdigit() or not _group(account, int(value)):
            raise _err(_("No group with number %(n)s.") % {"n": value[:20]})
    elif action == "set_assignee":
        if value != "current_user":
            user = _user(account, int(value)) if value.isdigit() else None
            if user is None or not user.is_agent:
                raise _err(_("The assignee must be an agent's number or current_user."))
    elif action == "add_tag":
        value = value.lower().replace(" ", "_")[:60]
        if not value:
            raise _err(_("Add tag needs a tag."))
    cleaned["value"] = value
    return cleaned


def _clean_field_action(account: Account, action: str, value: object) -> dict:
    """ "Set <a ticket field>" (``custom_fields.<number>``): the value as tickets store it
    ("" clears the field), checked as the ticket page checks it."""
    field = fields_by_name(account, people=False).get(action)
    if field is None or not field.active:
        raise _err(_("There is no ticket field %(field)s.") % {"field": action[:40]})
    stored = clean_value(field, value, options=option_values(field))
    return {"action": action, "value": "" if stored is None else stored}


def _user(account: Account, number: int) -> User | None:
    return User.objects.for_account(account).filter(number=number, is_active=True).first()


def _group(account: Account, number: int) -> AgentGroup | None:
    return AgentGroup.objects.for_account(account).filter(number=number).first()


def trigger_clean(*, account: Account, conditions: object, actions: object) -> tuple[list, list]:
    """Validate and normalise a trigger's JSON; raise ValidationError listing every problem."""
    errors: list[ValidationError] = []
    if not isinstance(conditions, list) or not isinstance(actions, list):
        raise _err(_("Conditions and actions must be lists."))
    if len(conditions) > 30 or len(actions) > 20:
        raise _err(_("Too many conditions or actions."))
    clean_conditions, clean_actions = [], []
    for raw in conditions:
        try:
            clean_conditions.append(_clean_condition(raw))
        except ValidationError as exc:
            errors.append(exc)
    errors.extend(map(_err, clean_custom_conditions(account, clean_conditions, changes=True)))
    for raw in actions:
        try:
            clean_actions.append(_clean_action(account, raw))
        except ValidationError as exc:
            errors.append(exc)
    if not actions:
        errors.append(_err(_("A trigger needs at least one action.")))
    if errors:
        raise ValidationError(errors)
    return clean_conditions, clean_actions


# Evaluation ---------------------------------------------------------------------------


@dataclass
class Facts:
    """What a change set means for conditions, computed once per evaluation."""

    change: TicketChange

    @property
    def created(self) -> bool:
        # A private ticket made public is, for everyone outside, a ticket that just
        # appeared: the creation notifications held back while it was private go out now.
        return self.change.created or self.change.became_public

    def changed(self, name: str) -> bool:
        if self.change.changed(name):
            return True
        # On creation every field that carries a value "changed" from nothing.
        return self.change.created and bool(getattr(self.change.ticket, name, None))

    def old(self, name: str) -> object:
        if self.change.changed(name):
            return self.change.changes[name][0]
        return None if self.change.created else getattr(self.change.ticket, name, None)


def _role(user: User | None, ticket: Ticket) -> set[str]:
    if user is None:
        return set()
    roles = {"agent" if user.is_agent else "end_user"}
    roles.add("requester" if user.pk == ticket.requester_id else "not_requester")
    return roles


def condition_holds(condition: dict, facts: Facts, ticket: Ticket) -> bool:
    field, op, value = condition["field"], condition["operator"], condition["value"]
    change = facts.change
    match field:
        case "update_type":
            return facts.created if value == "created" else not facts.created
        case "comment":
            comment = change.comment
            return {
                "public": comment is not None and comment.public,
                "internal": comment is not None and not comment.public,
                "present": comment is not None,
                "absent": comment is None,
            }[value]
        case "status" | "priority":
            current = getattr(ticket, field)
            if op == "is":
                return current == value
            if op == "is_not":
                return current != value
            if op == "changed":
                return facts.changed(field)
            if op == "changed_to":
                return facts.changed(field) and current == value
            if op == "changed_from":
                return facts.changed(field) and facts.old(field) == value
        case "visibility":
            return ticket.is_public if value == "public" else not ticket.is_public
        case "channel":
            return (change.channel == value) == (op == "is")
        case "submitter":
            return value in _role(ticket.submitter, ticket)
        case "current_user":
            return value in _role(change.actor, ticket)
        case "assignee" | "group":
            if op == "changed":
                return facts.changed(field)
            is_set = getattr(ticket, f"{field}_id") is not None
            return is_set if op == "is_set" else not is_set
        case "tags":
            present = value in ticket.tag_list
            return present if op == "includes" else not present
        case "escalation":
            if op == "stage_changed":
                return change.changed("escalation_stage")
            return (ticket.escalation == value) == (op == "is")
        case "sentiment":
            return (ticket.sentiment == value) == (op == "is")
        case "call":
            return change.changed("call") and change.changes["call"][1] == value
        case "sla":
            wanted = "warning" if op == "warning_reached" else "breached"
            return change.sla_alert == wanted
    if is_custom(field):
        return custom_condition_holds(condition, ticket, change.changes, facts.created)
    return False


def conditions_hold(conditions: list[dict], facts: Facts, ticket: Ticket) -> bool:
    # An SLA alert is no update of the ticket: only the triggers that ask about SLA
    # alerts run on one ("Ticket is updated" alone would email on every alert).
    if facts.change.sla_alert and not any(c["field"] == "sla" for c in conditions):
        return False
    return all(condition_holds(c, facts, ticket) for c in conditions)

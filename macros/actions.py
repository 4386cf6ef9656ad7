"""The macro actions' vocabulary (Zendesk's field names) and its validation.

Stored as ``[{"field": name, "value": value}, …]`` in the order given. Groups, agents
and CCs are named by their per-account numbers; ``assignee_id`` and ``cc`` also take
``"current_user"`` (whoever applies the macro). Anything else is refused with a message
naming it, so neither a form nor the API can store a macro that fails when applied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, AgentGroup, User
from customfields.selectors import option_values, ticket_fields_for_viewer
from customfields.ticket_values import parse_number
from customfields.values import clean_value
from tickets.models import CustomStatus, Ticket
from tickets.services import normalise_tags

CURRENT_USER = "current_user"
MAX_COMMENT = 65_536
MACRO_STATUSES = (
    Ticket.Status.OPEN,
    Ticket.Status.PENDING,
    Ticket.Status.ON_HOLD,
    Ticket.Status.SOLVED,
)
TAG_FIELDS = ("set_tags", "current_tags", "remove_tags")
# Fields that take one value: a second one would be ambiguous.
SINGLE = (
    "status",
    "custom_status_id",
    "priority",
    "type",
    "group_id",
    "assignee_id",
    "set_tags",
    "current_tags",
    "remove_tags",
    "comment_value",
    "comment_mode_is_public",
)
FIELDS = (*SINGLE, "cc")
FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "custom_status_id": gettext_lazy("Custom status"),
    "priority": gettext_lazy("Priority"),
    "type": gettext_lazy("Type"),
    "group_id": gettext_lazy("Group"),
    "assignee_id": gettext_lazy("Assignee"),
    "set_tags": gettext_lazy("Set tags"),
    "current_tags": gettext_lazy("Add tags"),
    "remove_tags": gettext_lazy("Remove tags"),
    "cc": gettext_lazy("CC"),
    "comment_value": gettext_lazy("Comment"),
    "comment_mode_is_public": gettext_lazy("Comment type"),
}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValidationError(
        _("The comment type must be true (public reply) or false (internal note).")
    )


def _number(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Unknown %(what)s: %(value)s.") % {"what": what, "value": value}
        ) from None
    if not 0 < number < 2**62:
        raise ValidationError(_("Unknown %(what)s: %(value)s.") % {"what": what, "value": value})
    return number


def _clean_value(account: Account, name: str, value: Any) -> Any:
    if name == "status":
        if value not in MACRO_STATUSES:
            raise ValidationError(_("Unknown status: %(value)s.") % {"value": value})
        return value
    if name == "custom_status_id":
        # A status of the account, by its number, in use (a built-in one too).
        number = _number(value, _("status"))
        statuses = CustomStatus.objects.for_account(account).filter(
            number=number, is_active=True, category__in=MACRO_STATUSES
        )
        if not statuses.exists():
            raise ValidationError(_("Unknown status: %(value)s.") % {"value": value})
        return number
    if name in ("priority", "type"):
        choices = Ticket.Priority.values if name == "priority" else Ticket.Type.values
        value = value or ""
        if value and value not in choices:
            raise ValidationError(
                _("Unknown %(field)s: %(value)s.") % {"field": FIELD_LABELS[name], "value": value}
            )
        return value
    if name == "group_id":
        if value in ("", None):
            return None
        number = _number(value, _("group"))
        if not AgentGroup.objects.for_account(account).filter(number=number).exists():
            raise ValidationError(_("Unknown group: %(value)s.") % {"value": value})
        return number
    if name in ("assignee_id", "cc"):
        if value in ("", None) and name == "assignee_id":
            return None
        if value == CURRENT_USER:
            return CURRENT_USER
        number = _number(value, _("user"))
        users = User.objects.for_account(account).filter(number=number, is_active=True)
        if name == "assignee_id":
            users = users.agents()
        if not users.exists():
            raise ValidationError(
                _("Unknown %(field)s: %(value)s.") % {"field": FIELD_LABELS[name], "value": value}
            )
        return number
    if name in TAG_FIELDS:
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if not isinstance(value, str):
            raise ValidationError(_("Tags are words separated by spaces."))
        return normalise_tags(value)
    if name == "comment_mode_is_public":
        return _bool(value)
    # comment_value
    if not isinstance(value, str):
        raise ValidationError(_("The comment must be text."))
    if len(value) > MAX_COMMENT:
        raise ValidationError(_("Keep the comment under 65,536 characters."))
    return value.replace("\x00", "")


CUSTOM_PREFIX = "custom_fields_"  # Zendesk's: {"field": "custom_fields_<id>", "value": …}


def custom_number(name: Any) -> int | None:
    """The field number a ``custom_fields_<number>`` action names, else None."""
    if isinstance(name, str) and name.startswith(CUSTOM_PREFIX):
        return parse_number(name[len(CUSTOM_PREFIX) :])
    return None


def _clean_custom(account: Account, name: str, value: Any) -> Any:
    """A custom field's value as tickets store it (None clears it); an unknown field or a
    value its kind refuses is an error naming it."""
    number = custom_number(name)
    fields = {
        f.number: f for f in ticket_fields_for_viewer(account=account, viewer=None, agents=True)
    }
    if number not in fields:
        raise ValidationError(_("Unknown action: %(field)s.") % {"field": str(name)[:60]})
    field = fields[number]
    return clean_value(field, value, options=option_values(field))


def actions_clean(*, account: Account, actions: Any) -> list[dict[str, Any]]:
    """The actions as stored, or a ValidationError naming every problem."""
    if not isinstance(actions, list):
        raise ValidationError(_("Actions must be a list of {field, value} pairs."))
    cleaned: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for action in actions:
        if not isinstance(action, dict) or "field" not in action:
            errors.append(_("Each action needs a field and a value."))
            continue
        name = action["field"]
        if custom_number(name) is not None:
            if name in seen:
                errors.append(_("The action %(field)s is given twice.") % {"field": name})
                continue
            seen.add(name)
            try:
                cleaned.append(
                    {"field": name, "value": _clean_custom(account, name, action.get("value"))}
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            continue
        if name not in FIELDS:
            errors.append(_("Unknown action: %(field)s.") % {"field": name})
            continue
        if name in SINGLE and name in seen:
            errors.append(_("The action %(field)s is given twice.") % {"field": name})
            continue
        seen.add(name)
        try:
            cleaned.append(
                {"field": name, "value": _clean_value(account, name, action.get("value"))}
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def action_value(actions: list[dict[str, Any]], name: str, default: Any = None) -> Any:
    for action in actions:
        if action["field"] == name:
            return action["value"]
    return default


def action_values(actions: list[dict[str, Any]], name: str) -> list[Any]:
    return [a["value"] for a in actions if a["field"] == name]

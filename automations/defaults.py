"""The automations every new account starts with (after Zendesk's standard ones), in the
account's default language; admins edit them like any automation."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

REMINDER_TAG = "pending_reminder_sent"
SLA_WARNING_TAG = "sla_warning_sent"


def _c(field: str, operator: str, value: object = None) -> dict:
    return {"field": field, "operator": operator, "value": value}


# Translators: the default automations' texts. Keep every {{placeholder}} exactly as it is.
DEFAULT_AUTOMATIONS: list[dict] = [
    {
        "key": "close_solved",
        "name": _("Close a ticket 4 days after it is solved"),
        "description": _("Solved tickets nobody reopened are closed for good after 96 hours."),
        "active": True,
        "conditions": {
            "all": [_c("status", "is", "solved"), _c("solved_at", "older_than_hours", 96)],
            "any": [],
        },
        "actions": [{"action": "set_status", "value": "closed"}],
    },
    {
        "key": "pending_reminder",
        "name": _("Remind the requester after 3 days pending"),
        "description": _(
            "A ticket waiting for the requester's answer for 72 hours: ask once more."
        ),
        "active": False,
        "conditions": {
            "all": [
                _c("status", "is", "pending"),
                _c("pending_since", "older_than_hours", 72),
                _c("current_tags", "not_includes", REMINDER_TAG),
            ],
            "any": [],
        },
        "actions": [
            {
                "action": "email_requester",
                "value": "",
                "subject": _("[Waiting for you] {{ticket.title}}"),
                "body": _(
                    "Hello {{ticket.requester.name}},\n\nWe are still waiting for your "
                    "answer on request #{{ticket.id}}. Reply to this email to go on.\n\n"
                    "{{ticket.url}}"
                ),
            },
            {"action": "add_tag", "value": REMINDER_TAG},
        ],
    },
    {
        "key": "sla_breach_warning",
        "name": _("Notify the group of an SLA breach warning"),
        "description": _(
            "Emails the ticket's group once when one of its SLA targets will be breached "
            "within the hour. It acts only on tickets an SLA policy measures."
        ),
        # On, as Zendesk ships its SLA notifications: without a policy no ticket has a
        # breach time, so it does nothing until the account measures service levels.
        "active": True,
        "conditions": {
            "all": [
                _c("status", "less_than", "solved"),
                _c("group_id", "is_not", None),
                _c("sla_next_breach_at", "breaches_within_hours", 1),
                _c("current_tags", "not_includes", SLA_WARNING_TAG),
            ],
            "any": [],
        },
        "actions": [
            {
                "action": "email_group",
                "value": "",
                "subject": _("[SLA warning] #{{ticket.id}} {{ticket.title}}"),
                "body": _(
                    "Ticket #{{ticket.id}} “{{ticket.title}}” of your group "
                    "{{ticket.group.name}} is about to breach its service level target.\n\n"
                    "{{ticket.url}}"
                ),
            },
            {"action": "add_tag", "value": SLA_WARNING_TAG},
        ],
    },
]


def _as_text(value):
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value if value is None or isinstance(value, bool | int) else str(value)


def default_automations_in(language: str) -> list[dict]:
    """The default automations with their texts in one language."""
    with translation.override(language):
        return [_as_text(spec) for spec in DEFAULT_AUTOMATIONS]

"""The triggers every new account starts with (after Zendesk's standard set).

Their texts are translatable: a new account gets them in its default language, and
admins edit them like any trigger. While a default text is left as it was, each email
carries it in the recipient's own language (Zendesk does this with dynamic content).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _c(field: str, operator: str, value: str = "") -> dict:
    return {"field": field, "operator": operator, "value": value}


def _email(action: str, subject: str | Promise, body: str | Promise, value: str = "") -> dict:
    return {"action": action, "value": value, "subject": subject, "body": body}


# Translators: the default triggers' texts. Keep every {{placeholder}} exactly as it is.
DEFAULT_TRIGGERS: list[dict] = [
    {
        "key": "requester_received",
        "name": _("Notify requester and CCs of received request"),
        "description": _("An end user opened a request: confirm we have it."),
        "conditions": [_c("update_type", "is", "created"), _c("current_user", "is", "end_user")],
        "actions": [
            _email(
                "email_requester_and_ccs",
                _("[Request received] {{ticket.title}}"),
                _(
                    "Hello {{ticket.requester.name}},\n\n"
                    "Your request ({{ticket.id}}) has been received and is being reviewed by "
                    "our support staff.\n\nTo add a comment, reply to this email.\n\n"
                    "{{ticket.url}}"
                ),
            )
        ],
    },
    {
        "key": "requester_proactive",
        "name": _("Notify requester of proactive ticket"),
        "description": _(
            "An agent opened a ticket for the requester with a public comment "
            "(or made a private ticket public)."
        ),
        "conditions": [
            _c("update_type", "is", "created"),
            _c("current_user", "is", "agent"),
            _c("comment", "is", "public"),
        ],
        "actions": [
            _email(
                "email_requester_and_ccs",
                "{{ticket.title}}",
                _(
                    "Hello {{ticket.requester.name}},\n\n{{ticket.latest_public_comment}}\n\n"
                    "To reply, answer this email or visit {{ticket.url}}"
                ),
            )
        ],
    },
    {
        "key": "requester_comment",
        "name": _("Notify requester and CCs of comment update"),
        "description": _("A public comment was added to the ticket."),
        "conditions": [_c("update_type", "is", "updated"), _c("comment", "is", "public")],
        "actions": [
            _email(
                "email_requester_and_ccs",
                _("[Ticket #{{ticket.id}}] {{ticket.title}}"),
                _(
                    "{{current_user.name}} wrote:\n\n{{ticket.latest_public_comment}}\n\n"
                    "To reply, answer this email or visit {{ticket.url}}"
                ),
            )
        ],
    },
    {
        "key": "assignee_assignment",
        "name": _("Notify assignee of assignment"),
        "description": _("The ticket was assigned to an agent."),
        "conditions": [_c("assignee", "changed"), _c("assignee", "is_set")],
        "actions": [
            _email(
                "email_assignee",
                _("[Assigned] #{{ticket.id}} {{ticket.title}}"),
                _(
                    "Ticket #{{ticket.id}} “{{ticket.title}}” from {{ticket.requester.name}} "
                    "has been assigned to you by {{current_user.name}}.\n\n{{ticket.url}}"
                ),
            )
        ],
    },
    {
        "key": "assignee_comment",
        "name": _("Notify assignee of comment update"),
        "description": _("Someone commented on a ticket assigned to an agent."),
        "conditions": [
            _c("update_type", "is", "updated"),
            _c("comment", "is", "present"),
            _c("assignee", "is_set"),
        ],
        "actions": [
            _email(
                "email_assignee",
                _("[Updated] #{{ticket.id}} {{ticket.title}}"),
                _(
                    "{{current_user.name}} commented on ticket #{{ticket.id}} "
                    "({{ticket.status}}).\n\n{{ticket.url}}"
                ),
            )
        ],
    },
    {
        "key": "group_assignment",
        "name": _("Notify group of assignment"),
        "description": _("The ticket was assigned to a group and nobody in particular."),
        "conditions": [_c("group", "changed"), _c("group", "is_set"), _c("assignee", "not_set")],
        "actions": [
            _email(
                "email_group",
                _("[Group] #{{ticket.id}} {{ticket.title}}"),
                _(
                    "Ticket #{{ticket.id}} “{{ticket.title}}” has been assigned to your group "
                    "{{ticket.group.name}}.\n\n{{ticket.url}}"
                ),
            )
        ],
    },
    {
        "key": "requester_solved",
        "name": _("Notify requester of solved request"),
        "description": _("The request was solved."),
        "conditions": [_c("status", "changed_to", "solved")],
        "actions": [
            _email(
                "email_requester",
                _("[Solved] {{ticket.title}}"),
                _(
                    "Hello {{ticket.requester.name}},\n\nYour request #{{ticket.id}} has been "
                    "solved. If something is still wrong, just reply to this email: the team "
                    "will see your answer.\n\n{{ticket.url}}\n\n{{satisfaction.rating_section}}"
                ),
            )
        ],
    },
    # Seed 004: stage changes can notify the requester; off until an admin turns it on.
    {
        "key": "requester_escalation",
        "name": _("Notify requester of escalation progress"),
        "description": _("The escalation of the request moved to another stage."),
        "active": False,
        "conditions": [_c("escalation", "stage_changed")],
        "actions": [
            _email(
                "email_requester",
                _("[Escalation progress] {{ticket.title}}"),
                _(
                    "Hello {{ticket.requester.name}},\n\nThe escalation of your request "
                    "#{{ticket.id}} has moved to a new stage. You can follow its progress "
                    "on the request's page:\n\n{{ticket.url}}"
                ),
            )
        ],
    },
]


def _as_text(value):
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value if value is None or isinstance(value, bool | int) else str(value)


def default_triggers_in(language: str) -> list[dict]:
    """The default triggers with their texts in one language (a new account's default)."""
    with translation.override(language):
        return [_as_text(spec) for spec in DEFAULT_TRIGGERS]


def text_for_recipient(text):
    """What an email action's subject or body says to one recipient: an admin's own words
    as written; a default text nobody changed (in any of our languages) as a lazy string,
    which the email renders in the recipient's language."""
    if not isinstance(text, str):
        return text  # already lazy
    return _default_texts(tuple(settings.LANGUAGES)).get(text.strip(), text)


@functools.cache
def _default_texts(languages: tuple) -> dict[str, Promise]:
    """Every default subject and body as it reads in each language → its lazy string;
    built once per process (activating a language per text per email cost ~1 ms of CPU
    per email). The first default in the list wins, as the search it replaces did."""
    texts: dict[str, Promise] = {}
    for spec in DEFAULT_TRIGGERS:
        for action in spec["actions"]:
            for field in ("subject", "body"):
                default = action.get(field)
                if not isinstance(default, Promise):
                    continue
                for language, _name in languages:
                    with translation.override(language):
                        texts.setdefault(str(default).strip(), default)
    return texts

"""What a macro would do to a ticket, computed without saving anything: the ticket page's
picker fills its form with it, the API's apply.json answers with it, and the bulk
update (macros.services) saves it.

The comment text speaks the trigger emails' placeholder language
(``{{ticket.requester.first_name}}``, ``{{ticket.id}}``, ``{{current_user.name}}``,
``{{ticket.url}}`` — the help center's page of the request…), substituted by
``notifications.rendering``, never by a template engine.

Private tickets (rules 5 and 6): a macro's public reply on a private ticket becomes an
internal note here (``forced_internal``); only the agent's own deliberate choice of
"Public reply" on the page makes the ticket public, never the macro.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import AgentGroup, User
from macros.actions import CURRENT_USER, action_value, action_values, custom_number
from macros.models import Macro, MacroAttachment
from notifications.rendering import placeholder_values, render_placeholders
from tickets.models import Comment, CustomStatus, Ticket
from tickets.selectors import comments_visible_to
from tickets.services import normalise_tags

# Placeholders that read the conversation: the comments are loaded only for them.
_CONVERSATION_PLACEHOLDERS = ("comment",)


@dataclass
class MacroResult:
    """A macro's effect on one ticket. ``fields`` are what ticket_update takes (only the
    ones the macro sets); the tag actions are kept apart so the page can apply them to
    the tags on screen, which earlier macros may have changed already."""

    macro: Macro
    fields: dict[str, Any] = field(default_factory=dict)
    set_tags: list[str] | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    ccs: list[User] = field(default_factory=list)
    body: str = ""
    # None: the macro leaves the comment type alone.
    public: bool | None = None
    forced_internal: bool = False
    files: list[MacroAttachment] = field(default_factory=list)
    # Actions naming what no longer exists (a deleted group, a deactivated agent).
    skipped: list[str] = field(default_factory=list)

    @property
    def sets_tags(self) -> bool:
        return self.set_tags is not None or bool(self.add_tags or self.remove_tags)

    def tags_for(self, current: str) -> str:
        """The tags after this macro, starting from ``current``."""
        tags = list(self.set_tags) if self.set_tags is not None else normalise_tags(current).split()
        tags = [t for t in tags + self.add_tags if t not in self.remove_tags]
        return normalise_tags(tags)

    @property
    def comment_requested(self) -> bool:
        return bool(self.body.strip() or self.files)


def _user(ticket: Ticket, actor: User, value: Any, *, agents_only: bool) -> User | None:
    if value == CURRENT_USER:
        return actor
    users = User.objects.for_account(ticket.account).filter(number=value, is_active=True)
    if agents_only:
        users = users.agents()
    return users.first()


def macro_result(*, macro: Macro, ticket: Ticket, actor: User) -> MacroResult:
    """Compute the macro's effect on ``ticket`` when ``actor`` applies it. Reads only."""
    actions = macro.actions
    result = MacroResult(macro=macro)
    for name in ("status", "priority", "type"):
        value = action_value(actions, name)
        if value is not None:
            result.fields[name] = value
    status_number = action_value(actions, "custom_status_id")
    if status_number is not None:
        found = (
            CustomStatus.objects.for_account(ticket.account)
            .filter(number=status_number, is_active=True)
            .first()
        )
        if found is None:  # deactivated since the macro was saved
            result.skipped.append("custom_status_id")
        else:
            # Its category is the ticket's status (tickets.services.status_rules).
            result.fields["custom_status"] = found
            result.fields["status"] = found.category
    if any(a["field"] == "group_id" for a in actions):
        number = action_value(actions, "group_id")
        group = (
            AgentGroup.objects.for_account(ticket.account).filter(number=number).first()
            if number is not None
            else None
        )
        if number is not None and group is None:
            result.skipped.append("group_id")
        else:
            result.fields["group"] = group
    if any(a["field"] == "assignee_id" for a in actions):
        value = action_value(actions, "assignee_id")
        assignee = _user(ticket, actor, value, agents_only=True) if value is not None else None
        if value is not None and assignee is None:
            result.skipped.append("assignee_id")
        else:
            result.fields["assignee"] = assignee
    if any(a["field"] == "set_tags" for a in actions):
        result.set_tags = action_value(actions, "set_tags", "").split()
    result.add_tags = action_value(actions, "current_tags", "").split()
    result.remove_tags = action_value(actions, "remove_tags", "").split()
    for value in action_values(actions, "cc"):
        user = _user(ticket, actor, value, agents_only=False)
        if user is None:
            result.skipped.append("cc")
        elif user not in result.ccs and user.pk != ticket.requester_id:
            result.ccs.append(user)
    custom = {
        number: a["value"] for a in actions if (number := custom_number(a["field"])) is not None
    }
    if custom:
        result.fields["custom_fields"] = custom
    public = action_value(actions, "comment_mode_is_public")
    if public is not None:
        result.public = bool(public)
    if public and ticket.is_private:
        result.public, result.forced_internal = False, True
    template = action_value(actions, "comment_value", "")
    if template:
        result.body = render_placeholders(
            template, _values(ticket, actor, template, public=result.public is not False)
        )
    result.files = list(macro.attachments.all())
    return result


def _values(ticket: Ticket, actor: User, template: str, *, public: bool) -> dict[str, str]:
    conversation: list[Comment] = []
    if any(name in template for name in _CONVERSATION_PLACEHOLDERS):
        # What the applying agent may read (support access may withhold it all).
        comments = comments_visible_to(ticket=ticket, viewer=actor).order_by("created_at", "id")
        conversation = [c for c in comments if c.public or not public]
    # A public reply is read by the requester: its links lead to the help center.
    return placeholder_values(
        ticket=ticket, actor=actor, conversation=conversation, for_agent=not public
    )

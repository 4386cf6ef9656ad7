"""Notification state changes: triggers (create, edit, order, defaults) and what a ticket
change set turns into (outbox rows), one function per use case."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, AgentGroup, User
from accounts.ordering import move_one_step
from notifications import addresses, inapp
from notifications.defaults import default_triggers_in
from notifications.emails import compose
from notifications.models import Delivery, NotificationKind, Trigger
from notifications.outbox import enqueue_after_commit
from notifications.recipients import (
    Recipient,
    may_receive,
    public_part,
    recipient_for_address,
    recipient_for_user,
)
from notifications.triggers import (
    APP_ACTIONS,
    EMAIL_ACTIONS,
    Facts,
    conditions_hold,
    trigger_clean,
)
from satisfaction.services import survey_offer
from tickets.events import TicketChange
from tickets.field_conditions import PREFIX, is_custom
from tickets.models import Channel, Comment, Ticket
from tickets.services import ticket_update

logger = logging.getLogger(__name__)

# Set while a change set's triggers run: the field changes their own actions make (through
# ticket_update, which sends ticket_changed again) are not evaluated a second time.
_evaluating: ContextVar[bool] = ContextVar("notifications_evaluating", default=False)


# Triggers ------------------------------------------------------------------------------


def _save_trigger(trigger: Trigger) -> Trigger:
    try:
        with transaction.atomic():
            trigger.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("A trigger with this name already exists.")}) from exc
    return trigger


def rule_name_and_description(name: str, description: str, *, missing: str = "") -> tuple[str, str]:
    """A rule's (trigger's, automation's) name on one line (required: ``missing`` says so)
    and its description trimmed, on create and on edit alike."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": missing or _("A trigger needs a name.")})
    return name[:200], (description or "").strip()[:500]


@transaction.atomic
def trigger_create(
    *,
    account: Account,
    name: str,
    conditions: list,
    actions: list,
    description: str = "",
    active: bool = True,
    default_key: str = "",
) -> Trigger:
    name, description = rule_name_and_description(name, description)
    conditions, actions = trigger_clean(account=account, conditions=conditions, actions=actions)
    last = Trigger.objects.for_account(account).aggregate(m=Max("position"))["m"]
    trigger = Trigger(
        account=account,
        name=name,
        description=description,
        active=active,
        position=(last or 0) + 1,
        conditions=conditions,
        actions=actions,
        default_key=default_key,
    )
    return _save_trigger(trigger)


@transaction.atomic
def trigger_update(
    *,
    trigger: Trigger,
    name: str,
    conditions: list,
    actions: list,
    description: str = "",
    active: bool = True,
) -> Trigger:
    name, description = rule_name_and_description(name, description)
    trigger.conditions, trigger.actions = trigger_clean(
        account=trigger.account, conditions=conditions, actions=actions
    )
    trigger.name, trigger.description, trigger.active = name, description, active
    trigger.updated_at = timezone.now()
    return _save_trigger(trigger)


def trigger_set_active(*, trigger: Trigger, active: bool) -> Trigger:
    trigger.active = active
    trigger.updated_at = timezone.now()
    trigger.save(update_fields=["active", "updated_at"])
    return trigger


@transaction.atomic
def trigger_move(*, trigger: Trigger, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down") (accounts.ordering)."""
    move_one_step(Trigger.objects.for_account(trigger.account), trigger, direction)


def trigger_delete(*, trigger: Trigger) -> None:
    # Its delivery rows stay in the log (trigger set to NULL, reason keeps the name).
    trigger.delete()


@transaction.atomic
def triggers_install_defaults(*, account: Account) -> list[Trigger]:
    """The default triggers of a new account; idempotent (skips ones already there)."""
    existing = set(Trigger.objects.for_account(account).values_list("default_key", flat=True))
    # As trigger_create does for each, checked the same way, saved in one statement (one
    # query per trigger made every new account, and every test's, slower).
    last = Trigger.objects.for_account(account).aggregate(m=Max("position"))["m"] or 0
    created: list[Trigger] = []
    for spec in default_triggers_in(account.default_locale):
        if spec["key"] in existing:
            continue
        name, description = rule_name_and_description(spec["name"], spec["description"])
        conditions, actions = trigger_clean(
            account=account, conditions=spec["conditions"], actions=spec["actions"]
        )
        created.append(
            Trigger(
                account=account,
                name=name,
                description=description,
                active=spec.get("active", True),
                position=last + len(created) + 1,
                conditions=conditions,
                actions=actions,
                default_key=spec["key"],
            )
        )
    try:
        with transaction.atomic():
            return Trigger.objects.bulk_create(created)
    except IntegrityError as exc:
        raise ValidationError({"name": _("A trigger with this name already exists.")}) from exc


# Evaluation ------------------------------------------------------------------------------


def _trigger_recipients(action: dict, ticket: Ticket) -> list[Recipient]:
    kind, value = action["action"], action.get("value", "")
    account = ticket.account
    if kind in ("email_requester_and_ccs", "email_requester"):
        people = [ticket.requester]
        if kind == "email_requester_and_ccs":
            people += [link.user for link in ticket.cc_links.select_related("user")]
        return [recipient_for_user(u) for u in people]
    if kind == "email_assignee":
        return [recipient_for_user(ticket.assignee)] if ticket.assignee_id else []  # type: ignore[arg-type]  # the assignee_id is checked
    if kind == "email_group":
        if not ticket.group_id:
            return []
        members = User.objects.for_account(account).agents().filter(agent_groups=ticket.group_id)
        return [recipient_for_user(u) for u in members]
    if kind == "email_user":
        user = User.objects.for_account(account).filter(number=int(value or 0)).first()
        return [recipient_for_user(user)] if user else []
    if kind == "email_address":
        return [recipient_for_address(account=account, email=value)]
    return []


def _apply_field_action(
    ticket: Ticket, action: dict, change: TicketChange
) -> tuple[Ticket, dict[str, tuple[object, object]]]:
    """Set a field through the same domain service as the UI, as the system (the
    history shows "System"); a refused change is logged and skipped."""
    kind, value = action["action"], action["value"]
    account = ticket.account
    fields: dict = {}
    if kind == "set_status":
        fields["status"] = value
    elif kind == "set_priority":
        fields["priority"] = value
    elif kind == "set_group":
        fields["group"] = AgentGroup.objects.for_account(account).filter(number=int(value)).first()
    elif kind == "set_assignee":
        assignee = (
            change.actor
            if value == "current_user"
            else User.objects.for_account(account).filter(number=int(value)).first()
        )
        if assignee is None or not assignee.is_agent or not assignee.is_active:
            return ticket, {}
        fields["assignee"] = assignee
    elif kind == "add_tag":
        if value in ticket.tag_list:
            return ticket, {}
        fields["tags"] = [*ticket.tag_list, value]
    elif is_custom(kind):  # "Set <a ticket field>", checked again by the service
        fields["custom_fields"] = {kind[len(PREFIX) :]: value}

    try:
        with transaction.atomic():
            result = ticket_update(ticket=ticket, actor=None, channel=Channel.SYSTEM, **fields)
    except ValidationError as exc:
        logger.info("Trigger action %s on ticket %s refused: %s", kind, ticket.pk, exc.messages)
        return ticket, {}
    return result.ticket, result.changes


class _Comments:
    """A change set's ticket's comments, oldest first, read once for all its emails
    (each narrowed to what its recipient may read by emails.conversation_for); a new
    ticket's are its first comment, in hand."""

    def __init__(self, change: TicketChange):
        self._change = change
        self._comments: list[Comment] | None = None

    def __call__(self) -> list[Comment]:
        if self._comments is None:
            change = self._change
            if change.created and change.comment is not None:
                self._comments = [change.comment]
            else:
                self._comments = list(
                    change.ticket.comments.select_related("author").order_by("created_at", "id")
                )
        return self._comments


def _delivery(
    *,
    ticket: Ticket,
    recipient: Recipient,
    actor: User | None,
    subject: str,
    body: str,
    kind: str,
    comments: _Comments,
    trigger: Trigger | None = None,
    reason: str = "",
) -> Delivery:
    """An outbox row, composed now (the email describes the change as it is at this
    point of the transaction), saved with the change's other rows by triggers_run."""
    composed = compose(
        ticket=ticket,
        recipient=recipient,
        actor=actor,
        subject_template=subject,
        body_template=body,
        comments=comments(),
    )
    if composed.offers_survey and recipient.user and recipient.user.pk == ticket.requester_id:
        survey_offer(ticket=ticket)
    root = addresses.thread_id(ticket)
    return Delivery(
        account_id=ticket.account_id,
        ticket=ticket,
        recipient=recipient.user,
        trigger=trigger,
        kind=kind,
        reason=reason[:200],
        to_email=recipient.email,
        from_email=addresses.from_address(ticket.account, ticket),
        reply_to=addresses.reply_address(ticket),
        subject=composed.subject,
        body_text=composed.text,
        body_html=composed.html,
        in_reply_to=root,
        references=root,
    )


def _excluded_actor(recipient: Recipient, change: TicketChange, facts: Facts) -> bool:
    """People are not emailed about their own change, except the requester's receipt of
    a request they just opened."""
    actor = change.actor
    if actor is None or recipient.user is None or recipient.user.pk != actor.pk:
        return False
    return not (facts.created and actor.pk == change.ticket.requester_id)


def triggers_run(*, change: TicketChange) -> list[Delivery]:
    """Evaluate the account's active triggers, in order, against one change set; write
    an outbox row per allowed recipient; enqueue them after commit.

    As in Zendesk, a trigger whose actions change the ticket restarts the pass from the
    top with the updated ticket (so "Notify assignee of assignment" sees an assignment a
    later trigger made), and each trigger fires at most once per change set: the loop
    ends after at most one pass per trigger.
    """
    ticket = change.ticket
    changes = dict(change.changes)
    triggers = list(
        Trigger.objects.for_account(ticket.account).filter(active=True).order_by("position", "id")
    )
    fired: set[int] = set()
    comments = _Comments(change)
    deliveries: list[Delivery] = []
    seen: set[tuple[int, str]] = set()
    restart = True
    while restart:
        restart = False
        for trigger in triggers:
            if trigger.pk in fired:
                continue
            current = replace(change, ticket=ticket, changes=changes)
            facts = Facts(current)
            if not conditions_hold(trigger.conditions, facts, ticket):
                continue
            fired.add(trigger.pk)
            for action in trigger.actions:
                if action["action"] in APP_ACTIONS:
                    APP_ACTIONS[action["action"]].run(
                        ticket=ticket,
                        action=action,
                        actor=current.actor,
                        conversation=comments,
                        reason=trigger.name,
                    )
                    continue
                if action["action"] not in EMAIL_ACTIONS:
                    ticket, applied = _apply_field_action(ticket, action, current)
                    for name, (old, new) in applied.items():
                        changes[name] = (changes[name][0] if name in changes else old, new)
                    restart = restart or bool(applied)
                    continue
                deliveries += _action_deliveries(trigger, action, current, facts, seen, comments)
            if restart:
                break
    deliveries += _teamwork_deliveries(
        replace(change, ticket=ticket, changes=changes), ticket, comments
    )
    # One INSERT for the change's rows (Delivery has no save() of its own to bypass).
    Delivery.objects.bulk_create(deliveries)
    if ticket is not change.ticket:
        # Actions changed the ticket through ticket_update, on a row of its own: the
        # caller's object is brought up to date (the API answers with it).
        change.ticket.refresh_from_db(from_queryset=Ticket.objects.for_account(ticket.account))
    enqueue_after_commit([d.pk for d in deliveries])
    return deliveries


def _action_deliveries(
    trigger: Trigger,
    action: dict,
    change: TicketChange,
    facts: Facts,
    seen: set[tuple[int, str]],
    comments: _Comments,
) -> list[Delivery]:
    ticket = change.ticket
    public = public_part(change)
    # Does the trigger still fire without the internal note? Only then may people who
    # cannot read notes hear of this change (e.g. a note plus "Solved": the status).
    fires_publicly = public is not None and (
        public is change or conditions_hold(trigger.conditions, Facts(public), ticket)
    )
    rows = []
    for recipient in _trigger_recipients(action, ticket):
        key = (trigger.pk, recipient.key)
        if key in seen or _excluded_actor(recipient, change, facts):
            continue
        told = change if recipient.is_agent else public
        if not recipient.is_agent and not fires_publicly:
            continue
        if not may_receive(recipient=recipient, ticket=ticket, change=told):
            continue
        seen.add(key)
        rows.append(
            _delivery(
                ticket=ticket,
                recipient=recipient,
                actor=change.actor,
                subject=action["subject"],
                body=action["body"],
                kind=Delivery.Kind.TRIGGER,
                comments=comments,
                trigger=trigger,
                reason=trigger.name,
            )
        )
    return rows


# Translators: keep every {{placeholder}} exactly as it is.
MENTION_SUBJECT = gettext_lazy("[Mentioned] #{{ticket.id}} {{ticket.title}}")
MENTION_BODY = gettext_lazy(
    "{{current_user.name}} mentioned you in an internal note on ticket #{{ticket.id}}:\n\n"
    "{{ticket.latest_comment}}\n\n{{ticket.url}}"
)
# Translators: keep every {{placeholder}} exactly as it is.
NOTIFY_SUBJECT = gettext_lazy("[Notification] #{{ticket.id}} {{ticket.title}}")
NOTIFY_BODY: dict[str, Promise] = {
    NotificationKind.ASSIGNED: gettext_lazy(
        "Ticket #{{ticket.id}} was assigned to you.\n\n{{ticket.url}}"
    ),
    NotificationKind.GROUP: gettext_lazy(
        "Ticket #{{ticket.id}} was assigned to your group {{ticket.group.name}}.\n\n{{ticket.url}}"
    ),
    NotificationKind.REPLY: gettext_lazy(
        "{{current_user.name}} replied on ticket #{{ticket.id}}, which you follow:\n\n"
        "{{ticket.latest_comment}}\n\n{{ticket.url}}"
    ),
}


def _teamwork_deliveries(
    change: TicketChange, ticket: Ticket, comments: _Comments
) -> list[Delivery]:
    """Agents' own notifications of the change set (notifications.inapp): the in-app rows
    written here, in the change's transaction; the emails returned as outbox rows."""
    targets = inapp.change_targets(change)
    if not targets:
        return []
    channels = inapp.channels_for(account=ticket.account, agents=[t.agent for t in targets])
    inapp.notifications_write(
        ticket=ticket,
        actor=change.actor,
        targets=[t for t in targets if channels[(t.agent.pk, t.kind)] in inapp.IN_APP],
        key=inapp.change_key(change),
    )
    rows = []
    for target in targets:
        if channels[(target.agent.pk, target.kind)] not in inapp.BY_EMAIL:
            continue
        recipient = recipient_for_user(target.agent)
        if not may_receive(recipient=recipient, ticket=ticket, change=change):
            continue
        mention = target.kind == NotificationKind.MENTION
        rows.append(
            _delivery(
                ticket=ticket,
                recipient=recipient,
                actor=change.actor,
                subject=MENTION_SUBJECT if mention else NOTIFY_SUBJECT,  # type: ignore[arg-type]  # lazy: rendered in the recipient's language
                body=MENTION_BODY if mention else NOTIFY_BODY[target.kind],  # type: ignore[arg-type]  # lazy: rendered in the recipient's language
                kind=Delivery.Kind.MENTION if mention else Delivery.Kind.NOTIFY,
                comments=comments,
                reason=str(target.kind),
            )
        )
    return rows


def ticket_changed_receiver(sender, change: TicketChange, **kwargs) -> None:
    """Receiver of tickets.events.ticket_changed (inside the change's transaction)."""
    if _evaluating.get():
        return
    token = _evaluating.set(True)
    try:
        # A savepoint: a notification bug is logged, never rolls back the user's change.
        with transaction.atomic():
            triggers_run(change=change)
    except Exception:
        logger.exception("Notifications for ticket %s failed", change.ticket.pk)
    finally:
        _evaluating.reset(token)

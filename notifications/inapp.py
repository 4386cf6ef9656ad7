"""Following tickets and agents' own notifications (the bell): who is told of a change
set, how (each agent's channel per kind: in the app, by email, both, none), and the
rows that say so.

The outbox principle, as for emails: the rows are written by the change's own
transaction (``notifications.services.triggers_run`` calls ``change_targets`` and
``notifications_write``), so a change rolled back leaves none and a committed one has
them; the bell reads the table, so it shows them once committed. Each row carries a key
naming the change (``change_key``) under a unique constraint: the same change told
twice (a retried task, a receiver run again) keeps one row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, User
from notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    TicketFollow,
)
from tickets.events import TicketChange
from tickets.models import Ticket

Channel = NotificationPreference.Channel

# Without a preference row: mentions keep the email they always sent, and the rest go to
# the bell only (the account's triggers already email assignees and groups).
DEFAULT_CHANNELS: dict[str, str] = {
    NotificationKind.MENTION: Channel.BOTH,
    NotificationKind.ASSIGNED: Channel.IN_APP,
    NotificationKind.GROUP: Channel.IN_APP,
    NotificationKind.REPLY: Channel.IN_APP,
    NotificationKind.SLA: Channel.IN_APP,
}
IN_APP: tuple[str, ...] = (Channel.IN_APP, Channel.BOTH)
BY_EMAIL: tuple[str, ...] = (Channel.EMAIL, Channel.BOTH)


@dataclass(frozen=True)
class Target:
    agent: User
    kind: str


# Following ----------------------------------------------------------------------------


def ticket_follow(*, ticket: Ticket, agent: User) -> None:
    """Idempotent; agents only (an end user follows nothing)."""
    if not agent.is_agent or agent.account_id != ticket.account_id:
        return
    TicketFollow.objects.bulk_create(
        [TicketFollow(account_id=ticket.account_id, ticket=ticket, agent=agent)],
        ignore_conflicts=True,
    )


def ticket_unfollow(*, ticket: Ticket, agent: User) -> None:
    TicketFollow.objects.for_account(ticket.account).filter(ticket=ticket, agent=agent).delete()


def _followers(ticket: Ticket) -> list[User]:
    return list(
        User.objects.for_account(ticket.account)
        .agents()
        .filter(
            pk__in=TicketFollow.objects.for_account(ticket.account)
            .filter(ticket=ticket)
            .values("agent_id")
        )
    )


# Who is told ---------------------------------------------------------------------------


def change_targets(change: TicketChange) -> list[Target]:
    """Each agent told of a change set, once, under its most specific kind (a mention
    before an assignment before a group before a reply); never the actor. Following is
    written on the way: an agent who comments, or is mentioned, follows the ticket."""
    ticket, actor = change.ticket, change.actor
    account_id = ticket.account_id
    comment = change.comment
    auto_follow = [a for a in change.mentioned if a.is_agent]
    if comment is not None and actor is not None and actor.is_agent:
        auto_follow.append(actor)
    # Followers before this change set (a ticket just created has none yet): an agent's
    # own first comment tells no one new.
    followers = _followers(ticket) if comment is not None and not change.created else []
    if auto_follow:
        TicketFollow.objects.bulk_create(
            [TicketFollow(account_id=account_id, ticket=ticket, agent=a) for a in auto_follow],
            ignore_conflicts=True,
        )

    found: dict[int, Target] = {}

    def add(agents: Iterable[User], kind: str) -> None:
        for agent in agents:
            if actor is not None and agent.pk == actor.pk:
                continue
            if not agent.is_agent or not agent.is_active or agent.account_id != account_id:
                continue
            found.setdefault(agent.pk, Target(agent=agent, kind=kind))

    if comment is not None and not comment.public:
        add(change.mentioned, NotificationKind.MENTION)
    if change.changed("assignee") and ticket.assignee_id:
        add([ticket.assignee], NotificationKind.ASSIGNED)  # type: ignore[list-item]  # checked above
    if change.changed("group") and ticket.group_id:
        add(
            User.objects.for_account(ticket.account).agents().filter(agent_groups=ticket.group_id),
            NotificationKind.GROUP,
        )
    if comment is not None:
        add(followers, NotificationKind.REPLY)
    return list(found.values())


def channels_for(*, account: Account, agents: list[User]) -> dict[tuple[int, str], str]:
    """(agent id, kind) → channel, the defaults filled in; one query."""
    chosen = {
        (p.agent_id, p.kind): p.channel
        for p in NotificationPreference.objects.for_account(account).filter(
            agent__in=[a.pk for a in agents]
        )
    }
    return {
        (agent.pk, kind): chosen.get((agent.pk, kind), default)
        for agent in agents
        for kind, default in DEFAULT_CHANNELS.items()
    }


def change_key(change: TicketChange) -> str:
    """Names one change set of one ticket: its comment, or the version it wrote."""
    if change.comment is not None and change.comment.pk:
        return f"t{change.ticket.pk}:c{change.comment.pk}"
    return f"t{change.ticket.pk}:v{change.ticket.updated_at.isoformat()}"


def notifications_write(
    *, ticket: Ticket, actor: User | None, targets: list[Target], key: str
) -> list[Notification]:
    """The in-app rows of ``targets`` (those already filtered to the in-app channel),
    in the caller's transaction; a row already written for ``key`` is kept, not doubled."""
    rows = [
        Notification(
            account_id=ticket.account_id,
            recipient=t.agent,
            kind=t.kind,
            ticket=ticket,
            actor=actor,
            key=f"{t.kind}:{key}"[:100],
        )
        for t in targets
    ]
    if not rows:
        return []
    existing = set(
        Notification.objects.for_account(ticket.account)
        .filter(recipient__in=[r.recipient_id for r in rows], key__in=[r.key for r in rows])
        .values_list("recipient_id", "key")
    )
    rows = [r for r in rows if (r.recipient_id, r.key) not in existing]
    # Numbered, then inserted; a concurrent writer of the same key loses to the constraint.
    return Notification.objects.bulk_create(rows, ignore_conflicts=True)


def sla_warning_notify(*, ticket: Ticket, breach_at: dt.datetime) -> list[Notification]:
    """Tell a ticket's assignee (or, unassigned, its group's agents) that an SLA target
    breaches at ``breach_at``: the service the SLA checks call (servicelevels.tasks).
    Once per ticket and breach time, whoever calls it how often."""
    found: list[User | None]
    if ticket.assignee_id:
        found = [ticket.assignee]
    elif ticket.group_id:
        found = list(
            User.objects.for_account(ticket.account).agents().filter(agent_groups=ticket.group_id)
        )
    else:
        return []
    agents = [a for a in found if a is not None and a.is_agent and a.is_active]
    channels = channels_for(account=ticket.account, agents=agents)
    targets = [
        Target(agent=a, kind=NotificationKind.SLA)
        for a in agents
        if channels[(a.pk, NotificationKind.SLA)] in IN_APP
    ]
    return notifications_write(
        ticket=ticket,
        actor=None,
        targets=targets,
        key=f"t{ticket.pk}:b{breach_at.isoformat()}",
    )


# Reading them -------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, agent: User) -> int:
    return (
        Notification.objects.for_account(agent.account)
        .filter(recipient=agent, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def preferences_set(*, agent: User, channels: dict[str, str]) -> None:
    """Store an agent's channel per kind (unknown kinds and channels are ignored)."""
    for kind, channel in channels.items():
        if kind not in NotificationKind.values or channel not in Channel.values:
            continue
        try:
            with transaction.atomic():
                NotificationPreference.objects.for_account(agent.account).update_or_create(
                    account=agent.account,
                    agent=agent,
                    kind=kind,
                    defaults={"channel": channel},
                )
        except IntegrityError:  # a concurrent save of the same row: theirs stands
            continue

"""A reply to a ticket with what comes with it (CCs, a status, attachments): one service
for the agent workspace, the help center, the API and inbound email."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.models import Channel, Comment, CustomStatus, Ticket
from tickets.reply_extras import run_reply_handlers
from tickets.selectors import ticket_takes_posts_from
from tickets.services.ccs import ticket_add_ccs, ticket_set_ccs
from tickets.services.common import NotAllowed
from tickets.services.tickets import comment_add


@dataclass
class Reply:
    comment: Comment
    # The CC list's changes ("ccs_added"/"ccs_removed", as TicketChange has them) when the
    # reply replaced it: the API's audit lists them.
    changes: dict = field(default_factory=dict)


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    actor: User | None = None,
    body: str = "",
    html_body: str = "",
    public: bool = True,
    channel: str = Channel.WEB,
    ccs: Iterable[User] = (),
    ccs_replace: bool = False,
    status: str | None = None,
    custom_status: CustomStatus | None = None,
    uploads: Sequence[UploadedFile] = (),
    upload_tokens: Sequence[str] = (),
    extras: Mapping[str, Any] | None = None,
) -> Reply:
    """Reply to a ticket, in this order (all or nothing):

    1. who may post: ticket_takes_posts_from, the one rule of every channel (NotAllowed
       otherwise). ``actor`` is who acts when it is not the author (an agent writing as
       another user through the API's ``author_id``): the actor must then be an agent,
       and may name any user of the account.
    2. the CCs: added (``ccs``), or the list replaced by them (``ccs_replace``, agents
       only: the API's ``collaborator_ids``/``email_ccs``). Before the comment, so the
       people copied receive the reply, and see the ticket when an agent's deliberate
       public reply makes a private ticket public.
    3. the comment with its attachments (``uploads``, or ``upload_tokens`` of files sent
       before) and the status, in one change set (comment_add, whose rules hold: end
       users change no status and write public replies only, Closed takes nothing, a
       private ticket takes internal notes).
    4. ``extras`` (what the agent reply box or the API sent beside the comment) to the
       other apps' handlers (tickets.reply_extras): the time spent. Channels that offer
       none of it (email, the help center) send no extras.
    """
    actor = actor or author
    if actor != author:
        allowed = actor.is_agent and actor.account_id == ticket.account_id
    else:
        allowed = ticket_takes_posts_from(ticket=ticket, author=author)
    if not allowed:
        raise NotAllowed(_("You cannot reply to this ticket."))
    changes: dict = {}
    if ccs_replace:
        changes = ticket_set_ccs(ticket=ticket, actor=actor, users=ccs, channel=channel).changes
    else:
        ticket_add_ccs(ticket=ticket, actor=actor, users=ccs, channel=channel)
    comment = comment_add(
        ticket=ticket,
        author=author,
        body=body,
        html_body=html_body,
        public=public,
        channel=channel,
        uploads=uploads,
        upload_tokens=upload_tokens,
        status=status,
        custom_status=custom_status,
    )
    if extras is not None:
        run_reply_handlers(ticket, actor, comment, extras)
    return Reply(comment=comment, changes=changes)

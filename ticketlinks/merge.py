"""Merging tickets into a target: the one service the ticket page, the lists' bulk
action and the API (``POST /api/v2/tickets/{id}/merge.json``) call.

What a merge does, in one transaction:

1. The sources' requesters and CCs become CCs of the target. Those who could not see the
   target before (``merge_check``'s newcomers: another requester, a CC of a source) only
   when the agent says so (``add_people_as_ccs``, default no): a CC sees the target's
   whole public conversation, which they never saw.
2. The sources' comments are **copied** into the target, each with its own author, time
   and channel, so the target's conversation reads in time order; copies rather than
   links, so every surface that reads a ticket's comments (pages, API, search, emails)
   keeps working on one ticket and applies its usual rules. A copy keeps its public or
   internal flag, except that it becomes an internal note (``made_internal``, never public
   again) when the target is seen by someone who could not see the source: the source or
   the target is private, or the target's end-user audience (requester, CCs, its
   organization's managers, after step 1) is not within the source's. A merge never
   shows an end user anything they could not see before. Copies are not emailed.
   Their files are copied too (new stored files, not shared ones: the retention policy
   deletes the closed source's files in time), and are seen as their comment is.
3. Each source gets a closing note ("merged into #N", or the agent's ``source_comment``)
   and is Closed; the target gets a note listing the sources (or ``target_comment``).
   Notes are internal unless asked public, and always internal when any of the tickets
   is private (Zendesk's rule); a public note on a public ticket is emailed like any
   reply.
4. A "merged into" link from each source to the target, and a line in both Activities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ticketlinks.models import TicketLink
from ticketlinks.selectors import end_user_audience, merge_check
from tickets.attachments import attachment_copy
from tickets.models import Channel, Comment, Ticket, TicketEvent
from tickets.services import NotAllowed, comment_add, require_permission, ticket_add_ccs
from tickets.services.common import record_event

MAX_SOURCES = 50


@dataclass
class MergeResult:
    target: Ticket
    sources: list[Ticket]
    copied: int = 0
    # Public comments of the sources copied as internal notes (the visibility rule).
    made_internal: int = 0
    ccs_added: list[User] = field(default_factory=list)


def _check(target: Ticket, sources: Sequence[Ticket], actor: User) -> None:
    if not actor.is_agent or actor.account_id != target.account_id:
        raise NotAllowed(_("Only agents can merge tickets."))
    require_permission(actor, "merge_tickets")
    if not sources:
        raise NotAllowed(_("Choose at least one ticket to merge."))
    if len(sources) > MAX_SOURCES:
        raise NotAllowed(_("Merge at most %(count)d tickets at a time.") % {"count": MAX_SOURCES})
    if target.is_closed:
        raise NotAllowed(
            _("Ticket #%(number)d is closed: nothing can be merged into it.")
            % {"number": target.number}
        )
    for source in sources:
        if source.account_id != target.account_id:
            raise NotAllowed(_("Unknown ticket."))
        if source.pk == target.pk:
            raise NotAllowed(_("A ticket cannot be merged into itself."))
        if source.is_closed:
            raise NotAllowed(
                _("Ticket #%(number)d is closed and cannot be merged.") % {"number": source.number}
            )


def _locked(target: Ticket, sources: Sequence[Ticket]) -> tuple[Ticket, list[Ticket]]:
    # In primary-key order, so two merges over the same tickets cannot deadlock.
    pks = sorted({target.pk, *(s.pk for s in sources)})
    rows = (
        Ticket.objects.for_account(target.account)
        .select_for_update(of=("self",))
        .filter(pk__in=pks)
        .order_by("pk")
        .select_related("account", "organization")
    )
    by_pk = {t.pk: t for t in rows}
    return by_pk[target.pk], [by_pk[s.pk] for s in sources]


def _copy_comments(
    target: Ticket, sources: list[Ticket], audience: dict[int, set[int]]
) -> tuple[int, int]:
    """Step 2: the copies, in one INSERT; returns (copied, made internal)."""
    seen_by_target = end_user_audience([target])[target.pk]
    copies: list[Comment] = []
    originals: list[Comment] = []
    internalised = 0
    for source in sources:
        keeps_flags = (
            source.is_public and target.is_public and seen_by_target <= audience[source.pk]
        )
        for comment in source.comments.order_by("created_at", "id").prefetch_related("attachments"):
            public = comment.public and keeps_flags
            internalised += comment.public and not public
            originals.append(comment)
            copies.append(
                Comment(
                    account_id=target.account_id,
                    ticket=target,
                    author_id=comment.author_id,
                    body=comment.body,
                    html_body=comment.html_body,
                    public=public,
                    made_internal=comment.made_internal or (comment.public and not public),
                    channel=comment.channel,
                    created_at=comment.created_at,
                )
            )
    Comment.objects.bulk_create(copies)
    for original, copy in zip(originals, copies, strict=True):
        for attachment in original.attachments.all():
            attachment_copy(attachment, copy, log_as="Merge")
    return len(copies), internalised


@transaction.atomic
def ticket_merge(
    *,
    target: Ticket,
    sources: Sequence[Ticket],
    actor: User,
    channel: str = Channel.WEB,
    target_comment: str = "",
    source_comment: str = "",
    target_comment_is_public: bool = False,
    source_comment_is_public: bool = False,
    add_people_as_ccs: bool = False,
) -> MergeResult:
    """Merge ``sources`` into ``target`` (the module's docstring tells every step).

    Refused (NotAllowed): a non-agent, no sources, a source that is the target, a closed
    target or source."""
    _check(target, sources, actor)
    target, locked = _locked(target, sources)
    _check(target, locked, actor)  # again, on the rows as they are now
    result = MergeResult(target=target, sources=locked)
    check = merge_check(target=target, sources=locked)
    newcomers = {u.pk for u in check.newcomers}
    audience = end_user_audience(locked)
    people = []
    for source in locked:
        for user in [
            source.requester,
            *(link.user for link in source.cc_links.select_related("user")),
        ]:
            if user.pk not in newcomers or add_people_as_ccs:
                people.append(user)
    before = set(target.cc_links.values_list("user_id", flat=True))
    ticket_add_ccs(ticket=target, actor=actor, users=people, channel=channel)
    result.ccs_added = [
        u
        for u in {u.pk: u for u in people}.values()
        if u.pk not in before and u.pk != target.requester_id
    ]
    result.copied, result.made_internal = _copy_comments(target, locked, audience)
    any_private = any(t.is_private for t in [target, *locked])
    for source in locked:
        comment_add(
            ticket=source,
            author=actor,
            body=source_comment.strip()
            or _("This ticket was closed and merged into #%(number)d.") % {"number": target.number},
            public=source_comment_is_public and not any_private,
            channel=channel,
            status=Ticket.Status.CLOSED,
        )
        TicketLink.objects.create(
            account_id=target.account_id,
            ticket=source,
            other=target,
            kind=TicketLink.Kind.MERGED,
            created_by=actor,
        )
        record_event(
            source,
            actor,
            channel,
            TicketEvent.Kind.CHANGE,
            field="merged_into",
            new=f"#{target.number}",
        )
    numbers = ", ".join(f"#{s.number}" for s in locked)
    record_event(target, actor, channel, TicketEvent.Kind.CHANGE, field="merged_from", new=numbers)
    comment_add(
        ticket=target,
        author=actor,
        body=target_comment.strip()
        or _("Merged into this ticket: %(numbers)s.") % {"numbers": numbers},
        public=target_comment_is_public and not any_private,
        channel=channel,
    )
    return result

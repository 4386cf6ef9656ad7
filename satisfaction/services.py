"""Recording a satisfaction rating: the one place for its rules, whichever way it comes
(the survey email's links, the help center's request page, the API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from satisfaction.models import (
    DEFAULT_REASON_TITLES,
    SatisfactionRating,
    SatisfactionReason,
    SatisfactionSettings,
    Score,
    State,
)
from satisfaction.selectors import takes_ratings
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import NotAllowed, record_event
from tickets.text import normalise_newlines

COMMENT_LIMIT = 5000


class LinkAlreadyUsed(NotAllowed):
    """This choice's survey link has recorded its rating once already."""


@transaction.atomic
def rate(
    *,
    ticket: Ticket,
    user: User,
    score: str,
    comment: str | None = None,
    reason: SatisfactionReason | None = None,
    channel: str = Channel.PORTAL,
    link_choice: str = "",
) -> SatisfactionRating:
    """Record (or change) the requester's rating of their solved ticket.

    ``comment`` None keeps the one given before. ``link_choice`` is the survey link's
    choice when the rating comes from the email: each choice's link records once, so a
    link forwarded or replayed cannot undo the requester's later change of mind."""
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if ticket.requester_id != user.pk or ticket.is_private:
        raise NotAllowed(_("Only the requester can rate this request."))
    if not ticket.is_solved:
        raise NotAllowed(_("You can leave feedback once the request is solved."))
    if not takes_ratings(ticket):
        raise NotAllowed(_("This request was closed too long ago to be rated."))
    if score not in Score.values:
        raise ValidationError({"score": _("Choose good or bad.")})
    if reason is not None and (reason.account_id != ticket.account_id or not reason.is_active):
        raise ValidationError({"reason": _("Choose one of the reasons listed.")})
    rating = SatisfactionRating.objects.for_account(ticket.account).filter(ticket=ticket).first()
    if link_choice and rating is not None and rating.link_used(link_choice):
        raise LinkAlreadyUsed(_("This link has already been used."))
    now = timezone.now()
    if rating is None:
        rating = SatisfactionRating(
            account=ticket.account,
            ticket=ticket,
            requester=user,
            assignee_id=ticket.assignee_id,
            group_id=ticket.group_id,
            created_at=now,
        )
    old_score = rating.score if rating.is_received else ""
    rating.score = score
    if comment is not None:
        rating.comment = normalise_newlines(comment).strip()[:COMMENT_LIMIT]
    # A reason explains a bad rating only.
    rating.reason = reason if score == Score.BAD else None
    if link_choice:
        rating.links_used = " ".join(sorted({*rating.links_used.split(), link_choice}))
    rating.updated_at = now
    rating.save()
    ticket.satisfaction_rating = score
    ticket.satisfaction_comment = rating.comment
    if old_score != score:
        # When the requester rated as they rate now: a comment added later, or the same
        # choice clicked again, keeps the day the reports count the rating on.
        ticket.satisfaction_at = now
    ticket.save(update_fields=["satisfaction_rating", "satisfaction_comment", "satisfaction_at"])
    if old_score != score:
        record_event(
            ticket,
            user,
            channel,
            TicketEvent.Kind.FEEDBACK,
            field="satisfaction",
            old=old_score,
            new=score,
        )
    return rating


def survey_offer(*, ticket: Ticket) -> None:
    """Record that the survey was offered: an email with its links is going to the
    requester (its outbox row is written in the same transaction). The ticket's one
    rating row is made now, score "offered", and keeps its id when the requester answers;
    a ticket already offered or rated keeps its row as it is."""
    ratings = SatisfactionRating.objects.for_account(ticket.account)
    if ratings.filter(ticket=ticket).exists():
        return
    SatisfactionRating(
        account=ticket.account,
        ticket=ticket,
        requester_id=ticket.requester_id,
        assignee_id=ticket.assignee_id,
        group_id=ticket.group_id,
        score=State.OFFERED,
    ).save()


# Admins ---------------------------------------------------------------------------------


def reasons_install_defaults(*, account: Account) -> None:
    """Zendesk's standard reasons, once per account (idempotent)."""
    existing = set(SatisfactionReason.objects.for_account(account).values_list("key", flat=True))
    # One statement for all (numbered in order, as one save() each would).
    SatisfactionReason.objects.bulk_create(
        SatisfactionReason(account=account, key=key, title=title, position=position)
        for position, (key, title) in enumerate(DEFAULT_REASON_TITLES.items())
        if key not in existing
    )


@transaction.atomic
def reason_create(*, account: Account, title: str) -> SatisfactionReason:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the reason a title.")})
    last = SatisfactionReason.objects.for_account(account).order_by("-position").first()
    reason = SatisfactionReason(
        account=account, title=title[:200], position=(last.position + 1) if last else 0
    )
    reason.save()
    return reason


@transaction.atomic
def reason_update(*, reason: SatisfactionReason, title: str, is_active: bool) -> None:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the reason a title.")})
    reason.title = title[:200]
    reason.is_active = is_active
    reason.save(update_fields=["title", "is_active", "updated_at"])


@transaction.atomic
def settings_update(*, account: Account, days_after_close: int, ask_reason: bool) -> None:
    if not 0 <= days_after_close <= 365:
        raise ValidationError({"days_after_close": _("Enter a number of days between 0 and 365.")})
    SatisfactionSettings.objects.for_account(account).update_or_create(
        account=account,
        defaults={"days_after_close": days_after_close, "ask_reason": ask_reason},
    )

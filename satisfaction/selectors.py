"""Reading ratings, reasons and the account's survey settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from satisfaction.links import read_token
from satisfaction.models import (
    RECEIVED,
    SatisfactionRating,
    SatisfactionReason,
    SatisfactionSettings,
)
from tickets.models import Ticket


def settings_for(account: Account) -> SatisfactionSettings:
    """The account's settings, or the defaults (unsaved) while an admin changed none."""
    found = SatisfactionSettings.objects.for_account(account).first()
    return found or SatisfactionSettings(account=account)


def reasons(account: Account, *, active: bool | None = True) -> QuerySet[SatisfactionReason]:
    qs = SatisfactionReason.objects.for_account(account)
    return qs if active is None else qs.filter(is_active=active)


def reasons_offered(account: Account) -> list[SatisfactionReason]:
    """The reasons a requester may pick for a bad rating: none when the account does not
    ask for one."""
    if not settings_for(account).ask_reason:
        return []
    return list(reasons(account))


def ticket_for_survey_link(*, account: Account, token: str) -> Ticket | None:
    """The survey link's ticket in this account, while its requester is the one the link
    was sent to; otherwise (tampered, another account's, the requester changed, a
    private ticket) None."""
    claim = read_token(token)
    if claim is None or claim.account_id != account.pk:
        return None
    ticket = (
        Ticket.objects.for_account(account)
        .select_related("requester", "account")
        .filter(number=claim.ticket_number, requester_id=claim.requester_id)
        .first()
    )
    if ticket is None or ticket.is_private:
        return None
    return ticket


def ratings_for_api(account: Account) -> QuerySet[SatisfactionRating]:
    return SatisfactionRating.objects.for_account(account).select_related(
        "ticket", "requester", "assignee", "group", "reason"
    )


def ratings_count(account: Account) -> int:
    return SatisfactionRating.objects.for_account(account).count()


def reason_offered(account: Account, number: int) -> SatisfactionReason | None:
    """An active reason of the account, by its number."""
    return reasons(account).filter(number=number).first()


def rating_of(ticket: Ticket) -> SatisfactionRating | None:
    """The requester's rating, once given (a survey only offered is none yet)."""
    return (
        SatisfactionRating.objects.for_account(ticket.account)
        .select_related("reason")
        .filter(ticket=ticket, score__in=RECEIVED)
        .first()
    )


def window_closes_at(ticket: Ticket, settings: SatisfactionSettings) -> datetime | None:
    """When the ticket stops taking ratings: N days after it was Closed; None while it
    is solved but not closed (it takes them), or not solved at all (it takes none)."""
    if ticket.status != Ticket.Status.CLOSED:
        return None
    closed_at = ticket.status_changed_at or ticket.updated_at
    return closed_at + timedelta(days=settings.days_after_close)


def takes_ratings(ticket: Ticket) -> bool:
    """Solved tickets take ratings, and Closed ones until the account's window ends (its
    settings are read only then)."""
    if ticket.is_private or not ticket.is_solved:
        return False
    if ticket.status != Ticket.Status.CLOSED:
        return True
    closes = window_closes_at(ticket, settings_for(ticket.account))
    return closes is None or timezone.now() < closes

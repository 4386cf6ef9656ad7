"""Reads of the notification settings pages."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account, AgentGroup, User
from notifications.models import Delivery, InboundEmail, Suppression, Trigger
from tickets.counts import capped_counts


def triggers_for_account(*, account: Account) -> QuerySet[Trigger]:
    return Trigger.objects.for_account(account).order_by("position", "id")


def deliveries_for_account(*, account: Account, state: str = "") -> QuerySet[Delivery]:
    qs = Delivery.objects.for_account(account).select_related("ticket", "trigger")
    if state in Delivery.State.values:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def inbound_emails_for_account(*, account: Account) -> QuerySet[InboundEmail]:
    return (
        InboundEmail.objects.for_account(account)
        .select_related("ticket")
        .order_by("-created_at", "-id")
    )


def suppressions_for_account(*, account: Account) -> QuerySet[Suppression]:
    return Suppression.objects.for_account(account).order_by("-created_at", "-id")


def delivery_counts(*, account: Account) -> dict[str, int]:
    """Rows per state, each exact up to a thousand ("1,000+" past it), in one query
    that reads at most 1,001 index entries per state: a GROUP BY counted every row the
    account ever sent."""
    rows = Delivery.objects.for_account(account)
    return capped_counts({state: rows.filter(state=state) for state in Delivery.State.values})


def trigger_reference(*, account: Account) -> dict:
    """Numbers an admin types into actions (users, groups), shown beside the editor."""
    return {
        "agents": User.objects.for_account(account).agents().order_by("number"),
        "groups": AgentGroup.objects.for_account(account).order_by("number"),
    }

"""Reads of the webhooks' settings page and API (admins only, one account)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account
from webhooks.models import Webhook, WebhookAttempt

LOG_PAGE = 50


def webhooks_for_account(*, account: Account) -> QuerySet[Webhook]:
    return Webhook.objects.for_account(account).order_by("name", "id")


def webhooks_page(
    *, account: Account, after: int | None, size: int, name_contains: str = "", status: str = ""
) -> tuple[list[Webhook], bool]:
    """Zendesk's cursor pages, by number: the page and whether more follow."""
    rows = Webhook.objects.for_account(account).order_by("number")
    if after is not None:
        rows = rows.filter(number__gt=after)
    if name_contains:
        rows = rows.filter(name__icontains=name_contains)
    if status:
        rows = rows.filter(status=status)
    found = list(rows[: size + 1])
    return found[:size], len(found) > size


def webhook_log(*, webhook: Webhook, limit: int = LOG_PAGE) -> list[WebhookAttempt]:
    """The webhook's latest attempts, newest first (index webhookattempt_log)."""
    return list(
        WebhookAttempt.objects.for_account(webhook.account)
        .filter(webhook=webhook)
        .select_related("call")
        .order_by("-created_at", "-id")[:limit]
    )

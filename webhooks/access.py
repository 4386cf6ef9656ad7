"""The only road from a number in a URL to a webhook (per-account numbers, never primary
keys): 404 alike for another account's and for one that does not exist. The views are
admin-only (agents get 403 before this)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Account
from webhooks.models import Webhook


def webhook_for_admin(*, account: Account, number: int) -> Webhook:
    return get_object_or_404(Webhook.objects.for_account(account), number=number)

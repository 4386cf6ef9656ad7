"""Reads of the API's own models, for one account."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account
from api.models import ApiToken


def tokens_for_account(*, account: Account) -> QuerySet[ApiToken]:
    """The account's API and OAuth tokens (never another account's: a number from a URL
    goes through this to a 404)."""
    return ApiToken.objects.for_account(account).select_related("user", "created_by")

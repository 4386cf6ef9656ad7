"""Reads of the automations' pages."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account
from automations.models import Automation


def automations_for_account(*, account: Account) -> QuerySet[Automation]:
    """Every automation of the account, in the order the pass runs them."""
    return Automation.objects.for_account(account).order_by("position", "id")

"""The only road from a number in a settings URL to an automation (per-account numbers,
never primary keys)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Account
from automations.models import Automation


def automation_for_admin(*, account: Account, number: int) -> Automation:
    """An automation of the admin's own account: 404 alike for another account's and for
    one that does not exist (the views are admin-only, agents get 403 before this)."""
    return get_object_or_404(Automation.objects.for_account(account), number=number)

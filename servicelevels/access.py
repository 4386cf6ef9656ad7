"""The only road from a URL's number to a schedule or a holiday."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Account
from servicelevels.models import Holiday, Schedule, SlaPolicy


def schedule_for_admin(*, account: Account, number: int) -> Schedule:
    """A schedule of the account, for its admins (the views check the role). 404 for one
    of another account and for one that does not exist alike."""
    return get_object_or_404(Schedule.objects.for_account(account), number=number)


def holiday_for_admin(*, schedule: Schedule, number: int) -> Holiday:
    """A holiday of that schedule. 404 for another schedule's, as for another account's."""
    return get_object_or_404(
        Holiday.objects.for_account(schedule.account).filter(schedule=schedule), number=number
    )


def sla_policy_for_admin(*, account: Account, number: int) -> SlaPolicy:
    """An SLA policy of the account, for its admins (the views and the API check the
    role). 404 for one of another account and for one that does not exist alike."""
    return get_object_or_404(SlaPolicy.objects.for_account(account), number=number)

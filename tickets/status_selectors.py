"""Reads of custom statuses (issue 19): the account's, in the order agents see them
(by category, then by the admins' order)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import compiled
from accounts.models import Account
from tickets.models import CustomStatus
from tickets.status_models import CATEGORY_ORDER


def custom_statuses_for_account(
    *, account: Account, active: bool | None = None
) -> QuerySet[CustomStatus]:
    qs = CustomStatus.objects.for_account(account)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("position", "number")


def by_category(statuses) -> list[CustomStatus]:
    """The statuses in category order (New → Solved), each category's in its order."""
    return sorted(
        statuses, key=lambda s: (CATEGORY_ORDER.get(s.category, 99), s.position, s.number)
    )


def custom_status_choices(
    *, account: Account, include_new: bool = True, keep: int | None = None
) -> list[CustomStatus]:
    """What a status select offers: the active statuses (and ``keep``, the ticket's own,
    should it have been deactivated), by category."""
    # Compiled once per account and process (accounts.compiled): every ticket page asks.
    statuses = compiled.rows(
        CustomStatus,
        ("custom_statuses", account.pk),
        lambda: CustomStatus.objects.for_account(account).order_by("position", "number"),
    )
    chosen = [s for s in statuses if s.is_active or s.pk == keep]
    if not include_new:
        chosen = [s for s in chosen if s.category != "new"]
    return by_category(chosen)


def default_status_numbers(*, account: Account) -> dict[str, int]:
    """Each ticket status's default custom status number (Closed: Solved's): what a
    ticket without a custom status reads as until ``manage.py backfill_custom_statuses``
    has filled it (tickets.services.statuses)."""
    numbers = dict(
        CustomStatus.objects.for_account(account)
        .filter(is_default=True)
        .values_list("category", "number")
    )
    if "solved" in numbers:
        numbers["closed"] = numbers["solved"]
    return numbers

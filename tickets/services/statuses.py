"""Custom statuses (issue 19): the admins' changes. The rule tickets follow, and the
statuses every account starts with, are tickets.services.status_rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Account, User
from tickets.models import CustomStatus, StatusCategory, Ticket
from tickets.services.common import NotAllowed

EDITABLE = ("agent_label", "end_user_label", "description", "end_user_description", "is_active")


@transaction.atomic
def custom_status_create(
    *, account: Account, actor: User, category: str, agent_label: str, **fields: Any
) -> CustomStatus:
    _require_admin(actor, account)
    if category not in StatusCategory.values:
        raise ValidationError({"category": _("Choose one of the status categories.")})
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not custom status fields: {sorted(unknown)}")
    last = CustomStatus.objects.for_account(account).aggregate(m=Max("position"))["m"]
    status = CustomStatus(
        account=account,
        category=category,
        agent_label=agent_label,
        position=(last or 0) + 1,
        **fields,
    )
    _clean(status)
    status.save()
    return status


@transaction.atomic
def custom_status_update(
    *, custom_status: CustomStatus, actor: User, **fields: Any
) -> CustomStatus:
    """Labels, descriptions and active; the category never changes (its tickets' status
    would), and a built-in status stays active (choosing its category alone picks it)."""
    _require_admin(actor, custom_status.account)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not custom status fields: {sorted(unknown)}")
    if custom_status.is_default and fields.get("is_active") is False:
        raise NotAllowed(_("A built-in status cannot be deactivated; rename it instead."))
    for name, value in fields.items():
        setattr(custom_status, name, value)
    _clean(custom_status)
    custom_status.save()
    return custom_status


@transaction.atomic
def custom_statuses_reorder(
    *, account: Account, actor: User, numbers: Sequence[int]
) -> list[CustomStatus]:
    """The statuses in ``numbers``' order (within their categories, which keep theirs);
    those not named keep their order after the named ones."""
    _require_admin(actor, account)
    statuses = list(CustomStatus.objects.for_account(account).select_for_update())
    rank = {number: index for index, number in enumerate(numbers)}
    statuses.sort(key=lambda s: (rank.get(s.number, len(rank)), s.position, s.number))
    for position, status in enumerate(statuses):
        status.position = position
    CustomStatus.objects.for_account(account).bulk_update(statuses, ["position"])
    return statuses


def _require_admin(actor: User, account: Account) -> None:
    if not actor.is_admin or actor.account_id != account.pk:
        raise NotAllowed(_("Only admins can change ticket statuses."))


def _clean(status: CustomStatus) -> None:
    status.agent_label = (status.agent_label or "").strip()
    status.end_user_label = (status.end_user_label or "").strip() or status.agent_label
    if not status.agent_label:
        raise ValidationError({"agent_label": _("A status needs a label for agents.")})
    status.full_clean(exclude=["account", "number"])


BACKFILL_BATCH = 1_000


def custom_statuses_backfill(*, account: Account, batch: int = BACKFILL_BATCH) -> int:
    """Give the account's tickets without a custom status their category's default
    (Closed: Solved's), ``batch`` rows per transaction, so an upgrade never holds a lock
    on the whole table (migration 0016 leaves them to this; until then they read as their
    category, as a row without a custom status always has; views do so only until this
    ends, ``Account.custom_statuses_unfilled``). Walks the primary key
    forward: a scan for "custom_status IS NULL" would pass again, each batch, over the
    rows the batches before it filled. ``updated_at`` is untouched: nothing happened to
    the ticket. Safe to re-run and to interrupt. The number of tickets filled."""
    defaults = {
        s.category: s for s in CustomStatus.objects.for_account(account).filter(is_default=True)
    }
    if StatusCategory.SOLVED in defaults:
        defaults["closed"] = defaults[StatusCategory.SOLVED]
    tickets = Ticket.objects.for_account(account).filter(custom_status__isnull=True)
    last, total = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                tickets.filter(pk__gt=last).order_by("pk").values_list("pk", "status")[:batch]
            )
            if not rows:
                # Views stop reading unfilled tickets as their default (tickets.
                # conditions); the database keeps the flag while one is left
                # (tickets/migrations/0023), a concurrent write included.
                Account.objects.filter(pk=account.pk).update(custom_statuses_unfilled=False)
                return total
            last = rows[-1][0]
            for status, custom in defaults.items():
                ids = [pk for pk, row_status in rows if row_status == status]
                if ids:
                    total += tickets.filter(pk__in=ids).update(custom_status=custom)

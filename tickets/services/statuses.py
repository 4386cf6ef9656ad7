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
from tickets.models import CustomStatus, StatusCategory
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

"""The admins' chat settings: whether the help center offers chat, to anonymous visitors
too, how many chats an agent may have at once, which groups take chats, and the business
hours (a service-level schedule; empty: the account's default)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account, AgentGroup
from chat.models import ChatGroup, ChatSettings
from chat.services.visitor import chat_settings
from servicelevels.models import Schedule

MAX_CHATS_LIMIT = 20


@transaction.atomic
def chat_settings_update(
    *,
    account: Account,
    enabled: bool,
    anonymous_allowed: bool,
    max_chats_per_agent: int,
    group_numbers: Iterable[int],
    schedule_number: int | None,
) -> ChatSettings:
    if not 1 <= max_chats_per_agent <= MAX_CHATS_LIMIT:
        raise ValidationError(
            {
                "max_chats_per_agent": _("Between 1 and %(limit)s chats.")
                % {"limit": MAX_CHATS_LIMIT}
            }
        )
    numbers = set(group_numbers)
    groups = list(AgentGroup.objects.for_account(account).filter(number__in=numbers))
    if len(groups) != len(numbers):
        raise ValidationError({"groups": _("Unknown group.")})
    if enabled and not groups:
        raise ValidationError({"groups": _("Choose at least one group to take chats.")})
    schedule = None
    if schedule_number is not None:
        schedule = Schedule.objects.for_account(account).filter(number=schedule_number).first()
        if schedule is None:
            raise ValidationError({"schedule": _("Unknown schedule.")})
    current = chat_settings(account)
    current.enabled = enabled
    current.anonymous_allowed = anonymous_allowed
    current.max_chats_per_agent = max_chats_per_agent
    current.schedule = schedule
    current.save()
    ChatGroup.objects.for_account(account).exclude(group__in=groups).delete()
    have = set(ChatGroup.objects.for_account(account).values_list("group_id", flat=True))
    ChatGroup.objects.bulk_create(
        [ChatGroup(account=account, group=g) for g in groups if g.pk not in have]
    )
    return current

"""Reads of writing help: the account's settings, an agent's own request, the log."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Account, User
from assist.models import AGENT_FEATURES, AssistRequest, AssistSettings, Feature, Provider
from assist.offline import AVAILABLE as OFFLINE_FEATURES

LOG_ROWS = 100


def assist_settings(account: Account) -> AssistSettings:
    """The account's settings; the built-in provider's defaults when none were saved."""
    found = AssistSettings.objects.for_account(account).first()
    return found or AssistSettings(account=account)


def is_remote(settings: AssistSettings) -> bool:
    return settings.provider == Provider.OPENAI and bool(settings.base_url)


def features_for(settings: AssistSettings) -> list[tuple[Feature, bool]]:
    """Every feature, and whether the account's provider can do it."""
    remote = is_remote(settings)
    return [(f, remote or f in OFFLINE_FEATURES) for f in AGENT_FEATURES]


def request_for_agent(*, viewer: User, token: str) -> AssistRequest:
    """The viewer's own request by its token; 404 for anyone else's and a missing one."""
    found = (
        AssistRequest.objects.for_account(viewer.account)
        .filter(token=token, agent=viewer)
        .select_related("ticket")
        .first()
        if viewer.is_agent
        else None
    )
    if found is None:
        raise Http404
    return found


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def remote_requests_this_month(account: Account) -> int:
    return (
        AssistRequest.objects.for_account(account)
        .filter(provider=Provider.OPENAI, created_at__gte=month_start())
        .count()
    )


def request_log(account: Account) -> QuerySet[AssistRequest]:
    return (
        AssistRequest.objects.for_account(account)
        .select_related("agent", "ticket")
        .order_by("-created_at", "-id")[:LOG_ROWS]
    )


def assist_settings_by_id(account_id: int) -> AssistSettings | None:
    """The account's saved settings by its id (a task or an after-commit hook has no
    Account loaded); None when it saved none (the built-in provider)."""
    return AssistSettings.all_accounts.filter(account_id=account_id).first()

"""Deployment checks of row-level security's set-up (README, "Security")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections

from accounts.dbsession import platform_connection_configured


@register(Tags.security, deploy=True)
def check_platform_connection(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """On PostgreSQL the application's role is bound by every policy and can switch to no
    role that is not: without the platform's own login, what crosses accounts on purpose
    sees no account's rows (operators cannot sign in to the admin, the sweeper finds no
    stuck email, tracking webhooks match no delivery)."""
    engine = connections.settings["default"]["ENGINE"]
    if "postgresql" not in engine or platform_connection_configured():
        return []
    return [
        Warning(
            "DATABASE_PLATFORM_URL is not set: the operators' admin, the delivery sweeper "
            "and the tracking webhooks run as the application's role, which row-level "
            "security binds, and see no account's rows.",
            hint="Set DATABASE_PLATFORM_URL to the platform role's login "
            "(deploy/postgres/10-app-roles.sh creates sportello_platform).",
            id="accounts.W001",
        )
    ]

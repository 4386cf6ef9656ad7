"""The operators' admin site (the base domain): every view of it, sign-in included, runs
on the platform's connection (``accounts.dbsession.platform_view``). It crosses accounts on
purpose, and its users, the operators, belong to no account, so row-level security
would show it nothing: users and accounts are under policies like every account's rows.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from accounts.dbsession import platform_view


class PlatformAdminSite(admin.AdminSite):
    def admin_view[V: Callable[..., HttpResponseBase]](self, view: V, cacheable: bool = False) -> V:
        return super().admin_view(platform_view(view), cacheable)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Not wrapped by admin_view: looks the operator up and records the sign-in.
        return platform_view(super().login)(request, extra_context)


class PlatformAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PlatformAdminSite"

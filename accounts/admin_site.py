"""The operators' admin site (the base domain): every view of it, sign-in included, runs
on the platform's connection (``accounts.dbsession.platform_view``). It crosses accounts on
purpose, and its users, the operators, belong to no account, so row-level security
would show it nothing: users and accounts are under policies like every account's rows.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from accounts.dbsession import platform_view


class PlatformAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        return super().admin_view(platform_view(view), cacheable)

    def login(self, request, extra_context=None):
        # Not wrapped by admin_view: looks the operator up and records the sign-in.
        return platform_view(super().login)(request, extra_context)


class PlatformAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PlatformAdminSite"

"""The operators' admin on the base domain. It crosses accounts on purpose: every view
runs on the platform's connection (accounts.admin_site), and every tenant queryset here
goes through ``all_accounts``."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.deletion_log import AccountDeletion
from accounts.forms import OperatorSignInForm
from accounts.models import Account, AgentGroup, Organization, User

# Operators' sign-ins are throttled as users' are (accounts/signin_throttle.py).
admin.site.login_form = OperatorSignInForm


class PlatformAdmin(admin.ModelAdmin):
    """Saving an organization or deleting an account and its cascade crosses accounts on
    purpose: the site runs each view on the platform's connection."""


class AllAccountsAdmin(PlatformAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.all_accounts.all()  # type: ignore[no-any-return]  # every model here has all_accounts


@admin.register(Account)
class AccountAdmin(PlatformAdmin):
    list_display = ["name", "subdomain", "private_tickets_enabled", "created_at"]
    search_fields = ["name", "subdomain"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An account goes through ``manage.py account_delete`` only: its files, cache
        # entries and the operators' record go with it (README, "Operations").
        return False


@admin.register(AccountDeletion)
class AccountDeletionAdmin(PlatformAdmin):
    """The operators' record of deleted accounts: read only."""

    list_display = ["subdomain", "name", "deleted_at", "deleted_by", "total_rows", "files"]
    search_fields = ["subdomain", "name", "deleted_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AllAccountsAdmin):
    list_display = ["name", "email", "account", "role", "is_active"]
    list_filter = ["role", "account"]
    search_fields = ["name", "email"]
    exclude = ["password", "groups", "user_permissions", "last_login"]
    readonly_fields = ["account", "number"]


@admin.register(Organization)
class OrganizationAdmin(AllAccountsAdmin):
    list_display = ["name", "account"]
    readonly_fields = ["account", "number"]


@admin.register(AgentGroup)
class AgentGroupAdmin(AllAccountsAdmin):
    list_display = ["name", "account"]
    readonly_fields = ["account", "number"]

"""The operators' admin on the base domain. It crosses accounts on purpose, so every
queryset here goes through ``all_accounts``."""

from django.contrib import admin

from accounts.forms import OperatorSignInForm
from accounts.models import Account, AgentGroup, Organization, User
from accounts.rls import platform_access

# Operators' sign-ins are throttled as users' are (accounts/signin_throttle.py).
admin.site.login_form = OperatorSignInForm


class PlatformAdmin(admin.ModelAdmin):
    """Whole admin views run as the platform role (row-level security lifted): saving an
    organization or deleting an account and its cascade crosses accounts on purpose."""

    def changeform_view(self, *args, **kwargs):
        with platform_access():
            return super().changeform_view(*args, **kwargs)

    def changelist_view(self, *args, **kwargs):
        with platform_access():
            return super().changelist_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with platform_access():
            return super().delete_view(*args, **kwargs)


class AllAccountsAdmin(PlatformAdmin):
    def get_queryset(self, request):
        return self.model.all_accounts.all()


@admin.register(Account)
class AccountAdmin(PlatformAdmin):
    list_display = ["name", "subdomain", "private_tickets_enabled", "created_at"]
    search_fields = ["name", "subdomain"]


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

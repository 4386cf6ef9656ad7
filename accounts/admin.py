"""The operators' admin on the base domain. It crosses accounts on purpose, so every
queryset here goes through ``all_accounts``."""

from django.contrib import admin

from accounts.models import Account, AgentGroup, Organization, User


class AllAccountsAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.all_accounts.all()


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
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

"""Who may call what: the same split as the UI. Agents (and admins) use every endpoint
of their account; end users only the requests endpoints and their own profile.

The role is checked before any object is looked up, so an end user's 403 on an agent
endpoint never depends on whether the record exists."""

from __future__ import annotations

from rest_framework import permissions


class IsAccountUser(permissions.BasePermission):
    """Signed in with a token of this account (authentication already scoped it)."""

    def has_permission(self, request, view):
        user = request.user
        account = getattr(request._request, "account", None)
        return bool(user and user.is_authenticated and account and user.account_id == account.pk)


class IsAgent(IsAccountUser):
    message = (
        "You do not have access to this page. Please contact the account owner of this "
        "help desk for further help."
    )

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_agent


class IsAdmin(IsAccountUser):
    message = "You do not have access to this page. Only admins may use it."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_admin

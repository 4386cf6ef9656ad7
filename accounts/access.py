"""The only road from a number in a URL to a user, organization or group.

Each function answers 404 alike for an object of another account and one that does
not exist, so a URL never tells whether another account's object exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import (
    Account,
    AgentGroup,
    AgentRole,
    Organization,
    OrganizationMembership,
    User,
)


def require_agent(user: User) -> None:
    """Agent pages: agents and admins only. End users get 404, not a hint that it exists."""
    from django.http import Http404

    if not (user.is_authenticated and user.is_agent):
        raise Http404


def require_admin(user: User) -> None:
    """Settings pages: admins only; other agents are told they lack permission."""
    require_agent(user)
    if not user.is_admin:
        raise PermissionDenied


def user_may_be_invited(user: User) -> bool:
    """An invitation (a link to choose a password) is for a user who has not activated
    their account yet: active, without a password of their own, never signed in (a
    password, a passkey or single sign-on all leave ``last_login``). Others who lost their
    password reset it from the sign-in page."""
    return user.is_active and not user.has_usable_password() and user.last_login is None


def user_for_agent(*, account: Account, number: int) -> User:
    """Any user of the account, for an agent. 404 across accounts."""
    return get_object_or_404(
        User.objects.for_account(account).select_related("organization"), number=number
    )


def organization_for_agent(*, account: Account, number: int) -> Organization:
    return get_object_or_404(Organization.objects.for_account(account), number=number)


def group_for_agent(*, account: Account, number: int) -> AgentGroup:
    return get_object_or_404(AgentGroup.objects.for_account(account), number=number)


def role_for_admin(*, viewer: User, number: int) -> AgentRole:
    """An agent role of the admin's account, to change; 404 for another account's number
    and for anyone who is not an admin alike."""
    from django.http import Http404

    if not viewer.is_admin:
        raise Http404
    return get_object_or_404(AgentRole.objects.for_account(viewer.account), number=number)


def membership_for_agent(*, account: Account, number: int) -> OrganizationMembership:
    """An organization membership of the account (the API's id is its number); 404
    across accounts."""
    return get_object_or_404(
        OrganizationMembership.objects.for_account(account).select_related("user", "organization"),
        number=number,
    )

"""Reads about people: users, organizations, groups, always within one account."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Account, AgentGroup, Organization, User


def users_search(*, account: Account, query: str, limit: int = 10) -> list[User]:
    """The requester search of the new-ticket form (Zendesk's rule): by name, email,
    email domain, phone number or organization name."""
    query = query.strip()
    if not query:
        return []
    term = query.lstrip("@")
    condition = (
        Q(name__icontains=query)
        | Q(email__istartswith=query)
        | Q(email__iendswith="@" + term)
        | Q(organization__name__icontains=query)
    )
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 3:
        condition |= Q(phone__contains=digits) | Q(phone__icontains=query)
    if "@" in query:
        condition |= Q(email__iexact=query)
    return list(
        User.objects.for_account(account)
        .filter(condition, is_active=True)
        .select_related("organization")
        .order_by("name", "id")[:limit]
    )


def agents_for_account(*, account: Account) -> QuerySet[User]:
    return User.objects.for_account(account).agents().order_by("name")


def groups_for_account(*, account: Account) -> QuerySet[AgentGroup]:
    return AgentGroup.objects.for_account(account).order_by("name")


def organizations_for_account(*, account: Account) -> QuerySet[Organization]:
    return Organization.objects.for_account(account).order_by("name")


def organization_for_email(*, account: Account, email: str) -> Organization | None:
    domain = email.rpartition("@")[2].lower()
    if not domain:
        return None
    return Organization.objects.for_account(account).filter(domains__domain=domain).first()

"""Reads about people: users, organizations, groups, always within one account."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from accounts.identity_models import AuditEntry
from accounts.models import (
    Account,
    AgentGroup,
    GroupMembership,
    Organization,
    OrganizationDomain,
    User,
)


def account_for_subdomain(subdomain: str) -> Account | None:
    """The account a host or a recipient address names, or None. Found before any
    account is set (the accounts table is under row-level security: a session sees only
    its own account), through ``account_by_subdomain``, which returns that row alone
    (accounts/migrations/0005). The one way code finds an account by name."""
    if connection.vendor != "postgresql":
        return Account.objects.filter(subdomain=subdomain).first()
    found = list(Account.objects.raw("SELECT * FROM account_by_subdomain(%s)", [subdomain]))
    return found[0] if found else None


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
        | Q(email__icontains="@" + term)  # the domain, as it is being typed
        # By organization ids read first, not a join or subquery: every arm of the OR
        # is then an index on the user table (a bitmap OR, no scan of 50,000 users).
        | Q(organization_id__in=_organizations_named(account, query))
    )
    users = User.objects.for_account(account)
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 3:
        # "555 0199" finds "+1 (555) 0199": phone numbers compare by their digits.
        phone_digits: F | Replace = F("phone")
        for sep in (" ", "-", "(", ")", ".", "/", "+"):
            phone_digits = Replace(phone_digits, Value(sep), Value(""))
        users = users.annotate(phone_digits=phone_digits)
        condition |= Q(phone_digits__contains=digits) | Q(phone__icontains=query)
    if "@" in query:
        condition |= Q(email__iexact=query)
    return list(
        users.filter(condition, is_active=True)
        .select_related("organization")
        .order_by("name", "id")[:limit]
    )


def _organizations_named(account: Account, query: str) -> list[int]:
    orgs = Organization.objects.for_account(account).filter(name__icontains=query)
    return list(orgs.values_list("pk", flat=True)[:100])


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


def user_for_email(*, account: Account, email: str) -> User | None:
    """The user with this address, primary or other (accounts/emails.py)."""
    from accounts.emails import email_owner

    return email_owner(account=account, email=email)


def user_for_password_reset(*, account: Account, pk: int) -> User | None:
    """The user a password-reset link names, in the host's account only: a link made
    for another account's user finds no one here."""
    return User.objects.for_account(account).filter(pk=pk).first()


def users_for_account(
    *,
    account: Account,
    roles: list[str] | None = None,
    numbers: list[int] | None = None,
    organization: Organization | None = None,
) -> QuerySet[User]:
    """The account's users by number, narrowed to the roles, numbers and organization
    given (an empty list of numbers gives none)."""
    qs = User.objects.for_account(account).select_related("organization")
    if roles:
        qs = qs.filter(role__in=roles)
    if numbers is not None:
        qs = qs.filter(number__in=numbers)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.order_by("number")


def team_for_account(*, account: Account) -> QuerySet[User]:
    """Agents and admins, active ones first, by name (the admin settings' team)."""
    return (
        User.objects.for_account(account)
        .filter(role__in=[User.Role.AGENT, User.Role.ADMIN])
        .order_by("-is_active", "name")
    )


def default_group_of(user: User) -> AgentGroup | None:
    """The agent's default group: a ticket assigned to them without a group takes it."""
    if user.account_id is None or not user.is_agent:
        return None
    membership = (
        GroupMembership.objects.for_account(user.account)
        .filter(user=user, is_default=True)
        .select_related("group")
        .first()
    )
    return membership.group if membership else None


def groups_with_members(*, account: Account) -> QuerySet[AgentGroup]:
    """The account's groups by name, each with its memberships (and users) by name."""
    memberships = GroupMembership.objects.for_account(account).select_related("user")
    return groups_for_account(account=account).prefetch_related(
        Prefetch("memberships", queryset=memberships.order_by("user__name"))
    )


def users_for_admin(
    *, account: Account, query: str = "", role: str = "", tag: str = ""
) -> QuerySet[User]:
    """The admins' list of users, by name: narrowed by a word of the name, email or
    organization name, by role and by one tag. Ordered by (name, id), which the index
    user_account_name serves, so keyset pages read from it at any depth."""
    qs = User.objects.for_account(account).select_related("organization")
    if role:
        qs = qs.filter(role=role)
    tag = tag.strip().lower()
    if tag:
        # Tags are stored lower case, one space between (accounts.user_services).
        qs = qs.filter(
            Q(tags=tag)
            | Q(tags__startswith=tag + " ")
            | Q(tags__endswith=" " + tag)
            | Q(tags__contains=" " + tag + " ")
        )
    query = query.strip()
    if query:
        # Each arm is a trigram index (accounts/migrations/0002) or the organization ids.
        matching = qs.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(organization_id__in=_organizations_named(account, query))
        )
        # Few matches: found by those indexes first, then ordered. Ordered by name with a
        # LIMIT, PostgreSQL walks the name index hoping to meet matches early; when they
        # sit together far down (every "Person ab…" of 100,000) that walk took 510 ms.
        # Many matches are met early by the walk, and the id list would be long.
        ids = list(matching.order_by().values_list("pk", flat=True)[: ADMIN_SEARCH_IDS + 1])
        if len(ids) <= ADMIN_SEARCH_IDS:
            # [0] for none: an empty IN list cannot go into the count's subquery
            # (EmptyResultSet), and no row has id 0.
            return qs.filter(pk__in=ids or [0]).order_by("name", "id")
        qs = matching
    return qs.order_by("name", "id")


ADMIN_SEARCH_IDS = 1000


def audit_entries_for_admin(
    *, account: Account, action: str = "", actor_number: int | None = None
) -> QuerySet[AuditEntry]:
    """The account's admin actions, newest first, by (created_at, id), narrowed to an
    action and to the admin of that number: the indexes audit_account_* serve each, so
    keyset pages read from any depth."""
    qs = AuditEntry.objects.for_account(account)
    if action:
        qs = qs.filter(action=action)
    if actor_number is not None:
        actor = User.objects.for_account(account).filter(number=actor_number).values("pk")
        qs = qs.filter(actor_id__in=actor)
    return qs.order_by("-created_at", "-id")


def organizations_for_admin(*, account: Account, query: str = "") -> QuerySet[Organization]:
    """The admins' list of organizations, by name (index organization_account_name, so
    keyset pages read from it at any depth), narrowed by a word of the name or of a
    domain. Each with its domains."""
    qs = Organization.objects.for_account(account)
    query = query.strip()
    if query:
        # The name by its trigram index, the domains (a few per organization) by theirs.
        by_domain = OrganizationDomain.objects.for_account(account).filter(
            domain__icontains=query.lower()
        )
        ids = list(by_domain.values_list("organization_id", flat=True)[:ADMIN_SEARCH_IDS])
        qs = qs.filter(Q(name__icontains=query) | Q(pk__in=ids or [0]))
    return qs.prefetch_related("domains").order_by("name", "id")

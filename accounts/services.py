"""State changes of accounts and people. One function per use case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    AgentGroup,
    GroupMembership,
    Organization,
    OrganizationDomain,
    Sequence,
    User,
    UserManager,
)
from accounts.selectors import organization_for_email


@transaction.atomic
def account_create(
    *,
    subdomain: str,
    name: str,
    admin_email: str,
    admin_name: str = "",
    admin_password: str | None = None,
    **settings,
) -> tuple[Account, User]:
    """A new tenant with its first admin. Platform-level: it creates the account itself."""
    account = Account(subdomain=subdomain.strip().lower(), name=name.strip(), **settings)
    account.full_clean()
    account.save()
    admin = user_create(
        account=account,
        name=admin_name or admin_email.split("@")[0],
        email=admin_email,
        role=User.Role.ADMIN,
        password=admin_password,
    )
    from accounts import signals

    signals.account_created.send(sender=Account, account=account)
    return account, admin


@transaction.atomic
def user_create(
    *,
    account: Account,
    name: str,
    email: str,
    role: str = User.Role.END_USER,
    password: str | None = None,
    phone: str = "",
    organization: Organization | None = None,
    is_org_manager: bool = False,
    time_zone: str = "",
    locale: str = "",
) -> User:
    """A user of the account. Email is unique per account; an end user without an
    organization joins the one that owns their email domain."""
    email = UserManager.normalize_email(email)
    if User.objects.for_account(account).filter(email=email).exists():
        raise ValidationError({"email": _("A user with this email already exists.")})
    if organization is not None and organization.account_id != account.pk:
        raise ValidationError({"organization": _("Unknown organization.")})
    if organization is None and role == User.Role.END_USER:
        organization = organization_for_email(account=account, email=email)
    try:
        with transaction.atomic():
            return User.objects.create_user(
                account=account,
                # Numbered before create_user's full_clean, whose check constraint wants
                # every account user to carry a number (User.save would set it too late).
                number=Sequence.next_value(account=account, name="accounts.user"),
                email=email,
                name=name.strip(),
                password=password,
                role=role,
                phone=phone.strip(),
                organization=organization,
                is_org_manager=is_org_manager,
                time_zone=time_zone,
                locale=locale,
            )
    except IntegrityError as exc:  # a concurrent create of the same address
        raise ValidationError({"email": _("A user with this email already exists.")}) from exc


def user_get_or_create(*, account: Account, email: str, name: str = "") -> tuple[User, bool]:
    """Find a user of the account by email, or add them as an end user."""
    email = UserManager.normalize_email(email)
    user = User.objects.for_account(account).filter(email=email).first()
    if user is not None:
        return user, False
    try:
        return user_create(
            account=account, email=email, name=name.strip() or email.split("@")[0]
        ), True
    except ValidationError:
        # Lost a race with another creator of the same address: take theirs.
        return User.objects.for_account(account).get(email=email), False


@transaction.atomic
def organization_create(
    *, account: Account, name: str, domains: list[str] | tuple = ()
) -> Organization:
    org = Organization(account=account, name=name.strip())
    org.full_clean(exclude=["number"])
    org.save()
    for domain in domains:
        OrganizationDomain.objects.create(
            account=account, organization=org, domain=domain.strip().lower()
        )
    return org


@transaction.atomic
def group_create(*, account: Account, name: str, agents: list[User] | tuple = ()) -> AgentGroup:
    group = AgentGroup(account=account, name=name.strip())
    group.full_clean(exclude=["number"])
    group.save()
    for agent in agents:
        group_add_agent(group=group, agent=agent)
    return group


def group_add_agent(*, group: AgentGroup, agent: User) -> None:
    if agent.account_id != group.account_id or not agent.is_agent:
        raise ValidationError(_("Only agents of this account can join a group."))
    GroupMembership.objects.get_or_create(account_id=group.account_id, group=group, user=agent)


def group_remove_agent(*, group: AgentGroup, agent: User) -> None:
    GroupMembership.objects.for_account(group.account).filter(group=group, user=agent).delete()

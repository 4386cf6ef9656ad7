"""State changes of accounts and people. One function per use case."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounts.models import (
    TIME_ZONE_CHOICES,
    Account,
    AgentGroup,
    GroupMembership,
    Organization,
    OrganizationDomain,
    User,
    UserManager,
)
from accounts.selectors import account_for_subdomain, organization_for_email


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
    # The accounts table is under row-level security, so a taken subdomain is asked of
    # account_by_subdomain (Django's unique check would see no other account).
    account.full_clean(validate_unique=False)
    if account_for_subdomain(account.subdomain) is not None:
        raise ValidationError({"subdomain": account.unique_error_message(Account, ["subdomain"])})
    from accounts import signals
    from accounts.rls import account_context

    if connection.vendor == "postgresql":
        # Its id first, so that even the account's own row is written while working for
        # it (the policy's WITH CHECK, and INSERT … RETURNING, want id = app.account_id).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Account._meta.db_table]
            )
            account.pk = cursor.fetchone()[0]
    with account_context(account.pk):
        account.save(force_insert=True)
    # The new account's rows are written while working for it (row-level security).
    with account_context(account):
        admin = user_create(
            account=account,
            name=admin_name or admin_email.split("@")[0],
            email=admin_email,
            role=User.Role.ADMIN,
            password=admin_password,
        )
        signals.account_created.send(sender=Account, account=account)
    return account, admin


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
    return _user_insert(
        account=account,
        name=name,
        email=email,
        role=role,
        password=password,
        phone=phone,
        organization=organization,
        is_org_manager=is_org_manager,
        time_zone=time_zone,
        locale=locale,
    )


def _user_insert(
    *, account: Account, email: str, role: str, organization: Organization | None, **fields
) -> User:
    """user_create once the address is known to be free. Reads, then one write in its
    own savepoint (no savepoint around the whole: nothing before it needs undoing)."""
    if organization is not None and organization.account_id != account.pk:
        raise ValidationError({"organization": _("Unknown organization.")})
    if organization is None and role == User.Role.END_USER:
        organization = organization_for_email(account=account, email=email)
    fields["name"] = fields["name"].strip()
    fields["phone"] = fields.get("phone", "").strip()
    try:
        with transaction.atomic():
            return User.objects.create_user(
                account=account,
                email=email,
                role=role,
                organization=organization,
                prechecked=True,
                **fields,
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
        return _user_insert(
            account=account,
            email=email,
            name=name.strip() or email.split("@")[0],
            role=User.Role.END_USER,
            organization=None,
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


ACCOUNT_SETTINGS_FIELDS = (
    "private_tickets_enabled",
    "default_reply_type",
    "brand_color",
    "default_locale",
    "time_zone",
    "max_attachments_per_message",
    "max_attachment_size_kb",
    "allowed_attachment_types",
)


def _require_admin_of(actor: User, account: Account) -> None:
    from django.core.exceptions import PermissionDenied

    if not (actor.is_admin and actor.account_id == account.pk):
        raise PermissionDenied


@transaction.atomic
def account_settings_update(*, account: Account, actor: User, **fields) -> Account:
    """Admins change their account's settings (private tickets, reply type, limits…)."""
    _require_admin_of(actor, account)
    unknown = set(fields) - set(ACCOUNT_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not account settings: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(account, name, value)
    account.full_clean()
    account.save(update_fields=list(fields))
    return account


def _other_active_admins(user: User):
    return (
        User.objects.for_account(user.account)
        .filter(role=User.Role.ADMIN, is_active=True)
        .exclude(pk=user.pk)
    )


@transaction.atomic
def agent_set_role(*, user: User, role: str, actor: User) -> User:
    """Make an agent an admin or an admin an agent. The account keeps one admin at least."""
    _require_admin_of(actor, user.account)
    if role not in (User.Role.AGENT, User.Role.ADMIN) or not user.is_agent:
        raise ValidationError({"role": _("Choose agent or admin for a member of the team.")})
    if user.is_admin and role != User.Role.ADMIN and not _other_active_admins(user).exists():
        raise ValidationError({"role": _("The account needs at least one admin.")})
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def agent_deactivate(*, user: User, actor: User) -> User:
    """Take an agent off the team: they can no longer sign in, nor join groups or be
    assigned. Their past work (comments, history) stays."""
    _require_admin_of(actor, user.account)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_admin and not _other_active_admins(user).exists():
        raise ValidationError(_("The account needs at least one admin."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    GroupMembership.objects.for_account(user.account).filter(user=user).delete()
    return user


def user_set_preferences(
    *, user: User, locale: str | None = None, time_zone: str | None = None
) -> User:
    """A person's own language and time zone (their profile page, the help center's
    language switcher): pages and emails follow them. Blank falls back to the browser's
    language and the account's time zone; None leaves that one as it is."""
    errors = {}
    if locale and locale not in {code for code, _name in settings.LANGUAGES}:
        errors["locale"] = _("Choose one of the offered languages.")
    if time_zone and time_zone not in {name for name, _label in TIME_ZONE_CHOICES}:
        errors["time_zone"] = _("Choose a time zone from the list.")
    if errors:
        raise ValidationError(errors)
    changed = {"locale": locale, "time_zone": time_zone}
    fields = [name for name, value in changed.items() if value is not None]
    for name in fields:
        setattr(user, name, changed[name])
    if fields:
        user.save(update_fields=fields)
    return user

"""State changes of accounts and people. One function per use case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import signals
from accounts.audit import audit_record, changes_between
from accounts.dbsession import account_context
from accounts.emails import check_email_free, email_owner
from accounts.identity_models import AuditEntry
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
from accounts.roles import permissions_of
from accounts.selectors import account_for_subdomain, organization_for_email


@transaction.atomic
def account_create(
    *,
    subdomain: str,
    name: str,
    admin_email: str,
    admin_name: str = "",
    admin_password: str | None = None,
    **settings: Any,
) -> tuple[Account, User]:
    """A new tenant with its first admin. Platform-level: it creates the account itself."""
    account = Account(subdomain=subdomain.strip().lower(), name=name.strip(), **settings)
    # The accounts table is under row-level security, so a taken subdomain is asked of
    # account_by_subdomain (Django's unique check would see no other account).
    account.full_clean(validate_unique=False)
    if account_for_subdomain(account.subdomain) is not None:
        raise ValidationError({"subdomain": account.unique_error_message(Account, ["subdomain"])})
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
    actor: User | None = None,
) -> User:
    """A user of the account. Email is unique per account; an end user without an
    organization joins the one that owns their email domain. An agent ``actor`` (the
    workspace's "add user") needs a role that may manage end users (accounts.roles)."""
    if actor is not None and actor.is_agent and not permissions_of(actor).manage_end_users:
        raise ValidationError(_("Your role does not allow adding or editing end users."))
    email = UserManager.normalize_email(email)
    check_email_free(account=account, email=email)
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
    *, account: Account, email: str, role: str, organization: Organization | None, **fields: Any
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
    user = email_owner(account=account, email=email)  # an other address finds its user too
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
    *,
    account: Account,
    name: str,
    domains: list[str] | tuple = (),
    details: str = "",
    notes: str = "",
    tags: str = "",
    shared_tickets: bool = False,
    shared_comments: bool = False,
) -> Organization:
    org = Organization(
        account=account,
        name=name.strip(),
        details=details.strip(),
        notes=notes.strip(),
        tags=" ".join(dict.fromkeys(tags.lower().split())),
        shared_tickets=shared_tickets,
        shared_comments=shared_comments and shared_tickets,
    )
    if Organization.objects.for_account(account).filter(name__iexact=org.name).exists():
        raise ValidationError({"name": _("An organization with this name already exists.")})
    org.full_clean(exclude=["number"], validate_unique=False, validate_constraints=False)
    org.save()
    _organization_set_domains(org, domains)
    return org


def _organization_set_domains(org: Organization, domains: Iterable[str]) -> None:
    """The organization's email domains become exactly these (Zendesk's domain_names
    overwrite). A domain another organization of the account owns is refused."""
    wanted = list(dict.fromkeys(d.strip().lower() for d in domains if d.strip()))
    owned = OrganizationDomain.objects.for_account(org.account)
    taken = sorted(
        owned.filter(domain__in=wanted).exclude(organization=org).values_list("domain", flat=True)
    )
    if taken:
        raise ValidationError(
            {
                "domain_names": _("%(domains)s already belongs to another organization.")
                % {"domains": ", ".join(taken)}
            }
        )
    owned.filter(organization=org).exclude(domain__in=wanted).delete()
    have = set(owned.filter(organization=org).values_list("domain", flat=True))
    for domain in wanted:
        if domain not in have:
            OrganizationDomain.objects.create(account=org.account, organization=org, domain=domain)


ORGANIZATION_FIELDS = (
    "name",
    "details",
    "notes",
    "domains",
    "tags",
    "shared_tickets",
    "shared_comments",
)


def _organization_changes(org: Organization, fields: dict) -> set[str]:
    """The fields whose value would change (a client may send a record back whole)."""
    changed = {
        name
        for name in ("name", "details", "notes")
        if name in fields and (fields[name] or "").strip() != getattr(org, name)
    }
    if "tags" in fields and " ".join(dict.fromkeys((fields["tags"] or "").lower().split())) != (
        org.tags
    ):
        changed.add("tags")
    for name in ("shared_tickets", "shared_comments"):
        if name in fields and bool(fields[name]) != getattr(org, name):
            changed.add(name)
    if "domains" in fields:
        have = set(org.domains.values_list("domain", flat=True))
        if {d.strip().lower() for d in fields["domains"] or () if d.strip()} != have:
            changed.add("domains")
    return changed


@transaction.atomic
def organization_update(*, organization: Organization, actor: User, **fields: Any) -> Organization:
    """Admins change an organization's name, details, notes and domains; agents its
    notes only (Zendesk's rule for agents); end users nothing. Every change moves its
    updated_at (sync tools' watermark)."""
    from django.core.exceptions import PermissionDenied

    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"not organization fields: {sorted(unknown)}")
    if not actor.is_agent or actor.account_id != organization.account_id:
        raise PermissionDenied(_("Only the account's agents can change organizations."))
    if not actor.is_admin and _organization_changes(organization, fields) - {"notes"}:
        raise PermissionDenied(_("Agents can change only an organization's notes."))
    for name in ("name", "details", "notes"):
        if name in fields:
            setattr(organization, name, (fields[name] or "").strip())
    if "tags" in fields:
        organization.tags = " ".join(dict.fromkeys((fields["tags"] or "").lower().split()))
    for name in ("shared_tickets", "shared_comments"):
        if name in fields:
            setattr(organization, name, bool(fields[name]))
    # Comments are shared only where tickets are.
    organization.shared_comments = organization.shared_comments and organization.shared_tickets
    same_name = Organization.objects.for_account(organization.account).filter(
        name__iexact=organization.name
    )
    if same_name.exclude(pk=organization.pk).exists():
        raise ValidationError({"name": _("An organization with this name already exists.")})
    organization.full_clean(exclude=["number"], validate_unique=False, validate_constraints=False)
    organization.save()
    if "domains" in fields:
        _organization_set_domains(organization, fields["domains"] or ())
    return organization


def organization_get_or_create(*, account: Account, name: str) -> tuple[Organization, bool]:
    """The account's organization of that name (any case), or a new one: Zendesk's
    ``"organization": {"name": ...}`` on a user."""
    name = name.strip()
    existing = Organization.objects.for_account(account).filter(name__iexact=name).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return organization_create(account=account, name=name), True
    except (ValidationError, IntegrityError):
        # Lost a race with another creator of the same name: take theirs.
        existing = Organization.objects.for_account(account).filter(name__iexact=name).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def group_create(*, account: Account, name: str, agents: list[User] | tuple = ()) -> AgentGroup:
    group = AgentGroup(account=account, name=name.strip())
    group.full_clean(exclude=["number"])
    group.save()
    for agent in agents:
        group_add_agent(group=group, agent=agent)
    return group


def _group_touch(group: AgentGroup) -> None:
    """Its agents changed: the group's updated_at says so (sync tools' watermark)."""
    group.save(update_fields=["updated_at"])


def group_add_agent(*, group: AgentGroup, agent: User) -> None:
    if agent.account_id != group.account_id or not agent.is_agent:
        raise ValidationError(_("Only agents of this account can join a group."))
    _membership, created = GroupMembership.objects.get_or_create(
        account_id=group.account_id, group=group, user=agent
    )
    if created:
        _group_touch(group)


def group_remove_agent(*, group: AgentGroup, agent: User) -> None:
    removed, _counts = (
        GroupMembership.objects.for_account(group.account).filter(group=group, user=agent).delete()
    )
    if removed:
        _group_touch(group)


ACCOUNT_SETTINGS_FIELDS = (
    "private_tickets_enabled",
    "default_reply_type",
    "brand_color",
    "default_locale",
    "time_zone",
    "max_attachments_per_message",
    "max_attachment_size_kb",
    "allowed_attachment_types",
    "agents_require_2fa",
    "close_requires_explanation",
)


def _require_admin_of(actor: User, account: Account) -> None:
    from django.core.exceptions import PermissionDenied

    if not (actor.is_admin and actor.account_id == account.pk):
        raise PermissionDenied


@transaction.atomic
def account_settings_update(*, account: Account, actor: User, **fields: Any) -> Account:
    """Admins change their account's settings (private tickets, reply type, limits…)."""
    _require_admin_of(actor, account)
    unknown = set(fields) - set(ACCOUNT_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not account settings: {sorted(unknown)}")
    before = {name: getattr(account, name) for name in fields}
    for name, value in fields.items():
        setattr(account, name, value)
    account.full_clean()
    account.save(update_fields=list(fields))
    changes = changes_between(before, fields)
    if changes:
        audit_record(
            account=account, actor=actor, action=AuditEntry.Action.SETTINGS_CHANGED, changes=changes
        )
    return account


def _other_active_admins(user: User) -> QuerySet[User]:
    return (
        User.objects.for_account(user.account)
        .filter(role=User.Role.ADMIN, is_active=True)
        .exclude(pk=user.pk)
    )


@transaction.atomic
def agent_set_role(*, user: User, role: str, actor: User) -> User:
    """Make an agent an admin or an admin an agent. The account keeps one admin at least."""
    _require_admin_of(actor, user.account)  # type: ignore[arg-type]  # an agent's account is set
    if role not in (User.Role.AGENT, User.Role.ADMIN) or not user.is_agent:
        raise ValidationError({"role": _("Choose agent or admin for a member of the team.")})
    if user.is_admin and role != User.Role.ADMIN and not _other_active_admins(user).exists():
        raise ValidationError({"role": _("The account needs at least one admin.")})
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    if before != role:
        audit_record(
            account=user.account,  # type: ignore[arg-type]  # an agent's account is set
            actor=actor,
            action=AuditEntry.Action.ROLE_CHANGED,
            target=user,
            changes={"role": [before, role]},
        )
    return user


@transaction.atomic
def agent_deactivate(*, user: User, actor: User) -> User:
    """Take an agent off the team: they can no longer sign in, nor join groups or be
    assigned. Their past work (comments, history) stays."""
    _require_admin_of(actor, user.account)  # type: ignore[arg-type]  # an agent's account is set
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_admin and not _other_active_admins(user).exists():
        raise ValidationError(_("The account needs at least one admin."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    GroupMembership.objects.for_account(user.account).filter(user=user).delete()
    audit_record(
        account=user.account,  # type: ignore[arg-type]  # an agent's account is set
        actor=actor,
        action=AuditEntry.Action.AGENT_DEACTIVATED,
        target=user,
        changes={"is_active": [True, False]},
    )
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

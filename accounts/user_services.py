"""The account admins' side of people: edit a profile, invite, suspend, reactivate.

One function per use case, each checking that the actor is an admin of the user's
account itself (pages, the API or a command may call them; none need repeat the rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import signals
from accounts.access import user_may_be_invited
from accounts.audit import audit_record, changes_between
from accounts.emails import check_email_free, other_emails_of
from accounts.identity_models import AuditEntry
from accounts.models import (
    Account,
    AgentGroup,
    AgentRole,
    GroupMembership,
    Organization,
    User,
    UserManager,
)
from accounts.services import _other_active_admins, _require_admin_of, agent_deactivate, user_create

PROFILE_FIELDS = (
    "name",
    "email",
    "phone",
    "organization",
    "role",
    "agent_role",
    "locale",
    "time_zone",
    "tags",
    "notes",
)


def tags_normalized(tags: str) -> str:
    """Tags as stored: lower case, one space between, each once, in the order given."""
    return " ".join(dict.fromkeys(tags.lower().split()))


@transaction.atomic
def user_update(*, user: User, actor: User, **fields: Any) -> User:
    """Admins edit a person's profile. The address stays unique in the account, the
    organization is one of the account's, and the account keeps an active admin."""
    _require_admin_of(actor, _account_of(user))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if "email" in fields:
        fields["email"] = UserManager.normalize_email(fields["email"].strip())
        check_email_free(account=_account_of(user), email=fields["email"], user=user)
        if fields["email"].lower() in other_emails_of(user):
            raise ValidationError(
                {"email": _("This is one of the user's other emails: make it primary there.")}
            )
    organization: Organization | None = fields.get("organization")
    if organization is not None and organization.account_id != user.account_id:
        raise ValidationError({"organization": _("Unknown organization.")})
    role = fields.get("role", user.role)
    agent_role = fields.get("agent_role", user.agent_role if user.agent_role_id else None)
    if agent_role is not None and agent_role.account_id != user.account_id:
        raise ValidationError({"agent_role": _("Unknown role.")})
    if role != User.Role.AGENT and agent_role is not None:
        fields["agent_role"] = None  # a custom role is an agent's; Admin has every permission
    if user.is_admin and role != User.Role.ADMIN and not _other_active_admins(user).exists():
        raise ValidationError({"role": _("The account needs at least one admin.")})
    if "tags" in fields:
        fields["tags"] = tags_normalized(fields["tags"] or "")
    for name in ("name", "phone", "notes"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    was_agent = user.is_agent
    before = {name: getattr(user, name) for name in fields}
    for name, value in fields.items():
        setattr(user, name, value)
    # Uniqueness was checked above within the account (users are under row-level
    # security: Django's own check would see this account's rows only anyway).
    user.full_clean(
        exclude=["number", "password"], validate_unique=False, validate_constraints=False
    )
    user.save()
    if was_agent and not user.is_agent:
        # No longer on the team: out of its groups, as a deactivated agent.
        GroupMembership.objects.for_account(_account_of(user)).filter(user=user).delete()
    if was_agent != user.is_agent:
        signals.user_team_changed.send(sender=User, account=_account_of(user), user=user)
    changes = changes_between(before, {name: getattr(user, name) for name in fields})
    if changes:
        action = (
            AuditEntry.Action.ROLE_CHANGED if "role" in changes else AuditEntry.Action.USER_UPDATED
        )
        audit_record(
            account=_account_of(user), actor=actor, action=action, target=user, changes=changes
        )
    return user


def user_invite(
    *,
    account: Account,
    actor: User,
    name: str,
    email: str,
    role: str = User.Role.END_USER,
    organization: Organization | None = None,
    groups: Iterable[AgentGroup] = (),
    default_group: AgentGroup | None = None,
    agent_role: AgentRole | None = None,
) -> User:
    """A new user without a password, who is emailed a link to choose one. An agent
    joins the given groups at once, one of them their default group, with their custom
    role (``agent_role``, ignored for others)."""
    _require_admin_of(actor, account)
    if agent_role is not None and agent_role.account_id != account.pk:
        raise ValidationError({"agent_role": _("Unknown role.")})
    with transaction.atomic():
        user = user_create(
            account=account, name=name, email=email, role=role, organization=organization
        )
        if agent_role is not None and role == User.Role.AGENT:
            user.agent_role = agent_role
            user.save(update_fields=["agent_role"])
        if groups or default_group is not None:
            agent_set_groups(agent=user, actor=actor, groups=groups, default_group=default_group)
        invitation_send(user=user, actor=actor)
    return user


@transaction.atomic
def agent_set_groups(
    *,
    agent: User,
    actor: User,
    groups: Iterable[AgentGroup],
    default_group: AgentGroup | None = None,
) -> None:
    """An agent's groups, replaced by the given ones; the default group is one of them
    (a ticket assigned to the agent without a group takes it)."""
    account = _account_of(agent)
    _require_admin_of(actor, account)
    groups = list(dict.fromkeys(groups))
    if default_group is not None and default_group not in groups:
        groups.append(default_group)
    if groups and not agent.is_agent:
        raise ValidationError({"groups": _("Only agents can join groups.")})
    if any(group.account_id != account.pk for group in groups):
        raise ValidationError({"groups": _("Unknown group.")})
    memberships = GroupMembership.objects.for_account(account).filter(user=agent)
    before = sorted(memberships.values_list("group__name", flat=True))
    memberships.exclude(group__in=groups).delete()
    memberships.update(is_default=False)
    for group in groups:
        GroupMembership.objects.update_or_create(
            account_id=account.pk,
            group=group,
            user=agent,
            defaults={"is_default": group == default_group},
        )
    after = sorted(group.name for group in groups)
    if before != after:
        audit_record(
            account=account,
            actor=actor,
            action=AuditEntry.Action.USER_UPDATED,
            target=agent,
            changes={"groups": [", ".join(before), ", ".join(after)]},
        )


@transaction.atomic
def invitation_send(*, user: User, actor: User) -> None:
    """Email the user a link to set their password: Django's password-reset token, so
    it expires after ``PASSWORD_RESET_TIMEOUT`` and is spent once a password is set (the
    token signs the password hash). The email is an outbox row in this transaction."""
    account = _account_of(user)
    _require_admin_of(actor, account)
    if not user.is_active:
        raise ValidationError(_("Reactivate this user before inviting them."))
    if not user_may_be_invited(user):
        raise ValidationError(
            _(
                "This user has already activated their account: they can reset their "
                "password from the sign-in page."
            )
        )
    path = reverse(
        "accounts:password_reset_confirm",
        urlconf=settings.TENANT_URLCONF,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "account": account,
        "inviter": actor,
        "link": account.base_url + path,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    # In the recipient's language, not the admin's.
    with translation.override(user.effective_locale):
        subject = "".join(loader.render_to_string("emails/invite/subject.txt", context).split("\n"))
        body = loader.render_to_string("emails/invite/body.txt", context)
    queued = signals.account_email.send(
        sender=User,
        account=account,
        user=user,
        kind="invite",
        subject=subject,
        body_text=body,
        body_html="",
    )
    if not queued:
        raise ValidationError(_("Email is not set up: the invitation could not be sent."))
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.USER_INVITED,
        target=user,
        changes={"role": [None, user.role]},
    )


@transaction.atomic
def user_suspend(*, user: User, actor: User) -> User:
    """Suspend a person: they cannot sign in (their sessions end, accounts.backends),
    their API tokens stop working and their emails turn into no tickets (the inbound
    path drops mail from an inactive user). An agent is taken off the team as well."""
    _require_admin_of(actor, _account_of(user))
    if user.is_agent:
        return agent_deactivate(user=user, actor=actor)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        account=_account_of(user),
        actor=actor,
        action=AuditEntry.Action.USER_SUSPENDED,
        target=user,
        changes={"is_active": [True, False]},
    )
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User) -> User:
    _require_admin_of(actor, _account_of(user))
    was_active = user.is_active
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        account=_account_of(user),
        actor=actor,
        action=AuditEntry.Action.USER_REACTIVATED,
        target=user,
        changes={"is_active": [was_active, True]},
    )
    return user


def _account_of(user: User) -> Account:
    if user.account is None:  # an operator, who belongs to no account
        raise ValidationError(_("Unknown user."))
    return user.account

"""What an agent may do (issue 21): ``permissions_of`` is the one answer, read by the
tickets' selectors (which tickets they see) and services (what they may change), never
only by the pages that hide a button. And the admins' services for custom roles.

An Admin and a plain Agent (no role row) may do everything agents do; an end user
nothing of it. A role row narrows that (accounts.role_models.AgentRole)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, changes_between
from accounts.identity_models import AuditEntry
from accounts.models import Account, User, number_rows
from accounts.role_models import AgentRole

ALL = AgentRole.TicketAccess.ALL
GROUPS = AgentRole.TicketAccess.GROUPS
ASSIGNED = AgentRole.TicketAccess.ASSIGNED


@dataclass(frozen=True)
class Permissions:
    ticket_access: str = ALL
    public_replies: bool = True
    solve: bool = True
    edit_tickets: bool = True
    delete_tickets: bool = True
    merge_tickets: bool = True
    make_private: bool = True
    manage_macros: bool = True
    manage_views: bool = True
    see_reports: bool = True
    manage_end_users: bool = True

    @property
    def assignable(self) -> bool:
        """A light agent (internal notes only) is never assigned a ticket."""
        return self.public_replies


PERMISSION_FIELDS = tuple(f.name for f in fields(Permissions))
EVERYTHING = Permissions()
NOTHING = Permissions(ticket_access=ASSIGNED, **{name: False for name in PERMISSION_FIELDS[1:]})

# The built-in rows every account starts with (names are seed wording, translated on
# display only when unchanged).
BUILTIN_ROLES: dict[str, dict[str, Any]] = {
    AgentRole.Builtin.LIGHT_AGENT: {
        "name": "Light agent",
        "description": "Sees every ticket and adds internal notes; no public replies, "
        "never assigned, changes no ticket.",
        "public_replies": False,
        "solve": False,
        "edit_tickets": False,
        "delete_tickets": False,
        "merge_tickets": False,
        "make_private": False,
        "manage_macros": False,
        "manage_views": False,
        "see_reports": False,
        "manage_end_users": False,
    },
    AgentRole.Builtin.GROUP_AGENT: {
        "name": "Group agent",
        "description": "An agent who sees only the tickets of their groups and those "
        "assigned to them.",
        "ticket_access": GROUPS,
        "delete_tickets": False,
    },
    AgentRole.Builtin.FRONT_LINE: {
        "name": "Front line",
        "description": "Front line updates, only managers close: every ticket, but "
        "cannot solve, close, delete or merge.",
        "solve": False,
        "delete_tickets": False,
        "merge_tickets": False,
    },
}
BUILTIN_NAMES = {
    AgentRole.Builtin.LIGHT_AGENT: gettext_lazy("Light agent"),
    AgentRole.Builtin.GROUP_AGENT: gettext_lazy("Group agent"),
    AgentRole.Builtin.FRONT_LINE: gettext_lazy("Front line"),
}


def permissions_of(user: User) -> Permissions:
    """The user's permissions: no query for admins, plain agents and end users; an
    agent's role row is read once per user object (Django keeps it on the instance)."""
    if not user.is_agent:
        return NOTHING
    if user.is_admin or user.agent_role_id is None:
        return EVERYTHING
    role = user.agent_role
    return Permissions(**{name: getattr(role, name) for name in PERMISSION_FIELDS})


def role_label(user: User) -> str:
    """What the people pages call the user's role."""
    if user.is_agent and not user.is_admin and user.agent_role_id is not None:
        return display_name(user.agent_role)  # type: ignore[arg-type]
    return str(user.get_role_display())


def display_name(role: AgentRole) -> str:
    """A built-in role's name in the reader's language, while the admins keep it."""
    key = AgentRole.Builtin(role.builtin) if role.builtin else None
    if key is not None and role.name == BUILTIN_ROLES[key]["name"]:
        return str(BUILTIN_NAMES[key])
    return role.name


def roles_for_account(*, account: Account) -> QuerySet[AgentRole]:
    return AgentRole.objects.for_account(account).order_by("name", "number")


def roles_install_defaults(*, account: Account) -> None:
    """The built-in roles, for an account that lacks them. Idempotent."""
    have = set(
        AgentRole.objects.for_account(account).exclude(builtin="").values_list("builtin", flat=True)
    )
    rows = [
        AgentRole(account=account, builtin=key, **values)
        for key, values in BUILTIN_ROLES.items()
        if key not in have
    ]
    number_rows(rows)  # type: ignore[arg-type]  # numbered as a NumberedTenantModel
    AgentRole.objects.for_account(account).bulk_create(rows)


def _require_admin(actor: User, account: Account) -> None:
    if not (actor.is_admin and actor.account_id == account.pk):
        raise PermissionDenied


def _clean(account: Account, fields_: dict[str, Any], role: AgentRole | None) -> None:
    unknown = set(fields_) - {"name", "description", *PERMISSION_FIELDS}
    if unknown:
        raise ValueError(f"not role fields: {sorted(unknown)}")
    if "name" in fields_:
        fields_["name"] = (fields_["name"] or "").strip()
        if not fields_["name"]:
            raise ValidationError({"name": _("A role needs a name.")})
        taken = AgentRole.objects.for_account(account).filter(name__iexact=fields_["name"])
        if role is not None:
            taken = taken.exclude(pk=role.pk)
        if taken.exists():
            raise ValidationError({"name": _("Another role has this name.")})
    if fields_.get("ticket_access", ALL) not in AgentRole.TicketAccess.values:
        raise ValidationError({"ticket_access": _("Unknown ticket access.")})


@transaction.atomic
def role_create(*, account: Account, actor: User, **fields_: Any) -> AgentRole:
    _require_admin(actor, account)
    _clean(account, fields_, None)
    role = AgentRole(account=account, **fields_)
    number_rows([role])  # type: ignore[list-item]  # numbered as a NumberedTenantModel
    role.save()
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.AGENT_ROLE_CHANGED,
        target=f"role {role.name}",
        changes={"role": [None, role.name]},
    )
    return role


@transaction.atomic
def role_update(*, role: AgentRole, actor: User, **fields_: Any) -> AgentRole:
    account = Account(pk=role.account_id)
    _require_admin(actor, account)
    _clean(account, fields_, role)
    before = {name: getattr(role, name) for name in fields_}
    for name, value in fields_.items():
        setattr(role, name, value)
    role.save()
    changes = changes_between(before, fields_)
    if changes:
        audit_record(
            account=account,
            actor=actor,
            action=AuditEntry.Action.AGENT_ROLE_CHANGED,
            target=f"role {role.name}",
            changes=changes,
        )
    return role


@transaction.atomic
def role_delete(*, role: AgentRole, actor: User) -> None:
    """A role nobody has; built-in roles stay."""
    account = Account(pk=role.account_id)
    _require_admin(actor, account)
    if role.builtin:
        raise ValidationError(_("Built-in roles cannot be deleted."))
    if User.objects.for_account(account).filter(agent_role=role).exists():
        raise ValidationError(_("Agents have this role: give them another one first."))
    name = role.name
    role.delete()
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.AGENT_ROLE_CHANGED,
        target=f"role {name}",
        changes={"role": [name, None]},
    )

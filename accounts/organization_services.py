"""The account admins' side of organizations: create, edit, appoint managers, delete.

Each use case checks that the actor is an admin of the organization's account and writes
an audit entry in its own transaction. The field rules (names, domains, tags, the sharing
options) are accounts.services' organization_create and organization_update.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from accounts import signals
from accounts.audit import audit_record, changes_between
from accounts.identity_models import AuditEntry
from accounts.memberships import defaults_move_off
from accounts.models import Account, Organization, User
from accounts.services import _require_admin_of, organization_create, organization_update

_AUDITED = ("name", "details", "notes", "tags", "shared_tickets", "shared_comments")


def _summary(org: Organization) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(org, name) for name in _AUDITED}
    values["domains"] = " ".join(sorted(org.domains.values_list("domain", flat=True)))
    values["managers"] = " ".join(
        sorted(org.members.filter(is_org_manager=True).values_list("email", flat=True))
    )
    return values


@transaction.atomic
def organization_admin_create(
    *,
    account: Account,
    actor: User,
    managers: Iterable[User] = (),
    **fields: Any,
) -> Organization:
    _require_admin_of(actor, account)
    org = organization_create(account=account, **fields)
    _set_managers(org, managers)
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.ORGANIZATION_CREATED,
        target=org,
        changes=changes_between({}, _summary(org)),
    )
    return org


@transaction.atomic
def organization_admin_update(
    *,
    organization: Organization,
    actor: User,
    managers: Iterable[User] | None = None,
    **fields: Any,
) -> Organization:
    account = organization.account
    _require_admin_of(actor, account)
    before = _summary(organization)
    organization_update(organization=organization, actor=actor, **fields)
    if managers is not None:
        _set_managers(organization, managers)
    changes = changes_between(before, _summary(organization))
    if changes:
        audit_record(
            account=account,
            actor=actor,
            action=AuditEntry.Action.ORGANIZATION_UPDATED,
            target=organization,
            changes=changes,
        )
    return organization


def _set_managers(org: Organization, managers: Iterable[User]) -> None:
    """Exactly these members manage the organization (they see its requests, seed 004's
    brand admin). A manager from elsewhere joins it; only end users of the account."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    wanted = {user.pk: user for user in managers}
    for user in wanted.values():
        if user.account_id != org.account_id or not user.is_end_user:
            raise ValidationError({"managers": _("Only end users can manage an organization.")})
    members = User.objects.for_account(org.account)
    members.filter(organization=org, is_org_manager=True).exclude(pk__in=wanted).update(
        is_org_manager=False
    )
    members.filter(pk__in=wanted).update(organization=org, is_org_manager=True)


@transaction.atomic
def organization_delete(*, organization: Organization, actor: User) -> None:
    """The organization goes; its members stay, without it (and manage nothing), and its
    tickets keep their history, their organization emptied (each ticket's Activity says
    so: tickets' receiver of organization_deleting)."""
    account = organization.account
    _require_admin_of(actor, account)
    summary = _summary(organization)
    # Members whose default it was move to another of their organizations (or none).
    defaults_move_off(organization=organization)
    answers = signals.organization_deleting.send(
        sender=Organization, organization=organization, actor=actor
    )
    summary["tickets"] = sum(count for _receiver, count in answers if isinstance(count, int))
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.ORGANIZATION_DELETED,
        target=organization,
        changes={name: [value, None] for name, value in summary.items() if value not in ("", 0)},
    )
    organization.delete()

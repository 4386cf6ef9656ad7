"""Several organizations per user (issue 21; Zendesk's organization memberships).

A user belongs to any number of the account's organizations; ``User.organization`` is
the default one and is always among them (User.save keeps it a membership). Tickets
record the organization they are for (the requester's default, or the one they pick on
a new request: ``organization_for_request``); an end user sees the requests of each of
their organizations that shares its tickets, and of the default one they manage
(``shared_organization_ids``, read by tickets.selectors)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import Account, Organization, OrganizationMembership, User, number_rows
from accounts.roles import permissions_of


def memberships_for_account(*, account: Account) -> QuerySet[OrganizationMembership]:
    return (
        OrganizationMembership.objects.for_account(account)
        .select_related("user", "organization")
        .order_by("id")
    )


def organizations_of(*, user: User) -> list[Organization]:
    """The user's organizations, the default one first, then by name (one query; none
    for a user without an organization, who has no membership either)."""
    if user.organization_id is None:
        return []
    orgs = list(
        Organization.objects.for_account(user.account)
        .filter(memberships__user=user)
        .order_by("name", "id")
    )
    orgs.sort(key=lambda org: org.pk != user.organization_id)
    return orgs


def shared_organization_ids(*, user: User) -> list[int]:
    """The organizations whose requests the end user sees (User.shared_organization_ids:
    one query, cached on the user object)."""
    return user.shared_organization_ids()


def organization_for_request(*, requester: User, number: int | None) -> Organization | None:
    """The organization a new request is for: the one picked (by number, among the
    requester's), else the requester's default. A number not theirs is refused."""
    if number is None:
        return requester.organization
    for org in organizations_of(user=requester):
        if org.number == number:
            return org
    raise ValidationError({"organization": _("Choose one of your organizations.")})


def membership_ensure(*, user: User, organization_id: int) -> None:
    """The user is a member of the organization (once)."""
    account = Account(pk=user.account_id)
    memberships = OrganizationMembership.objects.for_account(account)
    if not memberships.filter(user=user, organization_id=organization_id).exists():
        row = OrganizationMembership(account=account, user=user, organization_id=organization_id)
        number_rows([row])  # type: ignore[list-item]  # numbered as a NumberedTenantModel
        row.save()


def _require_manager(actor: User, account_id: int) -> None:
    if not (
        actor.is_agent and actor.account_id == account_id and permissions_of(actor).manage_end_users
    ):
        raise PermissionDenied


@transaction.atomic
def membership_add(
    *, user: User, organization: Organization, actor: User, default: bool = False
) -> OrganizationMembership:
    """Add the user to the organization (agents who may manage end users); the first
    organization, or ``default``, becomes the default one. Adding twice is one row."""
    _require_manager(actor, user.account_id)  # type: ignore[arg-type]
    user.__dict__.pop("_shared_org_ids", None)
    if organization.account_id != user.account_id:
        raise ValidationError({"organization_id": _("Unknown organization.")})
    if user.organization_id is None or default:
        user.organization = organization
        user.save(update_fields=["organization"])  # makes the membership
    else:
        membership_ensure(user=user, organization_id=organization.pk)
    return OrganizationMembership.objects.for_account(Account(pk=user.account_id)).get(
        user=user, organization=organization
    )


@transaction.atomic
def membership_remove(*, membership: OrganizationMembership, actor: User) -> None:
    """The user leaves the organization; when it was their default, their oldest other
    membership becomes the default (none left: no organization, and no managing)."""
    _require_manager(actor, membership.account_id)
    user = membership.user
    user.__dict__.pop("_shared_org_ids", None)
    membership.delete()
    if user.organization_id == membership.organization_id:
        nxt = (
            OrganizationMembership.objects.for_account(Account(pk=user.account_id))
            .filter(user=user)
            .order_by("id")
            .first()
        )
        user.organization_id = nxt.organization_id if nxt else None
        user.is_org_manager = False
        user.save(update_fields=["organization", "is_org_manager"])


def defaults_move_off(*, organization: Organization) -> int:
    """The organization is going: each member whose default it is gets their oldest other
    membership as the default (none left: no organization), and manages nothing (they
    managed this one). One UPDATE; the number of users moved."""
    account = Account(pk=organization.account_id)
    other = (
        OrganizationMembership.objects.for_account(account)
        .filter(user=OuterRef("pk"))
        .exclude(organization=organization)
        .order_by("id")
        .values("organization_id")[:1]
    )
    return (
        User.objects.for_account(account)
        .filter(organization=organization)
        .update(organization_id=Subquery(other), is_org_manager=False)
    )


@transaction.atomic
def membership_make_default(*, membership: OrganizationMembership, actor: User) -> User:
    _require_manager(actor, membership.account_id)
    user = membership.user
    if user.organization_id != membership.organization_id:
        user.organization_id = membership.organization_id
        user.is_org_manager = False  # they managed the former default
        user.save(update_fields=["organization", "is_org_manager"])
    return user


MEMBERSHIP_ACTIONS = ("add", "remove", "default")


def membership_change(*, user: User, organization_number: int, action: str, actor: User) -> None:
    """The admin page's one entry (a user's profile, Organizations): ``action`` "add",
    "remove" or "default" on the user's membership of the organization with that number
    (of the user's account; another's, or an unknown one, is "Unknown organization.")."""
    account = Account(pk=user.account_id)
    organization = (
        Organization.objects.for_account(account).filter(number=organization_number).first()
    )
    if organization is None or action not in MEMBERSHIP_ACTIONS:
        raise ValidationError({"organization": _("Unknown organization.")})
    if action == "add":
        membership_add(user=user, organization=organization, actor=actor)
        return
    membership = (
        OrganizationMembership.objects.for_account(account)
        .filter(user=user, organization=organization)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(
            {
                "organization": _("This user is not a member of %(name)s.")
                % {"name": organization.name}
            }
        )
    if action == "remove":
        membership_remove(membership=membership, actor=actor)
    else:
        membership_make_default(membership=membership, actor=actor)


def organizations_offered(*, account: Account) -> list[Organization]:
    """The organizations the profile's "Add to an organization" offers, by name."""
    return list(Organization.objects.for_account(account).order_by("name", "id"))

"""Zendesk's many-at-once calls: ``tickets/create_many``, ``tickets/destroy_many``,
``users/create_many``, ``organizations/create_many`` (each answered with a job status),
``users/create_or_update`` and an organization's delete.

The work of a bulk call (up to 100 records) is done within the request, each record in
its own savepoint through the same service as its one-at-a-time call (so the same rules
and the same triggers), and kept as a completed job (api.jobs.job_record_done): a client
that polls the status, as Zendesk's clients do, finds it done. One refused record fails
alone, its index and reason in the job's results, as at Zendesk."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework import exceptions

from accounts.models import Account, Organization, User
from accounts.organization_services import organization_delete
from api.jobs import job_record_done
from api.serializers.inputs import OrganizationInput, TicketInput, UserInput, validated
from api.services import (
    api_organization_create,
    api_ticket_create,
    api_user_create,
    api_user_update,
)
from tickets.selectors import tickets_visible_to
from tickets.services import ticket_delete
from tickets.services.common import NotAllowed

# What a record's failure may be: the client's data or the caller's rights.
REFUSALS = (
    ValidationError,
    exceptions.ValidationError,
    exceptions.PermissionDenied,
    DjangoPermissionDenied,
    NotAllowed,
    IntegrityError,  # a concurrent create of the same record
)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)[:500]
    if isinstance(exc, exceptions.ValidationError):
        return _flatten(exc.detail)[:500]
    return str(getattr(exc, "detail", None) or exc or "Not allowed")[:500]


def _flatten(detail, prefix: str = "") -> str:
    if isinstance(detail, dict):
        return "; ".join(_flatten(v, f"{prefix}{k}: ") for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(_flatten(v, prefix) for v in detail)
    return f"{prefix}{detail}"


def created(index: int, number: int) -> dict:
    return {"index": index, "id": number, "action": "create", "success": True}


def failed(index: int, exc: Exception, *, action: str = "create") -> dict:
    refused = isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied | NotAllowed)
    error = "PermissionDenied" if refused else "RecordInvalid"
    return {
        "index": index,
        "id": None,
        "action": action,
        "success": False,
        "error": error,
        "details": _reason(exc),
    }


def items_of(data, envelope: str, *, limit: int = 100) -> list:
    """``{"tickets": [...]}``: the list (each item checked later, on its own)."""
    items = data.get(envelope) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise exceptions.ValidationError({envelope: ["Expected a list of objects."]})
    if len(items) > limit:
        raise exceptions.ValidationError({envelope: [f"At most {limit} at a time."]})
    return items


def each_in_savepoint(items: list, make) -> list[dict]:
    """``make(index, item)`` per item in its own savepoint: a refused item is undone
    alone and reported, the others stand."""
    results = []
    for index, item in enumerate(items):
        try:
            with transaction.atomic():
                results.append(make(index, item))
        except REFUSALS as exc:
            results.append(failed(index, exc))
    return results


@transaction.atomic
def api_tickets_create_many(*, account: Account, actor: User, items: list) -> dict:
    """Each ticket as ``POST /tickets.json`` creates it (the triggers run for each)."""

    def make(index, item):
        data = validated(TicketInput, {"ticket": item}, envelope="ticket")
        change, _ccs = api_ticket_create(account=account, actor=actor, data=data)
        return created(index, change.ticket.number)

    return job_record_done(
        account=account, job_type="create_many", results=each_in_savepoint(items, make)
    )


@transaction.atomic
def api_tickets_destroy_many(*, account: Account, actor: User, numbers: list[int]) -> dict:
    """The tickets the actor sees go, each as ``DELETE /tickets/{id}.json``; a number
    of no such ticket fails alone (RecordNotFound)."""
    visible = {t.number: t for t in tickets_visible_to(viewer=actor).filter(number__in=numbers)}
    results = []
    for number in numbers:
        ticket = visible.get(number)
        if ticket is None:
            results.append(
                {
                    "id": number,
                    "action": "delete",
                    "success": False,
                    "error": "RecordNotFound",
                    "details": "Not found",
                }
            )
            continue
        ticket_delete(ticket=ticket, actor=actor)
        results.append({"id": number, "action": "delete", "success": True, "status": "Deleted"})
    return job_record_done(account=account, job_type="bulk_delete", results=results)


@transaction.atomic
def api_users_create_many(*, account: Account, actor: User, items: list) -> dict:
    """Each user as ``POST /users.json`` creates them (agents and admins: admins only)."""

    def make(index, item):
        data = validated(UserInput, {"user": item}, envelope="user")
        return created(index, api_user_create(account=account, actor=actor, data=data).number)

    return job_record_done(
        account=account, job_type="create_many", results=each_in_savepoint(items, make)
    )


@transaction.atomic
def api_user_create_or_update(*, account: Account, actor: User, data: dict) -> tuple[User, bool]:
    """The account's user of that email address takes the change (the rules of ``PUT
    /users/{id}.json``), else a new user is made (those of ``POST /users.json``). The
    address identifies the user, so it is not a change."""
    email = User.objects.normalize_email(data.get("email") or "")
    users = User.objects.for_account(account)
    existing = users.filter(email__iexact=email).first() if email else None
    if existing is None:
        return api_user_create(account=account, actor=actor, data=data), True
    change = {k: v for k, v in data.items() if k != "email"}
    if change.get("role") == existing.role:
        change.pop("role")
    return api_user_update(account=account, actor=actor, user=existing, data=change), False


@transaction.atomic
def api_organizations_create_many(*, account: Account, items: list) -> dict:
    def make(index, item):
        data = validated(OrganizationInput, {"organization": item}, envelope="organization")
        return created(index, api_organization_create(account=account, data=data).number)

    return job_record_done(
        account=account, job_type="create_many", results=each_in_savepoint(items, make)
    )


def api_organization_delete(*, organization: Organization, actor: User) -> None:
    """Admins only (organization_delete's rule): members stay, without it."""
    if not actor.is_admin:
        raise exceptions.PermissionDenied("Only admins can delete organizations.")
    organization_delete(organization=organization, actor=actor)

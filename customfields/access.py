"""From a URL's or the API's field number to a field."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import require_admin
from accounts.models import Account, User
from customfields.models import TicketField, TicketForm


def ticket_field_for_admin(*, account: Account, viewer: User, number: int) -> TicketField:
    """Admins only (agents 403, end users 404, as every settings page); 404 for a field
    of another account and one that does not exist alike."""
    require_admin(viewer)
    return get_object_or_404(TicketField.objects.for_account(account), number=number)


def ticket_field_for_agent(*, account: Account, number: int) -> TicketField:
    """Agents read every field of their account (the API's GET); 404 across accounts."""
    return get_object_or_404(TicketField.objects.for_account(account), number=number)


def ticket_form_for_agent(*, account: Account, number: int) -> TicketForm:
    """Agents read every form of their account (the API's GET); 404 across accounts."""
    return get_object_or_404(TicketForm.objects.for_account(account), number=number)


def ticket_form_for_admin(*, account: Account, viewer: User, number: int) -> TicketForm:
    require_admin(viewer)
    return ticket_form_for_agent(account=account, number=number)


def people_field_for_agent(*, account: Account, target: str, number: int) -> Any:
    """A user or organization field (``target``) of the account; 404 otherwise."""
    from customfields.people import TARGETS

    if target not in TARGETS:
        raise Http404
    model: Any = TARGETS[target][0]
    return get_object_or_404(model.objects.for_account(account), number=number)

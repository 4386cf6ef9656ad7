"""From a URL's or the API's field number to a field."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.access import require_admin
from accounts.models import Account, User
from customfields.models import TicketField


def ticket_field_for_admin(*, account: Account, viewer: User, number: int) -> TicketField:
    """Admins only (agents 403, end users 404, as every settings page); 404 for a field
    of another account and one that does not exist alike."""
    require_admin(viewer)
    return get_object_or_404(TicketField.objects.for_account(account), number=number)


def ticket_field_for_agent(*, account: Account, number: int) -> TicketField:
    """Agents read every field of their account (the API's GET); 404 across accounts."""
    return get_object_or_404(TicketField.objects.for_account(account), number=number)

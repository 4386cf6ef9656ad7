"""Ticket state changes. One function per use case; the agent UI, the help center, the
API and inbound email all call these, so every rule about tickets lives here once."""

from tickets.services.ccs import ticket_add_ccs, ticket_set_ccs
from tickets.services.common import (
    DELIBERATE_CHANNELS,
    TRACKED_FIELDS,
    NotAllowed,
    RoleRefused,
    normalise_tags,
    require_permission,
)
from tickets.services.replies import Reply, ticket_reply
from tickets.services.requests import request_solve_by_requester
from tickets.services.tickets import (
    can_be_made_private,
    comment_add,
    ticket_create,
    ticket_delete,
    ticket_make_private,
    ticket_open,
    ticket_update,
    tickets_bulk_update,
    tickets_with_tag,
)
from tickets.services.uploads import attachment_upload

__all__ = [
    "DELIBERATE_CHANNELS",
    "TRACKED_FIELDS",
    "NotAllowed",
    "RoleRefused",
    "require_permission",
    "Reply",
    "attachment_upload",
    "can_be_made_private",
    "comment_add",
    "normalise_tags",
    "request_solve_by_requester",
    "ticket_add_ccs",
    "ticket_create",
    "ticket_delete",
    "ticket_make_private",
    "ticket_open",
    "ticket_reply",
    "ticket_set_ccs",
    "ticket_update",
    "tickets_bulk_update",
    "tickets_with_tag",
]

"""Admin-defined fields' values on a ticket (issue 19): set them, record each change in
the Activity (old → new, as people read them), and refuse to solve a ticket while a
field required to solve it is empty."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from customfields.selectors import (
    display_text,
    lookup_names,
    ticket_fields_editable_by,
    ticket_fields_for_viewer,
)
from customfields.ticket_values import clean_values, merged
from customfields.values import missing_to_solve
from tickets.models import Ticket, TicketEvent
from tickets.services.common import event_for

EVENT_PREFIX = "custom_fields."


def apply_custom_fields(
    ticket: Ticket, actor: User | None, channel: str, raw: dict
) -> dict[str, tuple[Any, Any]]:
    """Set ``raw`` ({field number: value}) on ``ticket`` (not saved), checked against the
    fields ``actor`` may edit (the system, ``actor=None``, edits every active one); an
    event per real change. The change set's keys are ``custom_fields.<number>``."""
    account = ticket.account
    if actor is None:
        fields = ticket_fields_for_viewer(account=account, viewer=_SYSTEM)
    else:
        fields = ticket_fields_editable_by(account=account, viewer=actor)
    cleaned = clean_values(account=account, fields=fields, raw=raw)
    before = dict(ticket.custom_fields or {})
    after = merged(before, cleaned)
    by_key = {f.key: f for f in fields}
    changed = [key for key in cleaned if before.get(key) != after.get(key)]
    if not changed:
        return {}
    names = lookup_names(account=account, fields=fields, values=[before, after])
    ticket.custom_fields = after
    events = []
    changes = {}
    for key in changed:
        field = by_key[key]
        old, new = before.get(key), after.get(key)
        changes[EVENT_PREFIX + key] = (old, new)
        events.append(
            event_for(
                ticket,
                actor,
                channel,
                TicketEvent.Kind.CHANGE,
                field=EVENT_PREFIX + key,
                old=display_text(field, old, names),
                new=display_text(field, new, names),
            )
        )
    TicketEvent.objects.bulk_create(events)
    return changes


class _System:
    """The system (trigger actions) sees and edits fields as an agent does."""

    is_agent = True


_SYSTEM: Any = _System()


def check_required_to_solve(ticket: Ticket, actor: User | None, changes: dict) -> None:
    """An agent solves a ticket only with every field required to solve it filled (a
    field's requirement may apply to some ticket types only). Agents only, as Zendesk's
    "required to solve": a requester closing their own request, or an automation, is
    never held back by an agent's field."""
    if actor is None or not actor.is_agent or "status" not in changes or not ticket.is_solved:
        return
    if changes["status"][0] in Ticket.SOLVED_OR_CLOSED:
        return
    fields = ticket_fields_for_viewer(account=ticket.account, viewer=_SYSTEM)
    missing = missing_to_solve(fields, ticket.custom_fields or {}, ticket.type)
    if missing:
        raise ValidationError(
            {
                "custom_fields": _("To solve this ticket, fill in: %(fields)s.")
                % {"fields": ", ".join(missing)}
            }
        )


def initial_values(account: Any, submitter: User, channel: str, raw: dict) -> dict:
    """A new ticket's values: those ``submitter`` may set, checked. An end user who
    submits through the help center or the API fills the fields required on submit."""
    if not raw and not (submitter.is_end_user and channel in ("portal", "api")):
        return {}
    fields = ticket_fields_editable_by(account=account, viewer=submitter)
    values = merged({}, clean_values(account=account, fields=fields, raw=raw)) if raw else {}
    if submitter.is_end_user and channel in ("portal", "api"):
        missing = [f.portal_title for f in fields if f.required_in_portal and f.key not in values]
        if missing:
            raise ValidationError(
                {"custom_fields": _("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)}}
            )
    return values

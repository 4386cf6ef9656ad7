"""Admin-defined fields' values on a ticket (issue 19): set them, record each change in
the Activity (old → new, as people read them), keep the ticket's form and its
conditional fields (a field its conditions hide has no value: cleared on save, never
set, whatever was posted), and refuse to solve a ticket while a field required to
solve it is empty."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from customfields.form_selectors import fields_on_form, shown_on_form, ticket_form_for_ticket
from customfields.models import TicketField, TicketForm
from customfields.selectors import (
    display_text,
    editable_among,
    lookup_names,
    ticket_fields_for_viewer,
)
from customfields.ticket_values import clean_values, merged
from customfields.values import missing_to_solve
from tickets.models import Ticket, TicketEvent
from tickets.services.common import event_for

EVENT_PREFIX = "custom_fields."
FORM_EVENT = "ticket_form"


def apply_custom_fields(
    ticket: Ticket, actor: User | None, channel: str, raw: dict, *, form_number: Any = None
) -> dict[str, tuple[Any, Any]]:
    """Set ``raw`` ({field number: value}) on ``ticket`` (not saved), checked against the
    fields ``actor`` may edit (the system, ``actor=None``, edits every active one); an
    event per real change. ``form_number`` (not None) moves the ticket to that form
    first: fields not on it keep their values, hidden. The change set's keys are
    ``custom_fields.<number>`` and ``ticket_form``."""
    account = ticket.account
    changes: dict[str, tuple[Any, Any]] = {}
    events = []
    form = ticket_form_for_ticket(
        account=account,
        number=ticket.ticket_form_number if form_number is None else form_number,
    )
    if form_number is not None:
        if form is None or form.number != form_number:
            raise ValidationError(
                {"ticket_form_id": _("There is no ticket form %(id)s.") % {"id": form_number}}
            )
        if form.number != ticket.ticket_form_number:
            old_form = ticket_form_for_ticket(account=account, number=ticket.ticket_form_number)
            changes[FORM_EVENT] = (ticket.ticket_form_number, form.number)
            events.append(
                event_for(
                    ticket,
                    actor,
                    channel,
                    TicketEvent.Kind.CHANGE,
                    field=FORM_EVENT,
                    old=old_form.label if old_form is not None else "",
                    new=form.label,
                )
            )
            ticket.ticket_form_number = form.number
    every = ticket_fields_for_viewer(account=account, viewer=None, agents=True)
    fields = every if actor is None else editable_among(every, actor)
    if actor is not None and not actor.is_agent:
        fields = fields_on_form(form, fields)  # end users: the form's fields only
    cleaned = clean_values(account=account, fields=fields, raw=raw)
    before = dict(ticket.custom_fields or {})
    after = merged(before, cleaned)
    for key in shown_on_form(form, every, after).hidden:
        after.pop(key, None)  # hidden by its conditions: no value
    by_key = {f.key: f for f in every}
    changed = [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
    if changed:
        names = lookup_names(account=account, fields=every, values=[before, after])
        ticket.custom_fields = after
    for key in changed:
        field = by_key.get(key)
        old, new = before.get(key), after.get(key)
        changes[EVENT_PREFIX + key] = (old, new)
        if field is None:
            continue
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


def check_required_to_solve(ticket: Ticket, actor: User | None, changes: dict) -> None:
    """An agent solves a ticket only with every field required to solve it filled: the
    fields of its form its conditions show, required themselves (perhaps for some
    ticket types only) or by a condition that holds. Agents only, as Zendesk's "required
    to solve": a requester closing their own request, or an automation, is never held
    back by an agent's field."""
    if actor is None or not actor.is_agent or "status" not in changes or not ticket.is_solved:
        return
    if changes["status"][0] in Ticket.SOLVED_OR_CLOSED:
        return
    every = ticket_fields_for_viewer(account=ticket.account, viewer=None, agents=True)
    form = ticket_form_for_ticket(account=ticket.account, number=ticket.ticket_form_number)
    values = ticket.custom_fields or {}
    shown = shown_on_form(form, every, values)
    on_form = [f for f in fields_on_form(form, every) if f.key not in shown.hidden]
    missing = missing_to_solve(on_form, values, ticket.type)
    missing += [
        f.label
        for f in on_form
        if f.key in shown.required and values.get(f.key) is None and f.label not in missing
    ]
    if missing:
        raise ValidationError(
            {
                "custom_fields": _("To solve this ticket, fill in: %(fields)s.")
                % {"fields": ", ".join(missing)}
            }
        )


def form_for_new_ticket(
    account: Any, submitter: User, channel: str, number: Any
) -> TicketForm | None:
    """The form a new ticket goes on: the one named (an end user names only one the help
    center offers, or the default), else the default; None when the account has no
    forms (or, to spare a query, when nothing asks for one)."""
    if number is None and not (submitter.is_end_user and channel in ("portal", "api")):
        return None
    form = ticket_form_for_ticket(account=account, number=number)
    allowed = form is not None and (
        number is None
        or form.number == number
        and (submitter.is_agent or form.default or (form.visible_in_portal and form.active))
    )
    if number is not None and not allowed:
        raise ValidationError(
            {"ticket_form_id": _("There is no ticket form %(id)s.") % {"id": str(number)[:20]}}
        )
    return form


def initial_values(
    account: Any, submitter: User, channel: str, raw: dict, form: TicketForm | None = None
) -> dict:
    """A new ticket's values: those ``submitter`` may set (an end user: on ``form``),
    checked, the fields hidden by the form's conditions left empty. An end user who
    submits through the help center or the API fills the fields required on submit
    (their own requirement, or a condition's that holds)."""
    portal = submitter.is_end_user and channel in ("portal", "api")
    if not raw and not portal:
        return {}
    every = ticket_fields_for_viewer(account=account, viewer=None, agents=True)
    fields = editable_among(every, submitter)
    if submitter.is_end_user:
        fields = fields_on_form(form, fields)
    values = merged({}, clean_values(account=account, fields=fields, raw=raw)) if raw else {}
    shown = shown_on_form(form, every, values)
    for key in shown.hidden:
        values.pop(key, None)
    if portal:
        missing = [
            f.portal_title
            for f in fields
            if f.key not in shown.hidden
            and (f.required_in_portal or f.key in shown.required)
            and f.key not in values
        ]
        if missing:
            raise ValidationError(
                {"custom_fields": _("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)}}
            )
    return values


def editable_fields(account: Any, viewer: User, form: TicketForm | None) -> list[TicketField]:
    """The inputs a person gets: the fields they may edit on ``form``, in its order."""
    every = ticket_fields_for_viewer(account=account, viewer=None, agents=True)
    return fields_on_form(form, editable_among(every, viewer))

"""Admin-defined fields on the agent's ticket pages (issue 19): the sidebar's and the
new-ticket form's inputs, and the Activity's names for them."""

from __future__ import annotations

from customfields.form_selectors import (
    fields_on_form,
    form_among,
    shown_on_form,
    ticket_forms_for_account,
)
from customfields.forms import CustomFieldsForm
from customfields.selectors import ticket_fields_editable_by
from tickets.models import Ticket
from tickets.services.field_values import EVENT_PREFIX


def custom_fields_form(
    request, ticket: Ticket | None, data=None, prefix: str = "cf"
) -> CustomFieldsForm:
    """The fields of the ticket's form the agent edits (no forms: every active field),
    with the ticket's values, and the form to switch to. The macros' Submit reads the
    sidebar's copies under ``side-cf``."""
    account = request.account
    ticket_forms = ticket_forms_for_account(account=account)
    current = form_among(ticket_forms, ticket.ticket_form_number if ticket else None)
    every = ticket_fields_editable_by(account=account, viewer=request.user)
    values = (ticket.custom_fields if ticket is not None else {}) or {}
    return CustomFieldsForm(
        data,
        fields=fields_on_form(current, every),
        values=values,
        ticket_forms=[f for f in ticket_forms if f.active or f == current],
        current_form=current,
        hidden=shown_on_form(current, every, values).hidden,
        auto_id="side_%s",
        prefix=prefix,
    )


def field_titles(form: CustomFieldsForm) -> dict[str, str]:
    """The Activity's column "What" for a custom field's change: its title today."""
    return {EVENT_PREFIX + key: field.label for key, field in form.definitions.items()}

"""Admin-defined fields on the agent's ticket pages (issue 19): the sidebar's and the
new-ticket form's inputs, and the Activity's names for them."""

from __future__ import annotations

from customfields.forms import CustomFieldsForm
from customfields.selectors import ticket_fields_editable_by
from tickets.models import Ticket
from tickets.services.field_values import EVENT_PREFIX


def custom_fields_form(
    request, ticket: Ticket | None, data=None, prefix: str = "cf"
) -> CustomFieldsForm:
    """The fields the agent edits (every active one), with the ticket's values. The
    macros' Submit reads the sidebar's copies under ``side-cf``."""
    fields = ticket_fields_editable_by(account=request.account, viewer=request.user)
    values = ticket.custom_fields if ticket is not None else {}
    return CustomFieldsForm(
        data, fields=fields, values=values or {}, auto_id="side_%s", prefix=prefix
    )


def field_titles(form: CustomFieldsForm) -> dict[str, str]:
    """The Activity's column "What" for a custom field's change: its title today."""
    return {EVENT_PREFIX + key: field.label for key, field in form.definitions.items()}

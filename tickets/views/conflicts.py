"""The ticket page after a refused stale write (tickets.services.conflicts)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from tickets.forms import TicketFieldsForm
from tickets.labels import FIELD_LABELS
from tickets.models import TicketEvent
from tickets.services.conflicts import TicketConflict


def reapply_form(request, form: TicketFieldsForm, conflict: TicketConflict) -> TicketFieldsForm:
    """The sidebar as the ticket is now, except the fields the agent changed, which keep
    the agent's values; every field is marked loaded at its current value, so submitting
    it re-applies exactly the agent's changes and nothing of the stale rest."""
    ticket = conflict.ticket
    ccs = [link.user.email for link in ticket.cc_links.select_related("user").order_by("id")]
    fresh = TicketFieldsForm(account=request.account, ticket=ticket, cc_emails=ccs)
    edited = set(form.changed_data)
    data = QueryDict(mutable=True)
    for name in fresh.fields:
        current = fresh[name].value()
        current = "" if current is None else str(current)
        data[fresh.add_initial_prefix(name)] = current
        data[name] = form.data.get(name, "") if name in edited else current
    reapplied = TicketFieldsForm(data, account=request.account, ticket=ticket, cc_emails=ccs)
    reapplied.is_valid()  # the page reads cleaned_data (the requester shown)
    return reapplied


def conflict_summary(conflict: TicketConflict) -> str:
    """One line for the lists' bulk update: which ticket was left alone, who changed
    it and what, since the list was shown."""
    ticket = conflict.ticket
    people = sorted({e.actor.name if e.actor else _("System") for e in conflict.events})
    fields = []
    for event in conflict.events:
        label = str(FIELD_LABELS.get(event.field, event.field)) if event.field else ""
        if event.kind == TicketEvent.Kind.COMMENT:
            label = _("a comment")
        if label and label not in fields:
            fields.append(label)
    return _(
        "#%(number)s was not updated: %(people)s changed it since the list was shown "
        "(%(fields)s). Open it to check, then apply the change again."
    ) % {
        "number": ticket.number,
        "people": ", ".join(people) or _("someone"),
        "fields": ", ".join(fields) or _("its fields"),
    }

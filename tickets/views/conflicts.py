"""The ticket page after a refused stale write (tickets.services.conflicts)."""

from __future__ import annotations

from django.http import QueryDict

from tickets.forms import TicketFieldsForm
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
